"""A file that holds the same flow twice is refused, naming the lines of the first repeat.

Queries sum flows, so a repeated row would be counted twice (a 657 USD flow reported as 1,314).
A flow is identified by ``KEY``: year, period, exporter, importer, product, flow and who
reported it. No source bilat reads legitimately repeats that key within one file: Comtrade's
mirror statistics differ in ``flow``/``reported_by``, monthly rows in ``period``, and a
chapter and its headings in ``product`` (checked on every file of the data bundle, see
``tests/store/test_bad_input.py``). Quantity, unit and HS revision are not part of the key:
two rows of one flow that differ only there are still one flow counted twice. Rules where a
format does repeat a key: ru-customs rows are parts of a flow (several TN VED 10-digit lines
share an HS6 code) and are summed, so its reader sets ``repeats_flows``.

A flow whose exporter is its importer is refused too, except where a format holds such flows
on purpose (``domestic_flows`` on the reader): the Advanced Guide's gravity panel holds
intranational flows, and Comtrade publishes rows whose partner is the reporter (re-imports of
its own goods, trade through its free zones: 37 rows in the bundle's 2015 chapter 27 file,
imports and exports).

How: each row's key is hashed to 64 bits as the batches stream past (each distinct code is
hashed once, rows through numpy), and the hashes are sorted once at the end. 8 bytes per row
are kept; two different keys share a hash with probability about rows² / 2⁶⁵ (3·10⁻⁶ for a
10M-row file), which would refuse a good file, never accept a bad one.

Readers say where a batch's rows are in the file (``bilat.sources._lines``); rows of untagged
batches are named by their number in the order read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.sources._csv_stream import lines_before
from bilat.sources._lines import BYTE, LINE, ROWS

#: The columns that identify one flow of the flows table.
KEY = ("year", "period", "exporter", "importer", "product", "flow", "reported_by")
_MIX = np.uint64(0x9E3779B97F4A7C15)


class FlowKeys:
    """The keys of every flow of one file, to find any that appears twice (``check``)."""

    def __init__(
        self, origin: Path, *, unique: bool = True, domestic: bool | Collection[str] = False
    ) -> None:
        """``unique``: refuse a repeated flow; ``domestic``: allow exporter = importer (True),
        or only for these flow codes (Comtrade's imports of a reporter's own goods)."""
        self.origin, self.unique, self.domestic = origin, unique, domestic
        self._hashes: list[np.ndarray] = []
        # per batch: (first data row in stream order, rows, metadata)
        self._batches: list[tuple[int, int, dict[bytes, bytes]]] = []
        self._rows = 0
        self._codes: dict[str, int] = {}
        # the hashes of a dictionary's values, by its buffers: readers share one dictionary
        # per column across a file's batches (10M BACI rows: ~1M look-ups saved). The array
        # is kept with them, so its buffers cannot be freed and their addresses reused.
        self._dictionaries: dict[tuple, tuple[pa.Array, np.ndarray]] = {}

    def add(self, batch: pa.RecordBatch) -> None:
        """Hash the key of each row of a flows batch (canonical columns)."""
        n = batch.num_rows
        if n == 0:
            return
        if not self.unique and self.domestic is True:
            return
        meta = dict(batch.schema.metadata or {})
        self._batches.append((self._rows, n, meta))
        self._rows += n
        h = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):  # the hash wraps around on purpose
            parts = self._mix(batch, h)
        if self.domestic is not True:
            self._check_domestic(batch, parts["exporter"], parts["importer"])
        if self.unique:
            self._hashes.append(h)

    def _check_domestic(self, batch: pa.RecordBatch, ex: object, im: object) -> None:
        """DataFormatError at the first row whose exporter is its importer."""
        same = np.broadcast_to(np.asarray(ex) == np.asarray(im), (batch.num_rows,))
        if not same.any():
            return
        if self.domestic:  # allowed for these flows
            flow = batch.column(batch.schema.get_field_index("flow"))
            if isinstance(flow, pa.DictionaryArray):
                flow = flow.cast(pa.string())
            allowed = pc.is_in(flow, pa.array(sorted(self.domestic), pa.string()))
            same = same & ~allowed.to_numpy(zero_copy_only=False)
            if not same.any():
                return
        i = int(np.argmax(same))
        code = batch.column(batch.schema.get_field_index("exporter"))[i].as_py()
        line = self._line(self._rows - batch.num_rows + i)
        raise DataFormatError(
            self.origin,
            f"exporter and importer are both {code!r}: a flow from an economy to itself is not "
            "trade between two economies",
            line=line,
            fix="Correct the codes, or drop the row (only gravity panels such as the Advanced "
            "Guide's hold intranational flows)",
        )

    def _mix(self, batch: pa.RecordBatch, h: np.ndarray) -> dict[str, object]:
        parts: dict[str, object] = {}
        for k, name in enumerate(KEY):
            col = batch.column(batch.schema.get_field_index(name))
            part = parts[name] = self._column_hash(col)
            # rotate by the column's position, so that (A, B) and (B, A) differ
            h ^= (part << np.uint64(k + 1)) | (part >> np.uint64(63 - k))
            h *= _MIX
        return parts

    def _column_hash(self, col: pa.Array) -> np.ndarray | np.uint64:
        """Each row's value hashed to 64 bits (one scalar when the batch holds one value: a
        batch of one year, a file's one source)."""
        if pa.types.is_integer(col.type):
            values = col.to_numpy(zero_copy_only=False)
            if values.min() == values.max():
                return np.uint64(int(values[0])) * _MIX
            return values.astype(np.uint64) * _MIX
        enc = col if isinstance(col, pa.DictionaryArray) else pc.dictionary_encode(col)
        if len(enc.dictionary) == 1:
            return np.uint64(self._code(enc.dictionary[0].as_py()))
        return np.take(self._dictionary_codes(enc.dictionary), enc.indices.to_numpy(False))

    def _dictionary_codes(self, dictionary: pa.Array) -> np.ndarray:
        """``_code`` of each value of a dictionary, computed once per dictionary."""
        key = (
            str(dictionary.type),
            dictionary.offset,
            len(dictionary),
            *(0 if b is None else b.address for b in dictionary.buffers()),
        )
        hit = self._dictionaries.get(key)
        if hit is not None:
            return hit[1]
        codes = np.fromiter(
            (self._code(v) for v in dictionary.to_pylist()),
            dtype=np.uint64,
            count=len(dictionary),
        )
        if len(self._dictionaries) >= 64:  # a reader with a new dictionary per batch
            self._dictionaries.clear()
        self._dictionaries[key] = (dictionary, codes)
        return codes

    def _code(self, value: str | None) -> int:
        """A stable 64-bit hash of one code (the same in every process and run)."""
        text = "\x00" if value is None else value
        code = self._codes.get(text)
        if code is None:
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8)
            code = self._codes[text] = int.from_bytes(digest.digest(), "little")
        return code

    def check(self) -> None:
        """DataFormatError naming the lines of the first flow that appears more than once."""
        if not self.unique or self._rows < 2:
            return
        hashes = np.concatenate(self._hashes) if len(self._hashes) > 1 else self._hashes[0]
        # a plain sort says whether any key repeats (~4x cheaper than an argsort); only then
        # are the rows found
        ordered = np.sort(hashes)
        if not (ordered[1:] == ordered[:-1]).any():
            return
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        same = ordered[1:] == ordered[:-1]
        # every row of a repeated key, grouped by key; the group whose first row comes first
        # in the file is reported
        dup_rows = np.union1d(order[1:][same], order[:-1][same])
        keys = hashes[dup_rows]
        firsts: dict[int, list[int]] = {}
        for row, key in zip(dup_rows.tolist(), keys.tolist(), strict=True):
            firsts.setdefault(key, []).append(row)
        groups = sorted((sorted(rows) for rows in firsts.values()), key=lambda rows: rows[0])
        rows = groups[0]
        repeated = sum(len(g) - 1 for g in groups)
        where, line = self._where(rows)
        more = (
            f"; {len(groups) - 1:,} other flow(s) are repeated too ({repeated:,} extra rows)"
            if len(groups) > 1
            else ""
        )
        raise DataFormatError(
            self.origin,
            f"the same flow (year, period, exporter, importer, product, flow, reporter) "
            f"appears {len(rows)} times, {where}{more}; bilat would count it "
            f"{len(rows)} times",
            line=line,
            fix="Remove the repeated rows (or, if they are parts of one flow, add them up into "
            "one row) and add the file again",
        )

    def _where(self, rows: list[int]) -> tuple[str, int | None]:
        """How to name ``rows`` (data rows in stream order): file lines where known."""
        lines = [self._line(r) for r in rows[:5]]
        if all(x is not None for x in lines):
            shown = ", ".join(str(x) for x in lines) + (" …" if len(rows) > 5 else "")
            return f"on lines {shown}", lines[0]
        shown = ", ".join(f"{r + 1:,}" for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        return f"as data rows {shown} (in the order read)", None

    def _line(self, row: int) -> int | None:
        starts = [b[0] for b in self._batches]
        k = int(np.searchsorted(starts, row, side="right")) - 1
        start, _n, meta = self._batches[k]
        if LINE in meta:
            return int(meta[LINE]) + row - start
        if BYTE in meta:
            return lines_before(self.origin, int(meta[BYTE])) + 1 + int(meta[ROWS]) + row - start
        return None

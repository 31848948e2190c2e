"""HS revision descriptions and concordances (the R package concordance, MIT) as store tables.

The package's files, as in the bundle's ``reference/hs_concordance/``:

- ``hs<i>_desc.csv`` (``code,desc``): descriptions of the 2-, 4- and 6-digit codes of revision
  *i* (0 = HS1992 … 6 = HS2022) → table ``hs_descriptions``, dataset ``HS92`` …
- ``hs<i>_hs<j>.csv`` (``HS<i>_6d,HS<i>_4d,HS<i>_2d,HS<j>_6d,HS<j>_4d,HS<j>_2d``): the links
  between a newer revision *i* and an older one *j* → table ``hs_concordance``, dataset
  ``HS17-HS92`` …

Codes are kept as written (zero-padded text; no value is read as missing). Source
``concordance``; release ``unknown`` (the files name no package version). Once ingested,
``bilat.reference.hs`` converts and describes codes from the store, without the bundle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.schema import HS_CONCORDANCE_SCHEMA, HS_DESCRIPTIONS_SCHEMA, HS_REVISIONS
from bilat.sources import _csv_stream as cs
from bilat.sources.base import FileInfo, Reader

SOURCE, RELEASE = "concordance", "unknown"
_DESC = re.compile(r"^hs(\d)_desc\.csv(\.gz)?$", re.IGNORECASE)
_PAIR = re.compile(r"^hs(\d)_hs(\d)\.csv(\.gz)?$", re.IGNORECASE)
# every cell is text, and none is missing: "NA" or an empty description is kept as written
_AS_TEXT = {"nulls": (), "empty_strings_null": False}


def _revision(path: Path, digit: str) -> str:
    i = int(digit)
    if i >= len(HS_REVISIONS):
        raise DataFormatError(
            path,
            f"hs{i} is not an HS revision (hs0 = HS1992 … hs{len(HS_REVISIONS) - 1} = HS2022)",
            fix="Keep the concordance package's file names (hs5_hs0.csv, hs0_desc.csv)",
        )
    return HS_REVISIONS[i]


def _match(pattern: re.Pattern[str], path: Path) -> re.Match[str]:
    m = pattern.match(Path(path).name)
    if m is None:
        raise DataFormatError(
            path,
            "the file name does not say which HS revision(s) it holds",
            fix="Keep the concordance package's file names (hs5_hs0.csv, hs0_desc.csv)",
        )
    return m


class HsDescriptionsReader(Reader):
    """``hs<i>_desc.csv`` → ``hs_descriptions`` (one revision's code descriptions)."""

    format: ClassVar[str] = "hs-descriptions"
    table: ClassVar[str] = "hs_descriptions"
    header = ("code", "desc")

    def sniff(self, path: Path, head: bytes) -> bool:
        """The header ``code,desc`` in a file named ``hs<i>_desc.csv``."""
        return _DESC.match(Path(path).name) is not None and super().sniff(path, head)

    def info(self, path: Path) -> FileInfo:
        """Source ``concordance``, dataset the revision (``HS92``), release ``unknown``."""
        revision = _revision(path, _match(_DESC, path).group(1))
        return FileInfo(self.table, SOURCE, revision, RELEASE, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Rows in HS_DESCRIPTIONS_SCHEMA; DataFormatError at an empty code."""
        path = Path(path)
        revision = self.info(path).dataset
        layout = cs.sniff_layout(path, delimiters=",")
        cs.check_columns(path, layout.columns, self.header)
        types = {"code": pa.string(), "desc": pa.string()}
        for start, batch in cs.iter_batches(path, layout, types, **_AS_TEXT):
            code = batch.column("code")
            empty = pc.equal(code, "")
            cs.refuse_first(path, empty, code, "code", layout.locator(start), "empty HS code")
            n = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [
                    cs.constant(revision, n),
                    code,
                    batch.column("desc"),
                    cs.constant(SOURCE, n),
                    cs.constant(RELEASE, n),
                ],
                schema=HS_DESCRIPTIONS_SCHEMA,
            )


class HsConcordanceReader(Reader):
    """``hs<i>_hs<j>.csv`` → ``hs_concordance`` (links between a newer and an older revision)."""

    format: ClassVar[str] = "hs-concordance"
    table: ClassVar[str] = "hs_concordance"

    def sniff(self, path: Path, head: bytes) -> bool:
        """A file named ``hs<i>_hs<j>.csv`` whose header starts ``HS<i>_6d``."""
        m = _PAIR.match(Path(path).name)
        return m is not None and cs.header_fields(head)[:1] == [f"HS{m.group(1)}_6d"]

    def info(self, path: Path) -> FileInfo:
        """Source ``concordance``, dataset ``HS17-HS92`` (newer-older), release ``unknown``."""
        newer, older = self._revisions(Path(path))
        return FileInfo(self.table, SOURCE, f"{newer}-{older}", RELEASE, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Rows in HS_CONCORDANCE_SCHEMA (the file's six code columns, as text)."""
        path = Path(path)
        newer, older = self._revisions(path)
        i, j = _match(_PAIR, path).group(1, 2)
        columns = [f"HS{k}_{d}d" for k in (i, j) for d in (6, 4, 2)]
        layout = cs.sniff_layout(path, delimiters=",")
        cs.check_columns(path, layout.columns, columns)
        types = dict.fromkeys(columns, pa.string())
        for _, batch in cs.iter_batches(path, layout, types, **_AS_TEXT):
            n = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [
                    cs.constant(newer, n),
                    cs.constant(older, n),
                    *(batch.column(c) for c in columns),
                    cs.constant(SOURCE, n),
                    cs.constant(RELEASE, n),
                ],
                schema=HS_CONCORDANCE_SCHEMA,
            )

    @staticmethod
    def _revisions(path: Path) -> tuple[str, str]:
        m = _match(_PAIR, path)
        newer, older = _revision(path, m.group(1)), _revision(path, m.group(2))
        if HS_REVISIONS.index(newer) <= HS_REVISIONS.index(older):
            raise DataFormatError(
                path,
                f"a concordance file links a newer revision to an older one, not {newer} to "
                f"{older}",
                fix="Keep the concordance package's file names (hs5_hs0.csv = HS2017 → HS1992)",
            )
        return newer, older

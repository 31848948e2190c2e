"""Tidy CSV of bilateral flows (one row per exporter, importer, year), with a column mapping.

The preset (no mapping given) reads the ``trade`` data set of the R package penppml
(``exp,imp,time,export,id,agreement,…``), so that ``bilat data add …/penppml/trade.csv.gz``
needs no options. Decisions for that preset:

- ``export`` is UN Comtrade merchandise exports in USD, so each row is flow ``X`` and
  ``reported_by`` is ``exporter`` (the package documents the column as the exporter's exports;
  no mirror reconciliation is described).
- Zero flows are kept: gravity estimation by PPML needs them.
- ``UNS`` (unspecified partner) and the historical codes (former USSR, Belgium-Luxembourg, …)
  are kept; ``non_country`` is True when either side is not a country.
- The release is the package version from the ``DESCRIPTION`` file beside the data, else
  ``unknown``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError, InputError
from bilat.schema import FLOWS, FLOWS_SCHEMA, HS_REVISIONS, PERIODS, REPORTED_BY, TOTAL
from bilat.sources import _csv_stream as cs
from bilat.sources import _lines
from bilat.sources.base import FileInfo, Reader

#: Canonical fields a mapping may name; the first four are required.
REQUIRED = ("exporter", "importer", "year", "value_usd")
OPTIONAL = ("product", "period", "quantity", "quantity_unit")

PENPPML_MAPPING = {"exporter": "exp", "importer": "imp", "year": "time", "value_usd": "export"}
_PENPPML_HEADER = ("exp", "imp", "time", "export", "id", "agreement")

_TYPES: dict[str, pa.DataType] = {
    "exporter": pa.string(),
    "importer": pa.string(),
    "year": pa.float64(),  # read as a number, checked integral below ("1986.0" occurs)
    "value_usd": pa.float64(),
    "product": pa.string(),
    "period": pa.string(),
    "quantity": pa.float64(),
    "quantity_unit": pa.string(),
}


def read_mapping_from_cli(text: str) -> dict[str, str]:
    """Parse the CLI's ``--map "exporter=exp,importer=imp,year=time,value_usd=export"``."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InputError(f"--map: {part!r} is not of the form field=column (e.g. exporter=exp)")
        if field not in REQUIRED + OPTIONAL:
            close = difflib.get_close_matches(field, REQUIRED + OPTIONAL, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(
                f"--map: unknown field {field!r}{hint} (fields: {', '.join(REQUIRED + OPTIONAL)})"
            )
        mapping[field] = column
    return check_mapping(mapping)


def check_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping as a dict; InputError when a required field is missing or unknown."""
    mapping = dict(mapping)
    unknown = [f for f in mapping if f not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(f"column mapping: unknown field(s) {', '.join(unknown)}")
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise InputError(
            f"column mapping: missing {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        )
    return mapping


def penppml_release(path: Path) -> str:
    """penppml's package version from the ``DESCRIPTION`` file beside the data, else ``unknown``."""
    description = Path(path).parent / "DESCRIPTION"
    if description.is_file():
        match = re.search(r"^Version:\s*(\S+)", description.read_text("utf-8", "replace"), re.M)
        if match:
            return match.group(1)
    return "unknown"


class TidyReader(Reader):
    """Tidy bilateral flows: exporter, importer, year, value (times ``unit`` to get USD)."""

    format: ClassVar[str] = "tidy"
    table: ClassVar[str] = "flows"

    def __init__(
        self,
        mapping: Mapping[str, str] | None = None,
        *,
        unit: float = 1.0,
        source: str | None = None,
        dataset: str | None = None,
        release: str | None = None,
        product: str | None = None,
        hs_revision: str | None = None,
        flow: str = "X",
        reported_by: str = "exporter",
    ):
        self.preset = mapping is None
        self.mapping = dict(PENPPML_MAPPING) if mapping is None else check_mapping(mapping)
        if not (unit > 0 and math.isfinite(unit)):
            raise InputError(
                f"unit must be a positive, finite multiplier to USD (e.g. 1000 for thousands), "
                f"not {unit!r}"
            )
        if flow not in FLOWS:
            raise InputError(f"flow must be one of {', '.join(FLOWS)}, not {flow!r}")
        if reported_by not in REPORTED_BY:
            raise InputError(
                f"reported_by must be one of {', '.join(REPORTED_BY)}, not {reported_by!r}"
            )
        if hs_revision is not None and hs_revision not in HS_REVISIONS:
            raise InputError(
                f"hs_revision must be one of {', '.join(HS_REVISIONS)}, not {hs_revision!r}"
            )
        self.unit = float(unit)
        self.source, self.dataset, self.release = source, dataset, release
        self.product = product or TOTAL
        self.hs_revision = hs_revision
        self.flow, self.reported_by = flow, reported_by

    def __repr__(self) -> str:
        return f"TidyReader(mapping={self.mapping!r}, unit={self.unit!r}, source={self.source!r})"

    def options(self) -> str:
        """The settings that change what the file's rows mean, as text (empty for the preset
        with its defaults): the store folds them into the file's identity, so the same file
        added again with another ``--unit`` or ``--source`` is read again, not "unchanged"."""
        settings = {
            "mapping": None if self.preset else self.mapping,
            "unit": self.unit,
            "source": self.source,
            "dataset": self.dataset,
            "release": self.release,
            "product": self.product,
            "hs_revision": self.hs_revision,
            "flow": self.flow,
            "reported_by": self.reported_by,
        }
        defaults = {"unit": 1.0, "product": TOTAL, "flow": "X", "reported_by": "exporter"}
        changed = {k: v for k, v in settings.items() if v is not None and defaults.get(k) != v}
        return json.dumps(changed, sort_keys=True) if changed else ""

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for penppml's header (preset) or a header holding every mapped column."""
        first = head.decode("utf-8", "replace").lstrip("\ufeff").partition("\n")[0].strip()
        fields = [f.strip().strip('"') for f in first.split(",")]
        if self.preset:
            return tuple(fields[: len(_PENPPML_HEADER)]) == _PENPPML_HEADER
        return all(column in fields for column in self.mapping.values())

    def info(self, path: Path) -> FileInfo:
        """Source, dataset and release: penppml's for the preset, else the constructor's."""
        path = Path(path)
        if self.preset:
            return FileInfo(
                "flows",
                self.source or "penppml",
                self.dataset or "trade",
                self.release or penppml_release(path),
                self.format,
            )
        stem = path.name.split(".")[0]
        return FileInfo(
            "flows",
            self.source or "tidy",
            self.dataset or stem,
            self.release or "unknown",
            self.format,
        )

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in FLOWS_SCHEMA, streamed; DataFormatError names file, line, column."""
        path = Path(path)
        info = self.info(path)
        layout = cs.sniff_layout(path, delimiters=",")
        cs.check_columns(
            path, layout.columns, list(self.mapping.values()), fix="check the --map option"
        )
        types = {col: _TYPES[f] for f, col in self.mapping.items()}
        codes = cs.CountryCodes(path)
        for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
            out = self._normalise(path, batch, layout.locator(start), codes, info)
            yield _lines.tag(out, layout.line(start))

    def _normalise(
        self,
        path: Path,
        batch: pa.RecordBatch,
        locate: cs.Locate,
        codes: cs.CountryCodes,
        info: FileInfo,
    ) -> pa.RecordBatch:
        m = self.mapping
        n = batch.num_rows
        cs.require_values(path, batch, m["value_usd"], locate, non_negative=True)
        year = cs.year_column(path, batch, m["year"], locate)
        exporter, exporter_is_country = codes.normalise(batch, m["exporter"], locate, upper=True)
        importer, importer_is_country = codes.normalise(batch, m["importer"], locate, upper=True)
        non_country = pc.invert(pc.and_(exporter_is_country, importer_is_country))
        value = pc.multiply(batch.column(m["value_usd"]), self.unit)
        if self.unit != 1:  # times the unit, a large value can overflow
            cs.check_finite(path, value, m["value_usd"], locate)
        if "product" in m:
            product = product_column(path, batch, m["product"], locate)
        else:
            product = cs.constant(self.product, n)
        if "period" in m:
            period = batch.column(m["period"])
            cs.refuse_first(
                path,
                pc.invert(pc.is_in(period, pa.array(PERIODS))),
                period,
                m["period"],
                locate,
                "{value} is not a period",
                "use A, H1, H2, Q1–Q4 or M01–M12",
            )
        else:
            period = cs.constant("A", n)
        if "quantity" in m:
            cs.require_values(
                path, batch, m["quantity"], locate, non_negative=True, allow_empty=True
            )
            quantity = batch.column(m["quantity"])
        else:
            quantity = pa.nulls(n, pa.float64())
        unit = (
            batch.column(m["quantity_unit"]) if "quantity_unit" in m else pa.nulls(n, pa.string())
        )
        return pa.RecordBatch.from_arrays(
            [
                year,
                period,
                exporter,
                importer,
                product,
                cs.constant(self.hs_revision, n),
                value,
                quantity,
                unit,
                cs.constant(self.flow, n),
                cs.constant(self.reported_by, n),
                non_country,
                cs.constant(info.source, n),
                cs.constant(info.release, n),
            ],
            schema=FLOWS_SCHEMA,
        )


_HS = re.compile(r"^(\d{2}|\d{4}|\d{6})$")


def product_column(path: Path, batch: pa.RecordBatch, column: str, locate: cs.Locate) -> pa.Array:
    """HS codes as zero-padded strings of 2, 4 or 6 digits (or TOTAL).

    An odd number of digits is taken as a code that lost its leading zero in a spreadsheet
    (``101`` → ``0101``).
    """
    values = pc.utf8_trim_whitespace(batch.column(column))
    encoded = values.dictionary_encode()
    fixed = []
    for code in encoded.dictionary.to_pylist():
        if code is not None and code.upper() == TOTAL:
            fixed.append(TOTAL)
            continue
        padded = code.zfill(len(code) + 1) if code and code.isdigit() and len(code) % 2 else code
        if padded is None or not _HS.match(padded):
            i = cs.first_true(
                pc.fill_null(pc.equal(values, code), True) if code else pc.is_null(values)
            )
            raise DataFormatError(
                path,
                f"{code!r} is not an HS code (2, 4 or 6 digits) or TOTAL",
                line=None if i is None else locate(i),
                column=column,
            )
        fixed.append(padded)
    return pa.array(fixed, pa.string()).take(encoded.indices)

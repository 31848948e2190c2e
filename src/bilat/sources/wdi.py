"""World Bank WDI indicators as CSV: the long layout of the bundle and the wide WDI download.

- Long (``macro/wdi_gdp/gdp.csv``): ``Country Name,Country Code,Year,Value``. The indicator is
  read from a ``datapackage.json`` beside the file (its source link ends in the indicator code),
  else guessed from the folder or file name (``gdp`` → NY.GDP.MKTP.CD, ``population`` →
  SP.POP.TOTL). The release is the datapackage's ``last_updated`` date, else ``unknown``.
- Wide (``API_NY.GDP.MKTP.CD_DS2_en_csv_v2_*.csv``, as downloaded from the WDI site): a preamble
  (``"Data Source","World Development Indicators",`` and ``"Last Updated Date","2024-06-28",``),
  then ``"Country Name","Country Code","Indicator Name","Indicator Code","1960",…``. The release is
  the Last Updated Date; empty cells (no data) are dropped, as in the long layout.

Regional and income aggregates (WLD, EAS, HIC …) are kept with ``non_country`` True.
Values are in the indicator's own unit (current USD for GDP, people for population).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.schema import MACRO_SCHEMA
from bilat.sources import _csv_stream as cs
from bilat.sources._io import text_head
from bilat.sources.base import FileInfo, Reader

LONG_COLUMNS = ("Country Name", "Country Code", "Year", "Value")
WIDE_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
#: Names the bundle's folders and files use for an indicator, when no datapackage says which.
INDICATOR_BY_NAME = {
    "gdp": "NY.GDP.MKTP.CD",
    "population": "SP.POP.TOTL",
    "pop": "SP.POP.TOTL",
}
_INDICATOR_LINK = re.compile(r"indicator/([A-Za-z0-9._]+)")
_API_NAME = re.compile(r"^API_(.+?)_DS2_")


class WdiReader(Reader):
    """World Bank WDI CSV (long or wide) → the ``macro`` table."""

    format: ClassVar[str] = "wdi"
    table: ClassVar[str] = "macro"

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for the long header or the wide download's preamble/header."""
        text = head.decode("utf-8", "replace").lstrip("\ufeff")
        first = text.partition("\n")[0]
        if _fields(first)[:4] == list(LONG_COLUMNS):
            return True
        return _wide_header_row(text) is not None

    def info(self, path: Path) -> FileInfo:
        """Source ``wdi``, dataset = indicator code, release = the data's last update date."""
        path = Path(path)
        text = text_head(path)
        skip = _wide_header_row(text)
        if skip is not None:
            return FileInfo(
                "macro",
                "wdi",
                self._wide_indicator(path, text, skip),
                _wide_release(text),
                self.format,
            )
        indicator, release = _datapackage(path)
        if indicator is None:
            indicator = _indicator_from_name(path)
        return FileInfo("macro", "wdi", indicator, release or "unknown", self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated rows in MACRO_SCHEMA; DataFormatError naming file, line and column."""
        path = Path(path)
        info = self.info(path)
        text = text_head(path)
        skip = _wide_header_row(text)
        codes = cs.CountryCodes(path)
        if skip is None:
            yield from self._long(path, text, info, codes)
        else:
            yield from self._wide(path, text, skip, info, codes)

    def _long(
        self, path: Path, text: str, info: FileInfo, codes: cs.CountryCodes
    ) -> Iterator[pa.RecordBatch]:
        layout = cs.sniff_layout(path, text.encode(), delimiters=",")
        cs.check_columns(path, layout.columns, LONG_COLUMNS, fix="expected the WDI long layout")
        types = {"Country Code": pa.string(), "Year": pa.float64(), "Value": pa.float64()}
        for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
            locate = layout.locator(start)
            cs.require_values(path, batch, "Value", locate, allow_empty=True)
            year = cs.year_column(path, batch, "Year", locate)
            country, is_country = codes.normalise(batch, "Country Code", locate, upper=True)
            out = _macro(country, year, batch.column("Value"), is_country, info)
            yield out.filter(pc.is_valid(out.column("value")))

    def _wide(
        self, path: Path, text: str, skip: int, info: FileInfo, codes: cs.CountryCodes
    ) -> Iterator[pa.RecordBatch]:
        layout = cs.sniff_layout(path, text.encode(), skip_rows=skip, delimiters=",")
        cs.check_columns(
            path,
            layout.columns,
            WIDE_COLUMNS,
            line=skip + 1,
            fix="expected the WDI download layout",
        )
        years = [f for f in layout.columns if f.isdigit()]
        if not years:
            raise DataFormatError(
                path, "no year columns (1960, 1961, …) in the header", line=skip + 1
            )
        types = {
            "Country Code": pa.string(),
            "Indicator Code": pa.string(),
            **dict.fromkeys(years, pa.float64()),
        }
        for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
            locate = layout.locator(start)
            indicators = set(pc.unique(batch.column("Indicator Code")).to_pylist())
            if indicators - {info.dataset}:
                other = sorted(str(i) for i in indicators - {info.dataset})
                i = cs.first_true(pc.not_equal(batch.column("Indicator Code"), info.dataset))
                raise DataFormatError(
                    path,
                    f"indicator {other[0]!r} in a file of {info.dataset!r}",
                    line=None if i is None else locate(i),
                    column="Indicator Code",
                    fix="load one indicator per file, as the WDI site downloads them",
                )
            country, is_country = codes.normalise(batch, "Country Code", locate, upper=True)
            for y in years:
                values = batch.column(y)
                year = pa.array([int(y)] * batch.num_rows, pa.int16())
                out = _macro(country, year, values, is_country, info)
                out = out.filter(pc.is_valid(values))
                if out.num_rows:
                    yield out

    @staticmethod
    def _wide_indicator(path: Path, text: str, skip: int) -> str:
        # the first data row's Indicator Code; the file name says the same (API_<code>_DS2_…)
        rows = list(csv.reader(text.splitlines()[skip : skip + 2]))
        if (
            len(rows) == 2
            and "Indicator Code" in rows[0]
            and len(rows[1]) > rows[0].index("Indicator Code")
        ):
            return rows[1][rows[0].index("Indicator Code")]
        match = _API_NAME.match(path.name)
        if match:
            return match.group(1)
        raise DataFormatError(
            path,
            "cannot tell which indicator the file holds",
            line=skip + 2,
            column="Indicator Code",
        )


def _fields(line: str) -> list[str]:
    try:
        return next(csv.reader([line.strip()]), [])
    except csv.Error:  # binary or otherwise not CSV
        return []


def _wide_header_row(text: str) -> int | None:
    """Number of lines before the wide header (``"Country Name","Country Code",…``)."""
    for number, line in enumerate(text.splitlines()[:10]):
        if _fields(line)[:4] == list(WIDE_COLUMNS):
            return number
    return None


def _wide_release(text: str) -> str:
    for line in text.splitlines()[:6]:
        fields = _fields(line)
        if len(fields) >= 2 and fields[0] == "Last Updated Date" and fields[1]:
            return fields[1]
    return "unknown"


def _datapackage(path: Path) -> tuple[str | None, str | None]:
    """Indicator and last-update date from a Frictionless ``datapackage.json`` beside the file."""
    for candidate in (path.parent / "datapackage.json", path.parent.parent / "datapackage.json"):
        if candidate.is_file():
            try:
                meta = json.loads(candidate.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise DataFormatError(candidate, f"not valid JSON ({exc})") from exc
            indicator = None
            for source in meta.get("sources", []):
                match = _INDICATOR_LINK.search(str(source.get("path", "")))
                if match:
                    indicator = match.group(1)
                    break
            return indicator, meta.get("last_updated")
    return None, None


def _indicator_from_name(path: Path) -> str:
    for name in (path.name.split(".")[0], path.parent.name, path.parent.name.removeprefix("wdi_")):
        if name.lower() in INDICATOR_BY_NAME:
            return INDICATOR_BY_NAME[name.lower()]
    raise DataFormatError(
        path,
        "cannot tell which WDI indicator the file holds",
        fix="put the datapackage.json beside it, or name the file after the indicator (gdp.csv)",
    )


def _macro(
    country: pa.Array, year: pa.Array, values: pa.Array, is_country: pa.Array, info: FileInfo
) -> pa.RecordBatch:
    n = len(country)
    return pa.RecordBatch.from_arrays(
        [
            country,
            year,
            pa.array([info.dataset] * n, pa.string()),
            pc.cast(values, pa.float64()),
            pc.invert(is_country),
            pa.array([info.source] * n, pa.string()),
            pa.array([info.release] * n, pa.string()),
        ],
        schema=MACRO_SCHEMA,
    )

"""CEPII GeoDist (Mayer and Zignago 2011): bilateral distances and geography dummies (``.dta``).

``cepii_dist_cepii.dta`` → the ``distances`` table (``iso_o`` → exporter, ``iso_d`` → importer;
distances in km). GeoDist predates several ISO changes; its codes are mapped to current ISO3:

- ``ROM`` → ``ROU`` (Romania), ``ZAR`` → ``COD`` (DR Congo), ``TMP`` → ``TLS`` (Timor-Leste),
  ``PAL`` → ``PSE`` (Palestine): the same territory under its current code;
- ``YUG`` → ``SRB``: GeoDist's ``YUG`` is Serbia and Montenegro (capital Belgrade); Serbia is the
  larger successor and keeps Belgrade, so its distances stand for Serbia. Montenegro has no row.
- ``ANT`` (Netherlands Antilles, dissolved 2010) is kept as it is.

``cepii_geo_cepii.dta`` (one row per country: capital, coordinates, languages, colonisers) is not a
store table; :func:`read_geo` returns it as a pandas DataFrame with the same code mapping.
Cite: Mayer, T. and Zignago, S. (2011), Notes on CEPII's distances measures: the GeoDist database,
CEPII Working Paper 2011-25.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa

from bilat.errors import DataFormatError
from bilat.schema import DISTANCES_SCHEMA
from bilat.sources._csv_stream import check_columns
from bilat.sources._io import head_bytes
from bilat.sources.base import Reader

#: GeoDist's own codes → current ISO3 (see the module docstring for why).
GEODIST_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "PAL": "PSE", "YUG": "SRB"}
DISTANCES = ("dist", "distcap", "distw", "distwces")
DUMMIES = (
    "contig",
    "comlang_off",
    "comlang_ethno",
    "colony",
    "comcol",
    "curcol",
    "col45",
    "smctry",
)
REQUIRED = ("iso_o", "iso_d", *DUMMIES, *DISTANCES)
RELEASE = "2011"


def is_dta(head: bytes) -> bool:
    """True for a Stata file: ``<stata_dta>`` (formats 117+) or the binary header of 104–115."""
    if head.startswith(b"<stata_dta>"):
        return True
    # old formats: version byte, byte order 1 (big) or 2 (little), file type 1
    return len(head) > 3 and 104 <= head[0] <= 115 and head[1] in (1, 2) and head[2] == 1


def read_dta(path: str | Path, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """A Stata file as a DataFrame; DataFormatError naming the file and any missing column."""
    import pyreadstat

    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "no such file", fix="check the path")
    if path.stat().st_size == 0:
        raise DataFormatError(path, "the file is empty")
    if not is_dta(head_bytes(path, 16)):
        raise DataFormatError(path, "not a Stata .dta file", fix="give the .dta file itself")
    try:
        frame, _ = pyreadstat.read_dta(str(path))
    except Exception as exc:  # pyreadstat raises its own ReadstatError for damaged files
        raise DataFormatError(
            path, f"damaged or truncated Stata file ({exc})", fix="download it again"
        ) from exc
    check_columns(
        path, list(frame.columns), required, line=None, fix="expected CEPII's variable names"
    )
    return frame


def _codes(path: Path, values: pd.Series, column: str) -> pd.Series:
    """Upper-case ISO3 with GeoDist's old codes mapped; DataFormatError at the first unknown one."""
    from bilat.reference import countries

    codes = values.astype("string").str.strip().str.upper().replace(GEODIST_CODES)
    distinct = [c for c in codes.dropna().unique()]
    found = countries.lookup_many(distinct)
    if codes.isna().any():
        row = int(codes.isna().to_numpy().argmax())
        raise DataFormatError(path, "the country code is empty", line=row + 1, column=column)
    for code in distinct:
        if found.get(code) is None:
            row = int((codes == code).to_numpy().argmax())
            raise DataFormatError(
                path,
                f"unknown country code {code!r}",
                line=row + 1,
                column=column,
                fix="use ISO3 codes",
            )
    return codes.map(lambda c: found[c])


class GeoDistReader(Reader):
    """CEPII GeoDist ``dist_cepii.dta`` → ``distances``; ``line`` in errors is the observation."""

    format: ClassVar[str] = "geodist"
    table: ClassVar[str] = "distances"
    #: release: the year of Mayer and Zignago's paper (the file names none)
    source, dataset, release = "geodist", "dist_cepii", RELEASE

    def sniff(self, path: Path, head: bytes) -> bool:
        """A Stata file whose variable list holds ``iso_o`` and ``iso_d``."""
        return is_dta(head) and b"iso_o" in head and b"iso_d" in head

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """All pairs in DISTANCES_SCHEMA (50 thousand rows: read at once, it is small)."""
        path = Path(path)
        frame = read_dta(path, REQUIRED)
        for column in DISTANCES:
            bad = frame[column] < 0
            if bad.any():
                row = int(bad.to_numpy().argmax())
                raise DataFormatError(
                    path,
                    f"negative distance {frame[column].iloc[row]!r}",
                    line=row + 1,
                    column=column,
                )
        out = pd.DataFrame(
            {
                "exporter": _codes(path, frame["iso_o"], "iso_o"),
                "importer": _codes(path, frame["iso_d"], "iso_d"),
                **{c: frame[c].astype("float64") for c in DISTANCES},
                **{c: frame[c].astype("int8") for c in DUMMIES},
                "source": "geodist",
                "release": RELEASE,
            }
        )
        duplicated = out.duplicated(["exporter", "importer"])
        if duplicated.any():
            row = int(duplicated.to_numpy().argmax())
            raise DataFormatError(
                path,
                f"pair {out.exporter.iloc[row]}–{out.importer.iloc[row]} appears twice "
                "(after mapping old codes to current ISO3)",
                line=row + 1,
            )
        table = pa.Table.from_pandas(out, schema=DISTANCES_SCHEMA, preserve_index=False)
        yield from table.to_batches(max_chunksize=1 << 16)


def read_geo(path: str | Path) -> pd.DataFrame:
    """CEPII ``geo_cepii.dta``: rows per country and city (``iso3`` as current ISO3, lat/lon …)."""
    path = Path(path)
    frame = read_dta(path, ("iso3", "country", "lat", "lon"))
    frame = frame.copy()
    frame["iso3"] = frame["iso3"].astype("string").str.strip().str.upper().replace(GEODIST_CODES)
    return frame

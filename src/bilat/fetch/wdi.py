"""World Bank WDI: download one indicator's zip, extract its wide CSV and ingest it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from bilat.errors import DataFormatError, InputError
from bilat.fetch.common import FetchOptions, FetchResult, check_zip, extract_member, ingest
from bilat.fetch.download import download
from bilat.fetch.publishers import WDI

_INDICATOR = re.compile(r"[A-Za-z0-9]+(\.[A-Za-z0-9_]+)*")


def data_member(archive: Path) -> str:
    """The zip member holding the data: ``API_<indicator>_DS2_….csv`` (not the Metadata_ files)."""
    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if Path(n).name.upper().startswith("API_")]
        names = [n for n in names if n.lower().endswith(".csv")]
    if len(names) != 1:
        raise DataFormatError(
            archive,
            f"expected one API_<indicator>_….csv in the WDI download, found {len(names)}",
            fix="Download the indicator again (delete the cached zip)",
        )
    return names[0]


def fetch_wdi(indicator: str, options: FetchOptions) -> FetchResult:
    """Download (or reuse) the zip of one WDI indicator (e.g. NY.GDP.MKTP.CD) and ingest it."""
    indicator = indicator.strip().upper()
    if not _INDICATOR.fullmatch(indicator):
        raise InputError(
            f"{indicator!r} is not a WDI indicator code; codes look like NY.GDP.MKTP.CD"
        )
    url = WDI.url(indicator=indicator)
    folder = options.folder("wdi")

    def verify(path: Path) -> None:
        check_zip(path)
        data_member(path)

    got = download(
        url,
        folder / f"API_{indicator}_DS2_en_csv_v2.zip",
        offline=options.offline,
        refresh=options.refresh,
        verify=verify,
        progress=options.progress,
        policy=options.policy,
    )
    # the wdi reader reads the wide CSV, not the zip of three CSVs: extract the data member
    csv_path = extract_member(got.path, data_member(got.path), folder / indicator)
    added = ingest(options, [csv_path], "wdi", [got])
    return FetchResult("wdi", f"WDI {indicator}", (got,), added)

"""CEPII GeoDist: download ``dist_cepii.dta`` (or a zip holding it) and ingest the distances."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bilat.errors import DataFormatError
from bilat.fetch.common import FetchOptions, FetchResult, check_zip, extract_member, ingest
from bilat.fetch.download import download
from bilat.fetch.publishers import GEODIST
from bilat.sources._io import head_bytes
from bilat.sources.geodist import is_dta


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _dta_member(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if Path(n).name.lower() == "dist_cepii.dta"]
    if not names:
        raise DataFormatError(
            archive,
            "the zip holds no dist_cepii.dta",
            fix="Point BILAT_GEODIST_URL at CEPII's dist_cepii.dta",
        )
    return names[0]


def verify(path: Path) -> None:
    """DataFormatError unless the download is a Stata file or a zip holding dist_cepii.dta."""
    if _is_zip(path):
        check_zip(path)
        _dta_member(path)
    elif not is_dta(head_bytes(path, 16)):
        raise DataFormatError(path, "not a Stata .dta file (an error page?)")


def fetch_geodist(options: FetchOptions) -> FetchResult:
    """Download (or reuse) CEPII's ``dist_cepii.dta`` and ingest it as the distances table."""
    url = GEODIST.url()
    folder = options.folder("geodist")
    name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "dist_cepii.dta"
    got = download(
        url,
        folder / name,
        offline=options.offline,
        refresh=options.refresh,
        verify=verify,
        progress=options.progress,
        policy=options.policy,
    )
    path = got.path
    if _is_zip(path):
        path = extract_member(path, _dta_member(path), folder / "extracted")
    added = ingest(options, [path], "geodist", [got])
    return FetchResult("geodist", "CEPII GeoDist dist_cepii", (got,), added)

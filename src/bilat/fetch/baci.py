"""CEPII BACI: download a release zip (``BACI_HS92_V202501.zip``) and ingest it."""

from __future__ import annotations

import re

from bilat.errors import InputError
from bilat.fetch.common import FetchOptions, FetchResult, check_zip, ingest
from bilat.fetch.download import download
from bilat.fetch.publishers import BACI, baci_release

#: HS revisions CEPII publishes BACI in (HS96 … HS07 exist too; all use BACI's file layout).
REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
_RELEASE = re.compile(r"\d{6}[a-z]?")


def release_name(revision: str, release: str) -> str:
    """CEPII's file name of a release zip, e.g. ``BACI_HS92_V202501.zip``."""
    return f"BACI_{revision}_V{release}.zip"


def fetch_baci(revision: str, release: str | None, options: FetchOptions) -> FetchResult:
    """Download (or reuse) BACI's release zip of one HS revision, check it and ingest it."""
    revision = revision.strip().upper()
    if revision not in REVISIONS:
        raise InputError(
            f"unknown HS revision {revision!r} for BACI; use one of {', '.join(REVISIONS)}"
        )
    release = (release or baci_release()).strip().lower().removeprefix("v")
    if not _RELEASE.fullmatch(release):
        raise InputError(
            f"BACI release {release!r} is not of CEPII's form YYYYMM (e.g. 202501, or 202401b)"
        )
    url = BACI.url(revision=revision, release=release)
    dest = options.folder("baci") / release_name(revision, release)
    got = download(
        url,
        dest,
        offline=options.offline,
        refresh=options.refresh,
        verify=check_zip,
        progress=options.progress,
        policy=options.policy,
    )
    added = ingest(options, [got.path], "baci", [got])
    return FetchResult("baci", f"BACI {revision} release {release}", (got,), added)

"""Each publisher's fetch end to end: files shaped like theirs, served locally, into a store."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bilat.errors import DataFormatError, InputError, NoDataError
from bilat.fetch import (
    ComtradeQuery,
    DownloadError,
    FetchOptions,
    fetch_baci,
    fetch_comtrade,
    fetch_geodist,
    fetch_wdi,
)
from bilat.fetch.comtrade import area_code, parse_years
from bilat.fetch.publishers import BACI, WDI
from bilat.settings import bundle_path
from bilat.store import Store

from .conftest import BACI_RELEASE, PublisherServer

pytestmark = pytest.mark.bundle

BACI_PATH = "/DATA_DOWNLOAD/baci/data"


@pytest.fixture
def publishers(server: PublisherServer, monkeypatch: pytest.MonkeyPatch) -> PublisherServer:
    """Every publisher address pointed at the local server."""
    monkeypatch.setenv(
        "BILAT_BACI_URL", server.base + BACI_PATH + "/BACI_{revision}_V{release}.zip"
    )
    monkeypatch.setenv("BILAT_COMTRADE_URL", server.base)
    monkeypatch.setenv(
        "BILAT_WDI_URL", server.base + "/v2/en/indicator/{indicator}?downloadformat=csv"
    )
    monkeypatch.setenv("BILAT_GEODIST_URL", server.base + "/distance/dist_cepii.dta")
    return server


def options(tmp_path: Path, **kw: Any) -> FetchOptions:
    return FetchOptions.make(tmp_path / "store", **kw)


def flows(store_root: Path) -> Any:
    return Store(store_root).table("flows").to_pandas()


# ------------------------------------------------------------------ BACI


def serve_baci(server: PublisherServer, body: bytes) -> str:
    path = f"{BACI_PATH}/BACI_HS92_V{BACI_RELEASE}.zip"
    server.files[path] = body
    return path


def test_baci_release_is_downloaded_checked_and_ingested(
    publishers: PublisherServer, baci_zip: tuple[bytes, list[dict]], tmp_path: Path
) -> None:
    body, rows = baci_zip
    serve_baci(publishers, body)
    result = fetch_baci("hs92", BACI_RELEASE, options(tmp_path))
    assert result.ingested[0].status == "added" and result.ingested[0].rows == len(rows)
    assert result.downloads[0].path == tmp_path / "store/cache/baci/BACI_HS92_V202501.zip"
    got = flows(tmp_path / "store")
    assert set(got.source) == {"baci"} and set(got.release) == {BACI_RELEASE}
    # values: BACI's thousands of USD back to the penppml dollars the zip was written from
    by_pair = got.set_index(["exporter", "importer"]).value_usd
    for r in rows[:50]:
        assert by_pair[(r["exp"], r["imp"])] == pytest.approx(r["v"] * 1000, rel=1e-9, abs=1)
    assert "BACI HS92 release 202501" in str(result) and "added" in str(result)


def test_baci_dropped_connection_resumes(
    publishers: PublisherServer, baci_zip: tuple[bytes, list[dict]], tmp_path: Path
) -> None:
    body, rows = baci_zip
    path = serve_baci(publishers, body)
    publishers.faults.drops.append(len(body) // 3)
    result = fetch_baci("HS92", BACI_RELEASE, options(tmp_path))
    requests = publishers.requests(path)
    assert len(requests) == 2 and requests[1].headers["range"] == f"bytes={len(body) // 3}-"
    assert publishers.sent(path) == len(body) < 2 * len(body)
    assert result.ingested[0].rows == len(rows)


def test_corrupted_baci_zip_is_rejected_and_the_store_unchanged(
    publishers: PublisherServer,
    baci_zip: tuple[bytes, list[dict]],
    wdi_zip: tuple[bytes, dict],
    tmp_path: Path,
) -> None:
    # something already in the store, to check that it stays exactly as it was
    publishers.files["/v2/en/indicator/NY.GDP.MKTP.CD"] = wdi_zip[0]
    fetch_wdi("NY.GDP.MKTP.CD", options(tmp_path))
    manifest = (tmp_path / "store/manifest.json").read_bytes()
    body = bytearray(baci_zip[0])
    middle = len(body) // 2
    body[middle : middle + 64] = bytes(b ^ 0xFF for b in body[middle : middle + 64])
    serve_baci(publishers, bytes(body))
    with pytest.raises(DataFormatError) as err:
        fetch_baci("HS92", BACI_RELEASE, options(tmp_path))
    assert "rejected" in str(err.value) and "run the command again" in str(err.value)
    assert (tmp_path / "store/manifest.json").read_bytes() == manifest
    assert not list((tmp_path / "store/cache/baci").glob("BACI_*"))  # nothing kept to reuse


def test_baci_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="HS92"):
        fetch_baci("HS2030", None, options(tmp_path))
    with pytest.raises(InputError, match="YYYYMM"):
        fetch_baci("HS92", "latest", options(tmp_path))


def test_baci_500_fails_clearly_and_adds_nothing(
    publishers: PublisherServer, tmp_path: Path
) -> None:
    publishers.faults.always = 500
    with pytest.raises(DownloadError) as err:
        fetch_baci("HS92", BACI_RELEASE, options(tmp_path))
    assert "HTTP 500" in str(err.value) and "BACI_HS92_V202501.zip" in str(err.value)
    assert len(publishers.requests()) == 3
    assert Store(tmp_path / "store").datasets().empty


def test_offline_fetch_reuses_the_cache_in_a_new_store(
    publishers: PublisherServer, baci_zip: tuple[bytes, list[dict]], tmp_path: Path
) -> None:
    serve_baci(publishers, baci_zip[0])
    cache = tmp_path / "cache"
    fetch_baci("HS92", BACI_RELEASE, FetchOptions.make(tmp_path / "a", cache))
    n = len(publishers.requests())
    result = fetch_baci(
        "HS92", BACI_RELEASE, FetchOptions.make(tmp_path / "b", cache, offline=True)
    )
    assert len(publishers.requests()) == n and result.downloads[0].from_cache
    assert result.ingested[0].rows == len(baci_zip[1])
    with pytest.raises(NoDataError, match="--offline"):
        fetch_baci("HS17", BACI_RELEASE, FetchOptions.make(tmp_path / "b", cache, offline=True))


def test_fetching_twice_changes_nothing(
    publishers: PublisherServer, baci_zip: tuple[bytes, list[dict]], tmp_path: Path
) -> None:
    serve_baci(publishers, baci_zip[0])
    fetch_baci("HS92", BACI_RELEASE, options(tmp_path))
    again = fetch_baci("HS92", BACI_RELEASE, options(tmp_path))
    assert again.ingested[0].status == "unchanged" and again.transferred == 0


# ------------------------------------------------------------------ WDI


def test_wdi_zip_is_extracted_and_ingested(
    publishers: PublisherServer, wdi_zip: tuple[bytes, dict], tmp_path: Path
) -> None:
    body, values = wdi_zip
    publishers.files["/v2/en/indicator/NY.GDP.MKTP.CD"] = body
    result = fetch_wdi("ny.gdp.mktp.cd", options(tmp_path))
    (request,) = publishers.requests()
    assert request.query == {"downloadformat": "csv"}
    macro = Store(tmp_path / "store").table("macro").to_pandas()
    assert set(macro.indicator) == {"NY.GDP.MKTP.CD"} and set(macro.release) == {"2024-06-28"}
    got = macro.set_index(["country", "year"]).value
    assert len(got) == len(values)
    assert got[("KOR", 2016)] == pytest.approx(values[("KOR", 2016)])
    assert got[("RUS", 2016)] == pytest.approx(values[("RUS", 2016)])
    assert macro.set_index("country").non_country.groupby(level=0).first()["WLD"]
    assert result.ingested[0].status == "added"


def test_wdi_zip_without_data_member_is_rejected(
    publishers: PublisherServer, tmp_path: Path
) -> None:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Metadata_Country_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", "x\n")
    publishers.files["/v2/en/indicator/NY.GDP.MKTP.CD"] = buf.getvalue()
    with pytest.raises(DataFormatError, match="API_<indicator>"):
        fetch_wdi("NY.GDP.MKTP.CD", options(tmp_path))
    with pytest.raises(InputError, match="indicator"):
        fetch_wdi("GDP; rm -rf", options(tmp_path))


# ------------------------------------------------------------------ GeoDist


def test_geodist_dta_is_ingested(publishers: PublisherServer, tmp_path: Path) -> None:
    dta = (bundle_path() / "gravity/geodist/cepii_dist_cepii.dta").read_bytes()
    publishers.files["/distance/dist_cepii.dta"] = dta
    result = fetch_geodist(options(tmp_path))
    assert result.ingested[0].rows == 50_176  # the bundle README's count of pairs
    dist = Store(tmp_path / "store").table("distances").to_pandas()
    kor_rus = dist[(dist.exporter == "KOR") & (dist.importer == "RUS")].iloc[0]
    import pyreadstat

    raw, _ = pyreadstat.read_dta(str(bundle_path() / "gravity/geodist/cepii_dist_cepii.dta"))
    want = raw[(raw.iso_o == "KOR") & (raw.iso_d == "RUS")].iloc[0]
    assert kor_rus.dist == pytest.approx(want.dist) and kor_rus.contig == want.contig


def test_geodist_zip_holding_the_dta(
    publishers: PublisherServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(bundle_path() / "gravity/geodist/cepii_dist_cepii.dta", "dist_cepii.dta")
        zf.writestr("dist_cepii.xls", b"not read")
    publishers.files["/distance/dist_cepii.zip"] = buf.getvalue()
    monkeypatch.setenv("BILAT_GEODIST_URL", publishers.base + "/distance/dist_cepii.zip")
    result = fetch_geodist(options(tmp_path))
    assert result.ingested[0].rows == 50_176 and result.ingested[0].source == "geodist"


def test_geodist_error_page_is_rejected(publishers: PublisherServer, tmp_path: Path) -> None:
    publishers.files["/distance/dist_cepii.dta"] = b"<html>Maintenance</html>"
    with pytest.raises(DataFormatError, match="Stata"):
        fetch_geodist(options(tmp_path))
    assert not (tmp_path / "store/cache/geodist/dist_cepii.dta").exists()


# ------------------------------------------------------------------ UN Comtrade


def legacy_value(year: int, reporter: str, partner: str, flow: str, chapter: str) -> float:
    """The Trade Value (US$) in the bundle's raw legacy file (read here independently)."""
    import csv
    import gzip

    path = bundle_path() / f"flows/comtrade_legacy/hs{chapter}/comtrade_hs{chapter}_{year}.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            if (r["Reporter ISO"], r["Partner ISO"], r["Trade Flow"]) == (reporter, partner, flow):
                return float(r["Trade Value (US$)"])
    raise AssertionError("row not in the bundle")


def test_comtrade_pages_by_twelve_periods_and_ingests(
    publishers: PublisherServer, api_records: list[dict], tmp_path: Path
) -> None:
    publishers.api_records = api_records
    query = ComtradeQuery.make("Korea", "RUS", "2000-2017", "A", 2)
    result = fetch_comtrade(query, options(tmp_path))
    calls = publishers.requests("/public/v1/preview/C/A/HS")
    assert [len(c.query["period"].split(",")) for c in calls] == [12, 6]
    first = calls[0].query
    assert (first["reporterCode"], first["partnerCode"], first["cmdCode"]) == ("410", "643", "AG2")
    assert first["flowCode"] == "M,X" and "ocp-apim-subscription-key" not in calls[0].headers
    got = flows(tmp_path / "store")
    imports = got[
        (got.exporter == "RUS") & (got.importer == "KOR") & (got.reported_by == "importer")
    ]
    value = imports.set_index(["year", "product"]).value_usd
    assert value[(2015, "27")] == legacy_value(2015, "KOR", "RUS", "Import", "27")
    assert value[(2016, "44")] == legacy_value(2016, "KOR", "RUS", "Import", "44")
    assert set(got.year) <= set(range(2000, 2018)) and set(got.source) == {"comtrade"}
    assert len(result.downloads) == 2


def test_comtrade_answers_are_cached_by_query(
    publishers: PublisherServer, api_records: list[dict], tmp_path: Path
) -> None:
    publishers.api_records = api_records
    query = ComtradeQuery.make("KOR", "RUS", "2015-2016", "A", 2)
    fetch_comtrade(query, options(tmp_path))
    again = fetch_comtrade(query, options(tmp_path))
    assert len(publishers.requests()) == 1 and again.downloads[0].from_cache
    assert again.ingested[0].status == "unchanged"
    offline = fetch_comtrade(query, options(tmp_path, offline=True))
    assert offline.ingested[0].status == "unchanged"
    other = ComtradeQuery.make("KOR", "RUS", "2017", "A", 2)  # a new query: a new call
    fetch_comtrade(other, options(tmp_path))
    assert len(publishers.requests()) == 2


def test_comtrade_key_goes_in_the_header_to_the_data_endpoint(
    publishers: PublisherServer,
    api_records: list[dict],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMTRADE_API_KEY", "s3cret")
    publishers.api_records = api_records
    fetch_comtrade(ComtradeQuery.make("RUS", "KOR", "2016", "A", 2), options(tmp_path))
    (call,) = publishers.requests()
    assert (
        call.path == "/data/v1/get/C/A/HS" and call.headers["ocp-apim-subscription-key"] == "s3cret"
    )
    assert call.query["maxRecords"] == "100000"
    cached = list((tmp_path / "store/cache/comtrade").rglob("*"))
    assert not any("s3cret" in p.read_text(errors="ignore") for p in cached if p.is_file())


def test_comtrade_429_is_retried_after_the_wait(
    publishers: PublisherServer, api_records: list[dict], tmp_path: Path
) -> None:
    publishers.api_records = api_records
    publishers.faults.statuses.append((429, {"Retry-After": "1"}))
    result = fetch_comtrade(ComtradeQuery.make("KOR", "RUS", "2016", "A", 2), options(tmp_path))
    assert [r.status for r in publishers.requests()] == [429, 200]
    assert result.ingested[0].rows > 0


def test_comtrade_no_data_and_api_errors(
    publishers: PublisherServer, api_records: list[dict], tmp_path: Path
) -> None:
    publishers.api_records = api_records
    with pytest.raises(NoDataError, match="no data"):
        fetch_comtrade(ComtradeQuery.make("KOR", "RUS", "1962", "A", 2), options(tmp_path))
    publishers.faults.statuses.append((401, {}))
    with pytest.raises(DownloadError) as err:
        fetch_comtrade(ComtradeQuery.make("KOR", "RUS", "2014", "A", 2), options(tmp_path))
    assert err.value.status == 401 and "subscription key" in str(err.value)


def test_comtrade_query_words() -> None:
    assert parse_years("2015-2017,2020") == (2015, 2016, 2017, 2020)
    query = ComtradeQuery.make("South Korea", "world", [2016], "m", 6)
    assert (query.reporter, query.partner, query.cmd_code) == ("KOR", "WLD", "AG6")
    assert query.periods[:2] == ["201601", "201602"] and len(query.periods) == 12
    assert [area_code(c) for c in ("USA", "FRA", "KOR", "WLD")] == [842, 251, 410, 0]
    for bad in ("2017-2015", "soon", ""):
        with pytest.raises(InputError):
            parse_years(bad)
    with pytest.raises(InputError, match="2, 4 or 6"):
        ComtradeQuery.make("KOR", "RUS", "2016", "A", 3)
    with pytest.raises(InputError, match="A \\(annual\\)"):
        ComtradeQuery.make("KOR", "RUS", "2016", "Q")


# ------------------------------------------------------------------ addresses


def test_addresses_are_read_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BILAT_BACI_URL", raising=False)
    assert BACI.url(revision="HS92", release="202501") == (
        "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip"
    )
    assert WDI.url(indicator="NY.GDP.MKTP.CD").endswith(
        "/indicator/NY.GDP.MKTP.CD?downloadformat=csv"
    )
    monkeypatch.setenv("BILAT_BACI_URL", "http://mirror.example/{revision}/{release}.zip")
    assert BACI.url(revision="HS17", release="202401b") == "http://mirror.example/HS17/202401b.zip"
    monkeypatch.setenv("BILAT_BACI_URL", "http://mirror.example/{year}.zip")
    with pytest.raises(InputError, match="BILAT_BACI_URL"):
        BACI.url(revision="HS17", release="202401b")


def test_merged_comtrade_file_is_an_api_answer(
    publishers: PublisherServer, api_records: list[dict], tmp_path: Path
) -> None:
    publishers.api_records = api_records
    fetch_comtrade(ComtradeQuery.make("KOR", "RUS", "2015-2016", "A", 2), options(tmp_path))
    merged = tmp_path / "store/cache/comtrade/comtrade_KOR_RUS_A_2015-2016_AG2.json"
    body = json.loads(merged.read_text())
    want = [r for r in api_records if r["reporterCode"] == 410 and r["partnerCode"] == 643]
    want = [r for r in want if r["period"] in ("2015", "2016")]
    assert body["count"] == len(want) == len(body["data"])

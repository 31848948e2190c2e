"""A local stand-in for the publishers on 127.0.0.1, and files shaped like theirs, from the bundle.

``PublisherServer`` is a real ``ThreadingHTTPServer`` in a thread: it serves bytes by path with
``Range``/``If-Range`` support (as CEPII's and the World Bank's servers do), answers the UN
Comtrade API from the bundle's legacy Comtrade rows, logs every request with the bytes it sent,
and has switches for faults: a status to answer next (429 with Retry-After, 500), a connection
dropped after N bytes, and a slow send (for the kill test).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import socket
import threading
import time
import zipfile
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bilat.settings import bundle_path

# ------------------------------------------------------------------ the server


@dataclass
class Logged:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    status: int = 0
    sent: int = 0  # body bytes written to the socket


@dataclass
class Faults:
    """Switches; each list is consumed one request at a time."""

    statuses: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    always: int | None = None  # answer every request with this status
    drops: deque[int] = field(default_factory=deque)  # close after this many body bytes
    chunk: int = 1 << 16
    pause: float = 0.0  # seconds between chunks (a slow link)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up (killed, or done with a keep-alive) is not news here


class PublisherServer:
    """Files by path plus the Comtrade API; the log of requests; fault switches."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.api_records: list[dict[str, Any]] = []
        self.log: list[Logged] = []
        self.faults = Faults()
        self._lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def requests(self, path_part: str = "") -> list[Logged]:
        with self._lock:
            return [r for r in self.log if path_part in r.path]

    def sent(self, path_part: str = "") -> int:
        return sum(r.sent for r in self.requests(path_part))

    def reset(self) -> None:
        with self._lock:
            self.log.clear()
        self.faults = Faults()

    def record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)


def _handler(server: PublisherServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            entry = Logged("GET", url.path, query, {k.lower(): v for k, v in self.headers.items()})
            server.record(entry)
            faults = server.faults
            if faults.statuses:
                status, headers = faults.statuses.popleft()
                return self._plain(entry, status, headers)
            if faults.always is not None:
                return self._plain(entry, faults.always, {})
            if "/v1/" in url.path:
                return self._api(entry, url.path, query)
            body = server.files.get(url.path)
            if body is None:
                return self._plain(entry, 404, {})
            self._file(entry, body)

        # -------------------------------------------------------------- answers
        def _plain(self, entry: Logged, status: int, headers: dict[str, str]) -> None:
            body = json.dumps({"statusCode": status, "message": f"test server says {status}"})
            data = body.encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            entry.status, entry.sent = status, len(data)

        def _file(self, entry: Logged, body: bytes) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            start = 0
            rng = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            if rng and (if_range is None or if_range == etag):
                start = int(rng.removeprefix("bytes=").split("-")[0])
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    entry.status = 416
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                entry.status = 206
            else:
                self.send_response(200)
                entry.status = 200
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(body) - start))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag)
            self.end_headers()
            self._send(entry, body[start:])

        def _send(self, entry: Logged, data: bytes) -> None:
            faults = server.faults
            limit = faults.drops.popleft() if faults.drops else None
            pos = 0
            try:
                while pos < len(data):
                    end = min(pos + faults.chunk, len(data))
                    if limit is not None:
                        end = min(end, limit)
                    self.wfile.write(data[pos:end])
                    self.wfile.flush()
                    entry.sent += end - pos
                    pos = end
                    if limit is not None and pos >= limit:
                        # the connection drops mid-body: the client sees a short response
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if faults.pause:
                        time.sleep(faults.pause)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away (killed)

        def _api(self, entry: Logged, path: str, query: dict[str, str]) -> None:
            freq = path.rstrip("/").split("/")[-2]
            periods = set(query.get("period", "").split(","))
            flows = set(query.get("flowCode", "M,X").split(","))
            cmd = query.get("cmdCode", "TOTAL")
            level = int(cmd[2:]) if cmd.startswith("AG") else None
            data = [
                r
                for r in server.api_records
                if r["freqCode"] == freq
                and r["period"] in periods
                and str(r["reporterCode"]) == query.get("reporterCode")
                and str(r["partnerCode"]) == query.get("partnerCode")
                and r["flowCode"] in flows
                and (len(r["cmdCode"]) == level if level else r["cmdCode"] == cmd)
            ]
            limit = int(query.get("maxRecords", "500"))
            body = {"elements": len(data[:limit]), "count": len(data[:limit]), "data": data[:limit]}
            raw = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            entry.status = 200
            self._send(entry, raw)

    return Handler


@pytest.fixture
def server() -> PublisherServer:
    """A fresh publisher stand-in on 127.0.0.1 (random port), stopped after the test."""
    srv = PublisherServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short backoff so retry tests take milliseconds; no key or overrides from the shell."""
    monkeypatch.setenv("BILAT_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("BILAT_FETCH_RETRIES", "3")
    monkeypatch.setenv("BILAT_FETCH_TIMEOUT", "10")
    for name in ("COMTRADE_API_KEY", "BILAT_BACI_RELEASE", "BILAT_CACHE"):
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ publisher-shaped files

BACI_RELEASE = "202501"
#: BACI's "commodities not specified" line: penppml's totals have no product breakdown.
BACI_PRODUCT = "999999"


def _bundle() -> Path:
    return bundle_path()


def penppml_rows(years: tuple[int, ...], limit: int | None = None) -> list[dict[str, str]]:
    """Rows of the bundle's penppml trade file for ``years`` (positive exports only)."""
    out = []
    with gzip.open(_bundle() / "flows/penppml/trade.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["time"]) in years and float(row["export"]) > 0:
                out.append(row)
    return out[:limit] if limit else out


def baci_numbers() -> dict[str, int]:
    """ISO3 -> BACI country number, from the bundle's BACI country_codes.csv."""
    out: dict[str, int] = {}
    path = _bundle() / "reference/baci/country_codes.csv"
    with open(path, encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            iso = row["iso_3digit_alpha"].strip()
            if len(iso) == 3 and iso.isalpha() and iso not in out:
                out[iso] = int(row["country_code"])
    return out


def build_baci_zip(
    years: tuple[int, ...] = (2016,), limit: int | None = 400, stored: bool = False
) -> tuple[bytes, list[dict[str, Any]]]:
    """A release zip laid out like CEPII's, from penppml rows; returns (bytes, rows written).

    Members: ``BACI_HS92_Y<year>_V<release>.csv`` (``t,i,j,k,v,q``, v in thousands of USD),
    ``country_codes_V<release>.csv`` and ``product_codes_HS92_V<release>.csv``.
    """
    numbers = baci_numbers()
    rows = [
        r
        for r in penppml_rows(years)
        if r["exp"] in numbers and r["imp"] in numbers and r["exp"] != r["imp"]
    ][: limit or None]
    written: list[dict[str, Any]] = []
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for year in years:
            lines = ["t,i,j,k,v,q"]
            for r in rows:
                if int(r["time"]) != year:
                    continue
                thousands = float(r["export"]) / 1000
                lines.append(
                    f"{year},{numbers[r['exp']]},{numbers[r['imp']]},{BACI_PRODUCT},"
                    f"{thousands:.3f},NA"
                )
                written.append({"exp": r["exp"], "imp": r["imp"], "year": year, "v": thousands})
            zf.writestr(f"BACI_HS92_Y{year}_V{BACI_RELEASE}.csv", "\n".join(lines) + "\n")
        codes = (_bundle() / "reference/baci/country_codes.csv").read_bytes()
        zf.writestr(f"country_codes_V{BACI_RELEASE}.csv", codes)
        zf.writestr(
            f"product_codes_HS92_V{BACI_RELEASE}.csv",
            f'code,description\n{BACI_PRODUCT},"Commodities not specified according to kind"\n',
        )
    return buf.getvalue(), written


def build_wdi_zip(indicator: str = "NY.GDP.MKTP.CD") -> tuple[bytes, dict[tuple[str, int], float]]:
    """The World Bank's download zip: the wide ``API_…csv`` with its preamble, and metadata."""
    values: dict[tuple[str, int], float] = {}
    names: dict[str, str] = {}
    with open(_bundle() / "macro/wdi_gdp/gdp.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Country Code"] in ("KOR", "RUS", "CHN", "WLD") and row["Value"]:
                values[(row["Country Code"], int(row["Year"]))] = float(row["Value"])
                names[row["Country Code"]] = row["Country Name"]
    years = list(range(1960, 2024))
    out = io.StringIO()
    out.write('"Data Source","World Development Indicators",\n\n')
    out.write('"Last Updated Date","2024-06-28",\n\n')
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=",\n")
    w.writerow(
        ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *map(str, years)]
    )
    for code, name in names.items():
        cells = [repr(values[(code, y)]) if (code, y) in values else "" for y in years]
        w.writerow([name, code, "GDP (current US$)", indicator, *cells])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"API_{indicator}_DS2_en_csv_v2_5551.csv", "\ufeff" + out.getvalue())
        zf.writestr(
            f"Metadata_Country_API_{indicator}_DS2_en_csv_v2_5551.csv",
            '"Country Code","Region","IncomeGroup","SpecialNotes","TableName",\n',
        )
        zf.writestr(
            f"Metadata_Indicator_API_{indicator}_DS2_en_csv_v2_5551.csv",
            '"INDICATOR_CODE","INDICATOR_NAME","SOURCE_NOTE","SOURCE_ORGANIZATION",\n',
        )
    return buf.getvalue(), values


#: Legacy "Trade Flow Code" -> the API's flowCode.
_FLOW = {"1": "M", "2": "X", "3": "RX", "4": "RM"}


def comtrade_api_records(years: range, reporters: tuple[str, ...]) -> list[dict[str, Any]]:
    """API-layout records (comtradeapi v1 field names) from the bundle's legacy Comtrade rows."""
    out = []
    for chapter in ("hs27", "hs44"):
        for year in years:
            path = _bundle() / f"flows/comtrade_legacy/{chapter}/comtrade_{chapter}_{year}.csv.gz"
            with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
                for r in csv.DictReader(fh):
                    if r["Reporter ISO"] not in reporters:
                        continue
                    out.append(_api_record(r))
    return out


def _api_record(r: dict[str, str]) -> dict[str, Any]:
    def num(text: str) -> float | None:
        return float(text) if text.strip() else None

    unit_code = int(r["Qty Unit Code"]) if r["Qty Unit Code"] else -1
    partner_iso = "W00" if r["Partner ISO"] == "WLD" else r["Partner ISO"]
    return {
        "typeCode": "C", "freqCode": "A", "refPeriodId": int(r["Year"] + "0101"),
        "refYear": int(r["Year"]), "refMonth": 52, "period": r["Period"],
        "reporterCode": int(r["Reporter Code"]), "reporterISO": r["Reporter ISO"],
        "reporterDesc": r["Reporter"], "flowCode": _FLOW[r["Trade Flow Code"]],
        "flowDesc": r["Trade Flow"], "partnerCode": int(r["Partner Code"]),
        "partnerISO": partner_iso, "partnerDesc": r["Partner"], "partner2Code": 0,
        "partner2ISO": "W00", "partner2Desc": "World", "classificationCode": r["Classification"],
        "classificationSearchCode": "HS", "isOriginalClassification": True,
        "cmdCode": r["Commodity Code"], "cmdDesc": r["Commodity"],
        "aggrLevel": int(r["Aggregate Level"]), "isLeaf": False, "customsCode": "C00",
        "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": 0, "motDesc": "TOTAL MOT",
        "qtyUnitCode": unit_code if unit_code > 1 else -1,
        "qtyUnitAbbr": "kg" if unit_code == 8 else "N/A", "qty": num(r["Qty"]),
        "isQtyEstimated": False, "altQtyUnitCode": -1, "altQtyUnitAbbr": "N/A", "altQty": None,
        "isAltQtyEstimated": False, "netWgt": num(r["Netweight (kg)"]),
        "isNetWgtEstimated": False, "grossWgt": None, "isGrossWgtEstimated": False,
        "cifvalue": None, "fobvalue": None, "primaryValue": float(r["Trade Value (US$)"]),
        "legacyEstimationFlag": 0, "isReported": True, "isAggregate": True,
    }  # fmt: skip


@pytest.fixture(scope="session")
def baci_zip() -> tuple[bytes, list[dict[str, Any]]]:
    """A small BACI HS92 release zip (2016, 400 penppml rows) and the rows in it."""
    return build_baci_zip()


@pytest.fixture(scope="session")
def wdi_zip() -> tuple[bytes, dict[tuple[str, int], float]]:
    """The WDI download zip of NY.GDP.MKTP.CD for KOR, RUS, CHN and WLD, and its values."""
    return build_wdi_zip()


@pytest.fixture(scope="session")
def api_records() -> list[dict[str, Any]]:
    """Korea's and Russia's reported chapter 27/44 trade, 2000–2017, in the API layout."""
    return comtrade_api_records(range(2000, 2018), ("KOR", "RUS"))

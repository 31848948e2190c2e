"""UN Comtrade API v1: one reporter's trade with one partner, paged by period, cached by query.

The API takes numeric area codes (``reporterCode``, ``partnerCode``: M49, with Comtrade's own
numbers for a few economies), a comma list of at most 12 ``period`` values (``2015`` or
``201503``), ``cmdCode`` (``TOTAL`` or ``AG2``/``AG4``/``AG6`` for every 2/4/6-digit HS code) and
``flowCode`` (``M,X``). With a subscription key (env ``COMTRADE_API_KEY``, sent as the header
``Ocp-Apim-Subscription-Key``) bilat calls ``/data/v1/get/C/{freq}/HS``; without one, the
public ``/public/v1/preview/C/{freq}/HS``, which returns at most 500 records a call.

Each call's JSON is cached under ``<cache>/comtrade/pages/`` named by the query, so the same
request is never sent twice (``--refresh`` sends it again). A call that returns as many records
as the limit was cut short: bilat splits its periods and asks again, and stops with a clear error
when a single period is still too large. The pages are merged into one JSON file, which the
``comtrade-api`` reader ingests (source ``comtrade``, release ``api``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from bilat.errors import DataFormatError, InputError, NoDataError, UnknownCodeError
from bilat.fetch.common import FetchOptions, FetchResult, ingest
from bilat.fetch.download import Download, download, forget
from bilat.fetch.publishers import COMTRADE, comtrade_key

Freq = Literal["A", "M"]
#: Periods the API accepts in one call.
MAX_PERIODS = 12
#: Records one call returns at most: with a subscription key, and on the keyless preview.
MAX_RECORDS_KEY, MAX_RECORDS_PREVIEW = 100_000, 500
#: Comtrade's own reporter/partner numbers where they differ from ISO 3166-1 numeric (as in
#: Comtrade's own files, e.g. the bundle's legacy downloads: France 251, USA 842).
AREA_CODES = {
    "FRA": 251,
    "ITA": 381,
    "NOR": 579,
    "IND": 699,
    "CHE": 757,
    "USA": 842,
    "TWN": 490,  # "Other Asia, nes"
    "WLD": 0,
}
FLOWS = ("M", "X", "RM", "RX")


@dataclass(frozen=True)
class ComtradeQuery:
    """One reporter's trade with one partner: years, frequency, HS level (None = total)."""

    reporter: str  # ISO3
    partner: str  # ISO3, or WLD for the world
    years: tuple[int, ...]
    freq: Freq = "A"
    hs: int | None = None  # 2, 4 or 6 digits; None for total trade
    flows: tuple[str, ...] = ("M", "X")

    @classmethod
    def make(
        cls,
        reporter: str,
        partner: str,
        years: str | list[int] | tuple[int, ...],
        freq: str = "A",
        hs: int | None = None,
        flows: str | tuple[str, ...] = ("M", "X"),
    ) -> ComtradeQuery:
        """Validate the user's words: country codes or names, ``2015-2023``, A/M, 2/4/6."""
        from bilat.reference import countries

        def area(text: str) -> str:
            if text.strip().upper() in ("WLD", "WORLD", "ALL", "0"):
                return "WLD"
            return countries.lookup(text)

        freq = freq.strip().upper()
        if freq not in ("A", "M"):
            raise InputError(f"frequency {freq!r}: use A (annual) or M (monthly)")
        if hs is not None and hs not in (2, 4, 6):
            raise InputError(f"--hs {hs}: use 2, 4 or 6 (digits of the HS codes), or leave it out")
        if isinstance(flows, str):
            flows = tuple(f.strip().upper() for f in flows.split(",") if f.strip())
        bad = [f for f in flows if f not in FLOWS]
        if bad or not flows:
            raise InputError(f"flow {bad[0] if bad else ''!r}: use M, X, RM, RX (comma-separated)")
        return cls(
            reporter=area(reporter),
            partner=area(partner),
            years=parse_years(years),
            freq=freq,  # type: ignore[arg-type]
            hs=hs,
            flows=tuple(flows),
        )

    @property
    def periods(self) -> list[str]:
        """The API's period values: ``2015`` (annual) or ``201501`` … ``201512`` (monthly)."""
        if self.freq == "A":
            return [str(y) for y in self.years]
        return [f"{y}{m:02d}" for y in self.years for m in range(1, 13)]

    @property
    def cmd_code(self) -> str:
        """``TOTAL``, or ``AG2``/``AG4``/``AG6`` (every HS code of that many digits)."""
        return "TOTAL" if self.hs is None else f"AG{self.hs}"

    def __str__(self) -> str:
        span = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        level = "total trade" if self.hs is None else f"HS{self.hs}"
        kind = "annual" if self.freq == "A" else "monthly"
        return f"UN Comtrade {self.reporter} with {self.partner}, {span}, {kind}, {level}"


def parse_years(years: str | list[int] | tuple[int, ...]) -> tuple[int, ...]:
    """``(2015, …, 2023)`` from ``2015-2023``, ``2015,2017`` or a list; InputError otherwise."""
    if not isinstance(years, str):
        out = sorted({int(y) for y in years})
    else:
        out_set: set[int] = set()
        for part in filter(None, (p.strip() for p in years.split(","))):
            m = re.fullmatch(r"(\d{4})\s*[-–:]\s*(\d{4})|(\d{4})", part)
            if not m:
                raise InputError(f"years {years!r}: write 2015-2023, 2015,2017 or 2015")
            if m.group(3):
                out_set.add(int(m.group(3)))
            else:
                first, last = int(m.group(1)), int(m.group(2))
                if last < first:
                    raise InputError(f"years {part!r}: the first year comes after the last")
                out_set.update(range(first, last + 1))
        out = sorted(out_set)
    if not out:
        raise InputError("no years given; write e.g. --years 2015-2023")
    if out[0] < 1962 or out[-1] > 2100:
        raise InputError(f"years {out[0]}–{out[-1]}: UN Comtrade starts in 1962")
    return tuple(out)


def area_code(iso3: str) -> int:
    """Comtrade's numeric code of an ISO3 code (USA 842, FRA 251 …; WLD 0)."""
    from bilat.reference import countries

    if iso3 in AREA_CODES:
        return AREA_CODES[iso3]
    number = countries.get(iso3).numeric
    if number is None:
        raise UnknownCodeError("UN Comtrade area", iso3, where="no numeric code known")
    return number


def _pages(periods: list[str]) -> list[list[str]]:
    return [periods[i : i + MAX_PERIODS] for i in range(0, len(periods), MAX_PERIODS)]


def _check_page(path: Path) -> None:
    """DataFormatError unless the file is an API answer: a JSON object with a ``data`` list."""
    try:
        body = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFormatError(path, f"not JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise DataFormatError(path, "not a Comtrade API answer (no JSON object)")
    if body.get("error"):
        raise DataFormatError(path, f"the API answered with an error: {body['error']}")
    if "data" not in body or not isinstance(body["data"], list | None):
        raise DataFormatError(path, 'not a Comtrade API answer (no "data" list)')


class _Fetcher:
    """The pages of one query: endpoint, headers, record limit and the cache folder."""

    def __init__(self, query: ComtradeQuery, options: FetchOptions):
        self.query, self.options = query, options
        key = comtrade_key()
        base = COMTRADE.url().rstrip("/")
        api = "data/v1/get" if key else "public/v1/preview"
        self.endpoint = f"{base}/{api}/C/{query.freq}/HS"
        self.headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
        self.max_records = MAX_RECORDS_KEY if key else MAX_RECORDS_PREVIEW
        self.folder = options.folder("comtrade") / "pages"
        self.downloads: list[Download] = []

    def url(self, periods: list[str]) -> str:
        q = self.query
        params = {
            "reporterCode": area_code(q.reporter),
            "partnerCode": area_code(q.partner),
            "partner2Code": 0,
            "period": ",".join(periods),
            "cmdCode": q.cmd_code,
            "flowCode": ",".join(q.flows),
            "customsCode": "C00",
            "motCode": 0,
            "maxRecords": self.max_records,
            "format": "JSON",
            "breakdownMode": "classic",
            "includeDesc": "true",
        }
        return f"{self.endpoint}?{urlencode(params, safe=',')}"

    def records(self, periods: list[str]) -> list[dict[str, Any]]:
        """The records of some periods: one call, or several when the answer hit the limit."""
        url = self.url(periods)
        q = self.query
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        name = f"{q.reporter}_{q.partner}_{q.freq}_{periods[0]}-{periods[-1]}_{q.cmd_code}_{digest}"
        got = download(
            url,
            self.folder / f"{name}.json",
            headers=self.headers,
            offline=self.options.offline,
            refresh=self.options.refresh,
            verify=_check_page,
            progress=self.options.progress,
            policy=self.options.policy,
        )
        # an answer with nothing in it may say "data": null rather than []
        data = json.loads(got.path.read_bytes().decode("utf-8-sig"))["data"] or []
        if len(data) < self.max_records:
            self.downloads.append(got)
            return data
        # the answer was cut at the record limit: ask for fewer periods at a time
        forget(got.path)
        if len(periods) == 1:
            raise InputError(
                f"UN Comtrade returned the maximum of {self.max_records:,} records for "
                f"{periods[0]} alone, so the answer is incomplete; ask for a coarser HS level "
                "(--hs 2 or 4)"
                + ("" if self.headers else ", or set COMTRADE_API_KEY to lift the 500 limit")
            )
        half = len(periods) // 2
        return self.records(periods[:half]) + self.records(periods[half:])


def fetch_comtrade(query: ComtradeQuery, options: FetchOptions) -> FetchResult:
    """Fetch (or reuse cached) API pages for the query, merge them and ingest the result."""
    fetcher = _Fetcher(query, options)
    records: list[dict[str, Any]] = []
    for periods in _pages(query.periods):
        records.extend(fetcher.records(periods))
    if not records:
        raise NoDataError(
            f"UN Comtrade has no data for {query} (reporter {area_code(query.reporter)}, "
            f"partner {area_code(query.partner)}); check the years, or whether "
            f"{query.reporter} reported them"
        )
    merged = _write_merged(query, records, fetcher)
    added = ingest(options, [merged], "comtrade-api", fetcher.downloads)
    return FetchResult("comtrade", str(query), tuple(fetcher.downloads), added)


def _write_merged(query: ComtradeQuery, records: list[dict[str, Any]], fetcher: _Fetcher) -> Path:
    """One JSON answer holding every page's records (atomically written)."""
    years = f"{query.years[0]}-{query.years[-1]}"
    name = f"comtrade_{query.reporter}_{query.partner}_{query.freq}_{years}_{query.cmd_code}.json"
    path = fetcher.options.folder("comtrade") / name
    body = {
        "count": len(records),
        "data": records,
        "error": "",
        "sources": [d.url for d in fetcher.downloads],
    }
    tmp = path.with_name(path.name + ".writing")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp, path)
    return path

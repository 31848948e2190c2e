"""The web pages: profile of a pair (the home page), claim checker, scenarios (Jinja2; all
assets served here, none from a CDN). Chart and table boxes come from the report's templates
(``report/templates/_blocks.html``), so the pages and the HTML report draw alike."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC = HERE / "static"
# the report's templates and assets, found without importing the report (pandas, plotly)
TEMPLATES = HERE.parent / "report" / "templates"
ASSETS = HERE.parent / "report" / "assets"
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(HERE / "templates"), jinja2.FileSystemLoader(TEMPLATES)]
        ),
        autoescape=True,
    )
)
router = APIRouter(include_in_schema=False)

PAGES = {
    "profile": ("/", "Relationship profile"),
    "claims": ("/claims", "Check an article"),
    "scenarios": ("/scenarios", "Scenarios"),
}

#: the profile's chart boxes, in the order of ``bilat.report.charts.charts`` (target aside)
CHARTS = ("flows", "ranks", "composition", "top-products", "sectors")

#: worked examples on the home page: (economy A, economy B, first year, last year, why). No
#: figures here: a rank or value on the page comes from the store, with its source.
EXAMPLES = (
    ("RUS", "KOR", 1996, 2016, "the worked example: Russia and South Korea"),
    ("CHN", "KOR", 1996, 2016, "South Korea with China, its neighbour across the Yellow Sea"),
    ("USA", "KOR", 1996, 2016, "South Korea with the United States (KORUS FTA in force 2012)"),
    ("DEU", "RUS", 1996, 2016, "Russia with Germany"),
)


#: the per-economy columns of a scenario's results on the page: (column, header, legend addition)
SCENARIO_COLUMNS = (
    ("real_gdp_pct", "real GDP (welfare), %", ""),
    ("real_spending_pct", "real spending, %", ""),
    ("exports_full_pct", "exports (full GE), %", ""),
    ("exports_conditional_pct", "exports (conditional GE), %", ""),
    ("producer_price_pct", "producer price, %", "; relative to the numeraire"),
)


def _page(request: Request, name: str, **extra: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        f"{name}.html",
        {"page": name, "pages": PAGES, "title": PAGES[name][1], **extra},
    )


def coverage_rows(scopes: dict[tuple[str, int], Any]) -> list[dict[str, Any]]:
    """What the store holds, one row per source and kind of coverage: years, products,
    whether partners are named, frequency, economies and releases (``Store.coverage()``)."""
    from bilat.store.coverage import describe_years, frequency_of

    groups: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {"years": [], "economies": set(), "releases": set(), "datasets": set()}
    )
    for (source, year), sc in scopes.items():
        key = (source, sc.describe(), sc.bilateral, frequency_of(sc.periods))
        g = groups[key]
        g["years"].append(year)
        g["economies"] |= sc.exporters | sc.importers
        g["releases"] |= set(sc.releases)
        g["datasets"] |= set(sc.datasets)
    rows = []
    for (source, products, bilateral, frequency), g in sorted(groups.items()):
        rows.append(
            {
                "source": source,
                "datasets": ", ".join(sorted(g["datasets"])),
                "years": describe_years(sorted(g["years"])),
                "products": products,
                "partners": "bilateral" if bilateral else "to the world only",
                "frequency": frequency,
                "economies": len(g["economies"]),
                "releases": ", ".join(sorted(g["releases"])),
            }
        )
    return rows


def _examples(scopes: dict[tuple[str, int], Any]) -> list[dict[str, Any]]:
    """The examples whose two economies the store's bilateral data hold in their last year."""
    held = {
        (sc.year, code)
        for sc in scopes.values()
        if sc.bilateral
        for code in sc.exporters | sc.importers
    }
    out = []
    for a, b, first, last, why in EXAMPLES:
        if (last, a) in held and (last, b) in held:
            href = f"/?a={a}&b={b}&from={first}&to={last}"
            out.append({"a": a, "b": b, "first": first, "last": last, "why": why, "href": href})
    return out


@router.get("/", response_class=HTMLResponse)
async def profile_page(request: Request) -> HTMLResponse:
    """Pick two economies and a period; see the profile with charts. With no pair picked:
    worked examples and what the store covers."""
    store = request.app.state.ctx.store
    scopes = await asyncio.to_thread(store.coverage)
    return _page(
        request,
        "profile",
        charts=CHARTS,
        coverage=coverage_rows(scopes),
        examples=_examples(scopes),
    )


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """Paste an article; see its claims highlighted with verdicts."""
    return _page(request, "claims")


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request) -> HTMLResponse:
    """Choose a scenario; see its results with a legend for every column."""
    from bilat.scenarios.ge.results import COUNTRY_COLUMNS

    columns = [(key, label, COUNTRY_COLUMNS[key] + extra) for key, label, extra in SCENARIO_COLUMNS]
    return _page(request, "scenarios", columns=columns)


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly's browser bundle, from the plotly wheel (no CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise HTTPException(500, "plotly.min.js is missing from the plotly package")
    return FileResponse(
        path, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
    )


_REPORT_ASSETS = {"charts.js": "text/javascript", "charts.css": "text/css"}


@router.get("/report-assets/{name}")
def report_asset(name: str) -> FileResponse:
    """The chart and download code and styles the HTML report inlines (one copy of each)."""
    if name not in _REPORT_ASSETS:
        raise HTTPException(404, f"no asset {name!r}")
    return FileResponse(ASSETS / name, media_type=_REPORT_ASSETS[name])

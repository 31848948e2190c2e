"""The web pages: profile of a pair, claim checker, scenarios (Jinja2; all assets served here)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

PAGES = {
    "profile": ("/", "Relationship profile"),
    "claims": ("/claims", "Check an article"),
    "scenarios": ("/scenarios", "Scenarios"),
}


def _page(request: Request, name: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"{name}.html", {"page": name, "pages": PAGES, "title": PAGES[name][1]}
    )


@router.get("/", response_class=HTMLResponse)
def profile_page(request: Request) -> HTMLResponse:
    """Pick two economies and a period; see the profile with charts."""
    return _page(request, "profile")


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """Paste an article; see its claims highlighted with verdicts."""
    return _page(request, "claims")


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request) -> HTMLResponse:
    """Choose a scenario; see its results table and chart."""
    return _page(request, "scenarios")


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

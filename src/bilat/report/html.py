"""One self-contained HTML page for a Profile (Jinja template ``templates/report.html``):
the charts of ``report.charts`` with Plotly's JS inlined, every table with CSV and PNG
downloads, no network."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pandas as pd

from bilat.ledger.results import LedgerResult
from bilat.render import numbers
from bilat.report.charts import charts, with_gaps
from bilat.report.profile import Profile
from bilat.report.summary import summary

__all__ = ["ASSETS", "TEMPLATES", "to_html", "with_gaps"]

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
_ROWS = 20  # rows of each table shown; the CSV download has them all


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def plotly_js() -> str:
    """Plotly's browser bundle from the plotly package (the same file the pages serve)."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text("utf-8")


@dataclass(frozen=True)
class _Cell:
    text: str
    raw: object
    numeric: bool


@dataclass(frozen=True)
class _Table:
    name: str
    title: str
    headline: str
    columns: list[str]
    rows: list[list[_Cell]]
    more: str
    footer: list[str]
    csv: str  # every row, raw values


def _raw(value: object) -> object:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()  # type: ignore[union-attr]
    return value


def _table(name: str, r: LedgerResult, p: Profile | None = None) -> _Table:
    from bilat.report.formats import plain_headers

    frame = r.table.head(_ROWS)
    words = plain_headers(name, r, p)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns}
    rows = [
        [
            _Cell(numbers.cell(str(col), _raw(v)), _raw(v), numeric[col])
            for col, v in zip(frame.columns, values, strict=True)
        ]
        for values in frame.itertuples(index=False)
    ]
    value = getattr(r, "value", None)
    headline = (
        f"{getattr(r, 'name', '') or name}: {numbers.number(value)}"
        if isinstance(value, float)
        else ""
    )
    extra = len(r.table) - len(frame)
    return _Table(
        name=name,
        title=r.title,
        headline=headline,
        columns=[words.get(str(c), str(c).replace("_", " ")) for c in frame.columns],
        rows=rows,
        more=f"… {extra} more rows in the CSV download" if extra > 0 else "",
        footer=r._footer(),
        csv=r.table.to_csv(index=False),
    )


def to_html(p: Profile) -> str:
    """The profile as one HTML file; Plotly's JS is inlined once so the page works offline."""
    tables = [_table("flows", p.flows, p), *(_table(k, r, p) for k, r in p.sections.items())]
    return (
        _env()
        .get_template("report.html")
        .render(
            p=p,
            charts=charts(p),
            tables=tables,
            filename=f"{p.a.code}-{p.b.code}",
            stamp=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            summary=summary(p),
            plotly_js=plotly_js(),
            charts_js=(ASSETS / "charts.js").read_text("utf-8"),
            charts_css=(ASSETS / "charts.css").read_text("utf-8"),
        )
    )

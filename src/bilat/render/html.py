"""HTML of results, through Jinja templates only (``render/templates``): a fragment for
notebooks (``_repr_html_``) and a self-contained page (``--format html`` of commands other
than the report, which has its own template). Cells are numbers in words with the raw value
in ``data-value``; Jinja escapes every text."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.render import numbers

__all__ = [
    "Cell",
    "Chart",
    "Section",
    "Table",
    "fragment",
    "page",
    "render_template",
    "section_of",
    "table",
]

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Cell:
    text: str
    raw: object
    numeric: bool


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    more: str = ""


@dataclass(frozen=True)
class Section:
    """One result as the templates show it."""

    title: str
    tables: list[Table]
    intro: Sequence[str] = ()
    footer: Sequence[str] = ()


@dataclass(frozen=True)
class Chart:
    """A Plotly figure as a plain dict (``{"data": …, "layout": …}``) and its title."""

    title: str
    figure: dict[str, Any] = field(default_factory=dict)


def table(frame: Any, *, caption: str = "", max_rows: int | None = None, raw: bool = True) -> Table:
    """A pandas frame as a template table: cells in words by column, raw values kept."""
    import pandas as pd

    from bilat.render.jsonable import jsonable

    shown = frame.head(max_rows) if max_rows else frame
    numeric = {
        c: pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
        for c in shown.columns
    }
    rows = [
        [
            Cell(numbers.cell(str(col), v), jsonable(v) if raw else None, numeric[col])
            for col, v in zip(shown.columns, values, strict=True)
        ]
        for values in shown.itertuples(index=False)
    ]
    extra = len(frame) - len(shown)
    more = f"… {extra} more rows (CSV has them all)" if extra > 0 else ""
    return Table([str(c) for c in shown.columns], rows, caption, more)


def section_of(result: Any, max_rows: int = 25) -> Section:
    """A ledger-style result (``title``, ``table``, ``_footer()``) as a template section."""
    return Section(result.title, [table(result.table, max_rows=max_rows)], footer=result._footer())


def render_template(name: str, **context: Any) -> str:
    """Any of ``render/templates`` rendered with ``context`` (Jinja, autoescaped)."""
    return _env().get_template(name).render(**context)


def fragment(section: Section) -> str:
    """One result as an HTML fragment (a notebook's ``_repr_html_``)."""
    return _env().get_template("fragment.html").render(r=section)


def page(title: str, sections: Sequence[Section], charts: Sequence[Chart] = ()) -> str:
    """A self-contained page: every section, and the charts drawn by Plotly's JS inlined (no
    network)."""
    js = ""
    if charts:
        import plotly

        js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text("utf-8")
    return (
        _env()
        .get_template("page.html")
        .render(title=title, results=sections, charts=charts, plotly_js=js)
    )

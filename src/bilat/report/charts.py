"""The profile's pictures as data: one Plotly figure per chart, or a note saying what is not
covered, with the rows drawn (raw USD) for the CSV download.

The HTML report (``report/html.py``) and the web profile (``/api/profile?charts=true``) draw
these same charts. Conventions: years without data are gaps (null), never zeros; titles are
headings above the chart (so Plotly's toolbar, top right of the plot, never covers them);
values are plotted in bn or mn USD with the unit on the axis, hover text in human numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bilat.ledger.results import LedgerResult
from bilat.render import numbers
from bilat.render.jsonable import jsonable
from bilat.report.profile import Profile

#: the top products chart shows this many products
TOP = 10

_COLOURS = {
    "turnover": "#0969da",
    "exports": "#1a7f37",
    "imports": "#bc4c00",
    "balance": "#8250df",
}


@dataclass(frozen=True)
class Chart:
    """One picture of the profile.

    ``figure`` is Plotly's JSON (``data`` + ``layout``) or None when the data cannot draw it;
    then ``note`` says what is not covered (and what exists). ``rows`` are the values behind
    the picture, raw (USD, fractions), for the CSV download.
    """

    key: str
    title: str
    figure: dict[str, Any] | None
    note: str
    rows: pd.DataFrame

    @property
    def covered(self) -> bool:
        return self.figure is not None

    def csv(self) -> str:
        """The rows drawn, as CSV (raw values; empty when nothing is covered)."""
        return self.rows.to_csv(index=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: key, title, figure (or None), note and the CSV text."""
        return {
            "key": self.key,
            "title": self.title,
            "figure": self.figure,
            "note": self.note,
            "csv": self.csv() if self.covered else "",
        }


def trace(traces: list[dict[str, Any]], kind: str, **props: Any) -> dict[str, Any]:
    """A Plotly trace of ``kind`` ("scatter", "bar", "treemap") added to ``traces``."""
    out = {"type": kind, **props}
    traces.append(out)
    return out


def _figure(traces: list[dict[str, Any]], height: int = 380, **layout: Any) -> dict[str, Any]:
    """Plotly's figure JSON (NaN → null, so gaps stay gaps), with the layout every chart
    shares. Built as plain dicts: plotly's Python figure objects validate every property,
    which cost more than the profile's charts themselves (≈ 0.2 s a profile)."""
    shared: dict[str, Any] = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 36, "b": 40},  # t: room for the toolbar, no title
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "plot_bgcolor": "#fff",
        "paper_bgcolor": "#fff",
        "hoverlabel": {"namelength": -1},
    }
    out = {**shared, **layout}
    out["xaxis"] = {"gridcolor": "#eaeef2", **layout.get("xaxis", {})}
    out["yaxis"] = {"gridcolor": "#eaeef2", "zerolinecolor": "#8c959f", **layout.get("yaxis", {})}
    # plain lists and null gaps (Plotly's own JSON would pack arrays as base64, keep NaN)
    return jsonable({"data": traces, "layout": out})


def _scale(values: pd.Series) -> tuple[float, str]:
    """The unit a USD series is plotted in: bn USD, or mn USD for smaller trade."""
    top = float(values.abs().max()) if values.notna().any() else 0.0
    return (1e9, "bn USD") if top >= 1e9 else (1e6, "mn USD")


def with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (one row per year) with an empty row for each year missing between its first
    and last, so that charts draw a gap where the data have none (every-4th-year sources)."""
    if frame.empty:
        return frame
    years = range(int(frame.year.min()), int(frame.year.max()) + 1)
    full = pd.DataFrame({"year": list(years)})
    return full.merge(frame.assign(year=frame.year.astype(int)), on="year", how="left")


def _not_covered(p: Profile, key: str, title: str, *sections: str) -> Chart:
    # the ledger's own words, without its "not covered:" (the note starts with it)
    why = [
        re.sub(r"^not covered:\s*", "", p.missing[s], flags=re.I)
        for s in sections
        if s in p.missing
    ]
    note = "Not covered: " + ("; ".join(dict.fromkeys(why)) if why else "the data have no rows.")
    return Chart(key, title, None, note, pd.DataFrame())


def flows_chart(p: Profile) -> Chart:
    """Turnover, exports and imports (lines) and the balance (bars) of A with B, every year of
    the span: a year without data is a gap."""
    a, b = p.a, p.b
    title = f"Turnover and balance: {a.name} with {b.name}"
    annual = p.flows.table[p.flows.table.period == "A"]
    cols = ["year", "exports", "imports", "turnover", "balance"]
    if annual.empty or annual.turnover.isna().all():
        return _not_covered(p, "flows", title)
    t = with_gaps(annual[cols])
    scale, unit = _scale(t[["turnover", "balance"]].stack())
    traces: list[dict[str, Any]] = []
    lines = (
        ("turnover", "turnover"),
        ("exports", f"{a.code} exports to {b.code}"),
        ("imports", f"{a.code} imports from {b.code}"),
    )
    many = int(annual.turnover.notna().sum()) > 1
    for col, name in lines:  # turnover first: the page's tests read trace 0
        trace(
            traces,
            "scatter",
            x=t.year,
            y=t[col] / scale,
            name=name,
            mode="lines+markers" if many else "markers",
            marker={"size": 8},
            connectgaps=False,
            line={"color": _COLOURS[col]},
            customdata=[numbers.money(v) for v in t[col]],
            hovertemplate=f"{name} %{{x}}: %{{customdata}}<extra></extra>",
        )
    trace(
        traces,
        "bar",
        x=t.year,
        y=t.balance / scale,
        name=f"balance ({a.code} exports − imports)",
        marker={"color": _COLOURS["balance"]},
        opacity=0.55,
        customdata=[numbers.money(v) for v in t.balance],
        hovertemplate="balance %{x}: %{customdata}<extra></extra>",
    )
    gaps = [int(y) for y, v in zip(t.year, t.turnover, strict=True) if pd.isna(v)]
    note = f"Data: {p.flows.provenance}."
    if gaps:
        note += f" No data for {len(gaps)} of {len(t)} years: drawn as gaps, not zeros."
    return Chart(
        "flows",
        title,
        _figure(traces, yaxis={"title": {"text": unit}}, xaxis={"type": "linear"}),
        note,
        t,
    )


def ranks_chart(p: Profile) -> Chart:
    """Each side's rank among the other's partners by turnover, over time (1 = largest)."""
    a, b = p.a, p.b
    title = f"Rank among partners: {b.name} for {a.name}, and {a.name} for {b.name}"
    traces: list[dict[str, Any]] = []
    frames = []
    for key, label, colour in (
        ("rank_b_in_a", f"{b.code} among {a.code}'s partners", "#0969da"),
        ("rank_a_in_b", f"{a.code} among {b.code}'s partners", "#bc4c00"),
    ):
        r = p.sections.get(key)
        if r is None or r.table.empty:
            continue
        t = with_gaps(r.table[["year", "rank", "partners"]])
        frames.append(t.assign(ranking=label))
        trace(
            traces,
            "scatter",
            x=t.year,
            y=t["rank"],
            name=label,
            mode="lines+markers",
            connectgaps=False,
            marker={"size": 8},
            line={"color": colour},
            customdata=[
                numbers.rank(rk, n) if pd.notna(rk) else "no data"
                for rk, n in zip(t["rank"], t.partners, strict=True)
            ],
            hovertemplate=f"{label} %{{x}}: %{{customdata}}<extra></extra>",
        )
    if not traces:
        return _not_covered(p, "ranks", title, "rank_b_in_a", "rank_a_in_b")
    first = p.sections.get("rank_b_in_a") or p.sections["rank_a_in_b"]
    note = (
        "Rank by turnover with all partners (non-country codes not counted). "
        f"Data: {first.provenance}."
    )
    rows = pd.concat(frames, ignore_index=True)
    worst = int(rows["rank"].max())
    layout = {
        "yaxis": {
            "title": {"text": "rank (1 = largest partner)"},
            "autorange": "reversed",
            "dtick": max(1, -(-worst // 8)),  # whole ranks only, about eight ticks
            "tick0": 1,
        },
        "xaxis": {"type": "linear"},
    }
    return Chart("ranks", title, _figure(traces, **layout), note, rows)


def _composition(p: Profile) -> pd.DataFrame:
    """Exports and imports by product in the reference year, positive values only."""
    parts = []
    for key, label in (("composition_exports", "exports"), ("composition_imports", "imports")):
        r = p.sections.get(key)
        if r is None or r.table.empty:
            continue
        t = r.table[r.table.value.notna() & (r.table.value > 0)]
        t = t[["year", "code", "description", "value", "share", "total"]]
        parts.append(t.assign(direction=label))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _label(code: str, description: object, width: int = 42) -> str:
    text = str(description or "")
    if not text or text == code:
        return code
    return f"{code} {text[: width - 1] + '…' if len(text) > width else text}"


def _composition_result(p: Profile) -> LedgerResult | None:
    return p.sections.get("composition_exports") or p.sections.get("composition_imports")


def _scope(p: Profile) -> str:
    r = _composition_result(p)
    return f"Data: {r.provenance}." if r is not None else ""


def _products(p: Profile) -> str:
    """ " (HS 27, 44 only)" when the product detail covers part of the goods, else ""."""
    r = _composition_result(p)
    words = r.provenance.products if r is not None else ""
    return f" ({words})" if words and words != "all goods" else ""


def _tile_colour(tile: str) -> str:
    if tile.endswith("/rest"):
        return "#d0d7de"
    return _COLOURS[tile.split("/")[0]]


def composition_chart(p: Profile) -> Chart:
    """What is traded in the reference year: a treemap of A's exports to and imports from B by
    product (tile area = value)."""
    a, b = p.a, p.b
    title = f"What is traded, {p.year}{_products(p)}: {a.name} – {b.name}, exports and imports"
    frame = _composition(p)
    if frame.empty:
        return _not_covered(p, "composition", title, "composition_exports", "composition_imports")
    roots = {
        "exports": f"{a.code} exports to {b.code}",
        "imports": f"{a.code} imports from {b.code}",
    }
    ids, labels, parents, values, text = [], [], [], [], []
    for direction, root in roots.items():
        part = frame[frame.direction == direction]
        if part.empty:
            continue
        ids.append(direction)
        labels.append(root)
        parents.append("")
        values.append(float(part.value.sum()))
        text.append(numbers.money(part.value.sum()))
        for row in part.itertuples(index=False):
            ids.append(f"{direction}/{row.code}")
            labels.append(_label(row.code, row.description, 30))
            parents.append(direction)
            values.append(float(row.value))
            text.append(
                f"{numbers.money(row.value)} · {numbers.share(row.share)} of all {direction}"
            )
        # the goods the product detail does not show: a grey tile, so areas stay true to totals
        total = float(part.total.iloc[0]) if part.total.notna().any() else float("nan")
        rest = total - float(part.value.sum())
        if rest == rest and rest > 0.005 * total:
            values[ids.index(direction)] = total
            text[ids.index(direction)] = numbers.money(total)
            ids.append(f"{direction}/rest")
            labels.append("other goods (no product detail in the data)")
            parents.append(direction)
            values.append(rest)
            text.append(f"{numbers.money(rest)} · {numbers.share(rest / total)} of all {direction}")
    tree = trace(
        [],
        "treemap",
        ids=ids,
        labels=labels,
        parents=parents,
        values=values,
        text=text,
        branchvalues="total",
        textinfo="label+text",
        hovertemplate="%{label}<br>%{text}<extra></extra>",
        tiling={"pad": 2},
        marker={"colors": [_tile_colour(i) for i in ids]},
    )
    return Chart(
        "composition",
        title,
        _figure([tree], height=460, margin={"l": 4, "r": 4, "t": 36, "b": 4}),
        "Tile area is the value (USD); shares are of all goods in each direction. " + _scope(p),
        frame,
    )


def top_products_chart(p: Profile) -> Chart:
    """The products with the largest turnover in the reference year, exports and imports side
    by side."""
    a, b = p.a, p.b
    title = f"Top products by turnover, {p.year}{_products(p)}: {a.name} with {b.name}"
    frame = _composition(p)
    if frame.empty:
        return _not_covered(p, "top-products", title, "composition_exports", "composition_imports")
    wide = frame.pivot_table(
        index=["code", "description"], columns="direction", values="value", aggfunc="sum"
    ).reset_index()
    for col in ("exports", "imports"):
        if col not in wide:
            wide[col] = float("nan")
    wide["turnover"] = wide[["exports", "imports"]].sum(axis=1, min_count=1)
    top = wide.sort_values("turnover", ascending=False).head(TOP)
    top = top.assign(year=p.year)[["year", "code", "description", "exports", "imports", "turnover"]]
    scale, unit = _scale(top.turnover)
    shown = top.iloc[::-1]  # largest at the top of a horizontal bar chart
    labels = [_label(c, d, 34) for c, d in zip(shown.code, shown.description, strict=True)]
    traces: list[dict[str, Any]] = []
    for col, name in (
        ("exports", f"{a.code} exports to {b.code}"),
        ("imports", f"{a.code} imports from {b.code}"),
    ):
        trace(
            traces,
            "bar",
            x=shown[col] / scale,
            y=labels,
            orientation="h",
            name=name,
            marker={"color": _COLOURS[col]},
            customdata=[numbers.money(v) for v in shown[col]],
            hovertemplate=f"%{{y}}<br>{name}: %{{customdata}}<extra></extra>",
        )
    layout = {
        "barmode": "stack",
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "traceorder": "normal"},
        "xaxis": {"title": {"text": unit}},
        "yaxis": {"automargin": True},
        "margin": {"l": 10, "r": 20, "t": 36, "b": 40},
    }
    return Chart("top-products", title, _figure(traces, height=440, **layout), _scope(p), top)


def sectors_chart(p: Profile) -> Chart:
    """Turnover by sector basket (the nine bridges) in the reference year; a sector the data's
    HS detail cannot show is named in the note, not drawn as zero."""
    title = f"Turnover by sector, {p.year}"
    r = p.sections.get("sectors")
    if r is None or r.table.empty:
        return _not_covered(p, "sectors", title, "sectors")
    latest = r.table[r.table.year == r.table.year.max()]
    known = latest[latest.value.notna()].sort_values("value")
    unknown = latest[latest.value.isna()].code.tolist()
    if known.empty:
        return Chart(
            "sectors",
            title,
            None,
            "Not covered: no sector is available at the data's HS detail ("
            + ", ".join(unknown)
            + ").",
            pd.DataFrame(),
        )
    scale, unit = _scale(known.value)
    bars = trace(
        [],
        "bar",
        x=known.value / scale,
        y=known.code,
        orientation="h",
        marker={"color": _COLOURS["turnover"]},
        customdata=[numbers.money(v) for v in known.value],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
    note = f"Data: {r.provenance}."
    if unknown:
        note += " Not available at the data's HS detail: " + ", ".join(unknown) + "."
    layout = {
        "xaxis": {"title": {"text": unit}},
        "yaxis": {"automargin": True},
        "showlegend": False,
    }
    rows = latest[["year", "code", "description", "value", "share"]]
    return Chart("sectors", title, _figure([bars], **layout), note, rows)


def target_chart(p: Profile) -> Chart | None:
    """Observed values, the path the target needs and the trend projection (None: no target)."""
    r = p.sections.get("target")
    if r is None:
        return None if "target" not in p.missing else _not_covered(p, "target", "Target", "target")
    t = r.table
    measure = t.columns[1]
    scale, unit = _scale(t[measure])
    traces: list[dict[str, Any]] = []
    trace(traces, "scatter", x=t.year, y=t[measure] / scale, name="observed", mode="lines+markers")
    trace(
        traces,
        "scatter",
        x=t.year,
        y=t.path_needed / scale,
        name="path needed",
        mode="lines",
        line={"dash": "dash"},
    )
    if "projection" in t:
        proj = t.dropna(subset=["projection"])
        trace(
            traces,
            "scatter",
            x=proj.year,
            y=proj.projection / scale,
            name="trend projection",
            mode="markers",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (proj.high - proj.projection) / scale,
                "arrayminus": (proj.projection - proj.low) / scale,
            },
        )
    verdict = getattr(r, "verdict", "")
    return Chart(
        "target",
        f"Target tracker — verdict: {verdict}",
        _figure(traces, yaxis={"title": {"text": unit}}, xaxis={"type": "linear"}),
        f"Data: {r.provenance}.",
        t,
    )


def charts(p: Profile) -> list[Chart]:
    """Every chart of the profile, in reading order (a chart the data cannot draw is a note)."""
    out = [
        flows_chart(p),
        ranks_chart(p),
        composition_chart(p),
        top_products_chart(p),
        sectors_chart(p),
    ]
    target = target_chart(p)
    return out + ([target] if target is not None else [])

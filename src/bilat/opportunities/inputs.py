"""The method's inputs read from the flows table: supply, demand, actual exports and ease (USD).

Each input comes from one source (never a mix within one input), chosen from a survey of what
the store holds for the exporter A and the market B. Every query filters early (year, source,
``exporter = A`` or ``importer = B``) so that a BACI-scale store answers in about a second.
Values are read the way the ledger reads them: reconciled rows where a source has them, else the
declaring side's own report, else the partner's mirror report; a partner ``WLD`` (World) row
beats the sum over partners.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from bilat.ledger._data import WORLD, usd_sum
from bilat.schema import SUMMED, TOTAL
from bilat.store.session import Data, DataLike, session_of

#: A product source whose rows for A and B span this many HS chapters counts as "all goods".
ALL_GOODS_CHAPTERS = 90
#: How far (years) the ease of trade may be taken from when the year itself has no totals.
EASE_YEAR_WINDOW = 5


@dataclass(frozen=True)
class Input:
    """One input of the method: where it came from, or why it is missing."""

    name: str
    what: str
    source: str = ""
    release: str = ""
    year: int | None = None
    digits: int | None = None
    note: str = ""
    missing: str = ""
    #: what the source covers that year, in the ledger's words ("all goods", "HS 27, 44 only")
    products: str = ""

    @property
    def available(self) -> bool:
        """True when the store held this input."""
        return not self.missing

    def __str__(self) -> str:
        if self.missing:  # the ledger's vocabulary: not covered, with what exists instead
            return f"{self.name}: not covered — {self.missing}"
        detail = "totals" if self.digits == 0 else f"HS {self.digits}-digit"
        scope = f"; {self.products}" if self.products else ""
        note = f"; {self.note}" if self.note else ""
        return (
            f"{self.name}: {self.what} — {self.source} (release {self.release}, {self.year}, "
            f"{detail}{scope}){note}"
        )

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "name": self.name,
            "what": self.what,
            "source": self.source,
            "release": self.release,
            "year": self.year,
            "digits": self.digits,
            "note": self.note,
            "missing": self.missing,
            "covered": self.available,
            "products": self.products,
        }


def _annual(t: ir.Table) -> ir.Table:
    return t.filter(t.period == "A")


def survey(
    s: Data, t: ir.Table, a: str, b: str, years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """What the store holds for A's exports and B's imports: one row per source, year, digits.

    ``digits`` is 0 for totals; ``a_codes``/``b_codes`` count products with A as exporter / B as
    importer, ``pair`` the A→B rows, ``chapters`` the HS chapters among them (one query).
    ``years`` (first, last) limits the survey to those years: B's imports cannot be found by
    Parquet statistics (the detail is sorted by exporter), so each year surveyed is a full scan.
    """
    rows = _annual(t).filter((t.exporter == a) | (t.importer == b))
    if years is not None:
        rows = rows.filter(rows.year.between(*years))
    rows = rows.filter(rows.exporter != rows.importer)
    is_total = rows["product"] == TOTAL
    rows = rows.mutate(digits=is_total.ifelse(0, rows["product"].length()))
    a_x, b_m = rows.exporter == a, rows.importer == b
    out = s.run(
        rows.group_by(["source", "year", "digits"]).aggregate(
            a_codes=rows["product"].nunique(where=a_x),
            b_codes=rows["product"].nunique(where=b_m),
            pair=(a_x & b_m).sum(),
            chapters=rows["product"].substr(0, 2).nunique(where=a_x | b_m),
            reported_by=rows.reported_by.collect(distinct=True),
            world_rows=((rows.importer == WORLD) | (rows.exporter == WORLD)).sum(),
            releases=rows.release.collect(distinct=True),
        )
    )
    out["year"] = out.year.astype(int)
    out["digits"] = out.digits.astype(int)
    out["release"] = [", ".join(sorted(str(r) for r in rs)) for rs in out.releases]
    out["reported_by"] = [tuple(sorted(str(r) for r in rs)) for rs in out.reported_by]
    return out.drop(columns="releases")


def product_years(s: Data, totals: ir.Table, a: str, b: str) -> tuple[set[int], set[int]]:
    """Years with product rows (any length) for A's exports and for B's imports, from pair_totals.

    ``pair_totals`` holds one ``SUM`` row per pair for the product detail it summed, so this reads
    about a million rows instead of the detail's fifty million.
    """
    rows = _annual(totals).filter(
        (totals["product"] == SUMMED) & (totals.exporter != totals.importer)
    )
    rows = rows.filter((rows.exporter == a) | (rows.importer == b))
    out = rows.group_by("year").aggregate(
        a_rows=(rows.exporter == a).sum(), b_rows=(rows.importer == b).sum()
    )
    frame = s.run(out)
    years = frame.year.astype(int)
    return set(years[frame.a_rows > 0]), set(years[frame.b_rows > 0])


@dataclass(frozen=True)
class Slice:
    """Rows of one source and year at one product length (0 = totals), read at ``level`` digits.

    ``uniform``: the survey saw only this length in the source-year, so no length filter is
    needed (a saving of one string function per row on BACI-scale tables).
    """

    source: str
    year: int
    digits: int
    level: int
    uniform: bool = False


def _rows(t: ir.Table, sl: Slice) -> ir.Table:
    """The slice's annual rows, with ``code`` = the product code cut to the level."""
    rows = _annual(t).filter((t.source == sl.source) & (t.year == sl.year))
    if sl.digits == 0:
        rows = rows.filter(rows["product"] == TOTAL)
        return rows.mutate(code=ibis.literal(TOTAL))
    if not sl.uniform:
        rows = rows.filter(rows["product"].length() == sl.digits)
    if sl.level == sl.digits:
        return rows.mutate(code=rows["product"])
    return rows.mutate(code=rows["product"].substr(0, sl.level))


def universe(s: Data, t: ir.Table, sl: Slice) -> pd.DataFrame:
    """Every product code the slice holds (one column ``code``)."""
    return s.run(_rows(t, sl).select("code").distinct())


def _own_export(r: ir.Table) -> ir.BooleanValue:
    return (r.reported_by == "reconciled") | ((r.reported_by == "exporter") & (r.flow == "X"))


def _own_import(r: ir.Table) -> ir.BooleanValue:
    return (r.reported_by == "reconciled") | ((r.reported_by == "importer") & (r.flow == "M"))


def _exports_by_exporter(rows: ir.Table, keys: list[str]) -> ir.Table:
    """Exporters' exports per ``keys``: own world row, else own partner sum, else mirror."""
    v = rows.value_usd
    own, mirror = _own_export(rows), (rows.reported_by == "importer") & (rows.flow == "M")
    per = rows.group_by(["exporter", *keys]).aggregate(
        world=usd_sum(v, where=own & (rows.importer == WORLD)),
        partners=usd_sum(v, where=own & (rows.importer != WORLD)),
        mirror=usd_sum(v, where=mirror),
    )
    return per.mutate(x=ibis.coalesce(per.world, per.partners, per.mirror))


def world_supply(s: Data, t: ir.Table, a: str, sl: Slice, simple: bool) -> pd.DataFrame:
    """Per product: A's exports to the world and all exporters' (USD): code, a_exports, world.

    ``simple`` (a reconciled source holding either world rows or bilateral rows, as BACI does)
    sums rows per product directly, skipping the per-exporter step: the fast path at HS6.
    """
    rows = _rows(t, sl)
    rows = rows.filter((rows.exporter != rows.importer) & (rows.exporter != WORLD))
    if simple:
        v = rows.value_usd
        out = rows.group_by("code").aggregate(
            a_exports=usd_sum(v, where=rows.exporter == a), world=usd_sum(v)
        )
    else:
        per = _exports_by_exporter(rows, ["code"])
        out = per.group_by("code").aggregate(
            a_exports=usd_sum(per.x, where=per.exporter == a), world=usd_sum(per.x)
        )
    frame = s.run(out)
    frame["a_exports"] = frame.a_exports.fillna(0.0)
    return frame


def market_demand(s: Data, t: ir.Table, b: str, sl: Slice, codes: pd.DataFrame) -> pd.DataFrame:
    """Per product: B's imports from the world (USD) and who reported them (``B`` or ``mirror``).

    Every code of ``codes`` (the slice's universe) is returned, with demand 0 where B imported none.
    """
    rows = _rows(t, sl)
    mine = rows.filter((rows.importer == b) & (rows.exporter != b))
    v = mine.value_usd
    own = _own_import(mine)
    mirror = _own_export(mine) & (mine.reported_by != "reconciled") & (mine.exporter != WORLD)
    sums = mine.group_by("code").aggregate(
        world=usd_sum(v, where=own & (mine.exporter == WORLD)),
        partners=usd_sum(v, where=own & (mine.exporter != WORLD)),
        mirror=usd_sum(v, where=mirror),
    )
    return _demand_frame(codes, s.run(sums))


def _demand_frame(codes: pd.DataFrame, sums: pd.DataFrame) -> pd.DataFrame:
    """Demand per code of ``codes`` from B's own world row, else partner sum, else mirror."""
    frame = codes[["code"]].merge(
        sums[["code", "world", "partners", "mirror"]], on="code", how="left"
    )
    own_v = frame.world.fillna(frame.partners)
    frame["demand"] = own_v.fillna(frame.mirror).fillna(0.0)
    frame["demand_reported_by"] = [
        "B" if pd.notna(o) else ("mirror" if pd.notna(m) else "none")
        for o, m in zip(own_v, frame.mirror, strict=True)
    ]
    return frame[["code", "demand", "demand_reported_by"]]


def pair_exports(
    s: Data, t: ir.Table, a: str, b: str, sl: Slice, codes: pd.DataFrame
) -> pd.DataFrame:
    """Per product: A's exports to B (USD), A's own report else B's mirror, 0 where none."""
    rows = _rows(t, sl)
    mine = rows.filter((rows.exporter == a) & (rows.importer == b))
    v = mine.value_usd
    sums = mine.group_by("code").aggregate(
        own=usd_sum(v, where=_own_export(mine)),
        mirror=usd_sum(v, where=(mine.reported_by == "importer") & (mine.flow == "M")),
    )
    return _actual_frame(codes, s.run(sums))


def _actual_frame(codes: pd.DataFrame, sums: pd.DataFrame) -> pd.DataFrame:
    """Actual exports A→B per code of ``codes``: A's own report, else B's mirror, else 0."""
    frame = codes[["code"]].merge(sums[["code", "own", "mirror"]], on="code", how="left")
    frame["actual"] = frame.own.fillna(frame.mirror).fillna(0.0)
    frame["actual_reported_by"] = [
        "A" if pd.notna(o) else ("mirror" if pd.notna(m) else "none")
        for o, m in zip(frame.own, frame.mirror, strict=True)
    ]
    return frame[["code", "actual", "actual_reported_by"]]


def one_pass(
    s: Data, t: ir.Table, a: str, b: str, sl: Slice
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Supply, demand and actual exports of one reconciled slice in a single scan of the year.

    The same figures as ``world_supply(simple=True)``, ``market_demand`` and ``pair_exports``
    on that slice: each is a conditional sum per code with that function's row filter as the
    condition, so the year's detail is read once instead of three times.
    """
    rows = _rows(t, sl)
    v = rows.value_usd
    supply = (rows.exporter != rows.importer) & (rows.exporter != WORLD)
    to_b = (rows.importer == b) & (rows.exporter != b)
    own_m, own_x = _own_import(rows), _own_export(rows)
    mirror_m = own_x & (rows.reported_by != "reconciled") & (rows.exporter != WORLD)
    pair = (rows.exporter == a) & (rows.importer == b)
    out = rows.group_by("code").aggregate(
        n_supply=supply.sum(),
        a_exports=usd_sum(v, where=supply & (rows.exporter == a)),
        world_x=usd_sum(v, where=supply),
        world=usd_sum(v, where=to_b & own_m & (rows.exporter == WORLD)),
        partners=usd_sum(v, where=to_b & own_m & (rows.exporter != WORLD)),
        mirror=usd_sum(v, where=to_b & mirror_m),
        own=usd_sum(v, where=pair & own_x),
        pair_mirror=usd_sum(v, where=pair & (rows.reported_by == "importer") & (rows.flow == "M")),
    )
    frame = s.run(out.filter(out.n_supply > 0))
    sup = frame[["code", "a_exports", "world_x"]].rename(columns={"world_x": "world"})
    sup["a_exports"] = sup.a_exports.fillna(0.0)
    codes = sup[["code"]]
    dem = _demand_frame(codes, frame)
    act = _actual_frame(
        codes, frame.drop(columns="mirror").rename(columns={"pair_mirror": "mirror"})
    )
    return sup, dem, act


@dataclass(frozen=True)
class Ease:
    """Ease of trade A→B: A's share of B's imports over A's share of world exports (all goods)."""

    value: float
    x_ab: float
    x_a: float
    m_b: float
    x_w: float
    year: int

    @classmethod
    def of(cls, x_ab: float, x_a: float, m_b: float, x_w: float, year: int) -> Ease:
        """The ease from its four all-goods figures (NaN when a denominator is 0)."""
        value = (x_ab / x_a) / (m_b / x_w) if x_a and m_b and x_w else float("nan")
        return cls(float(value), float(x_ab), float(x_a), float(m_b), float(x_w), year)

    @property
    def formula(self) -> str:
        """The ease with its numbers."""
        return (
            f"ease = (x_AB / X_A) / (M_B / X_W) = ({self.x_ab:,.0f} / {self.x_a:,.0f}) / "
            f"({self.m_b:,.0f} / {self.x_w:,.0f}) = {self.value:.4g}"
        )

    def to_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON output."""
        return {
            "value": self.value,
            "x_ab": self.x_ab,
            "x_a": self.x_a,
            "m_b": self.m_b,
            "x_w": self.x_w,
            "year": self.year,
        }


def ease_of_trade(s: Data, t: ir.Table, a: str, b: str, sl: Slice) -> Ease:
    """Ease from one source's all-goods figures in ``year``: totals, or products summed."""
    rows = _rows(t, sl)
    rows = rows.filter((rows.exporter != rows.importer) & (rows.exporter != WORLD))
    per = _exports_by_exporter(rows, [])
    world = s.run(per.aggregate(x_w=usd_sum(per.x), x_a=usd_sum(per.x, where=per.exporter == a)))
    to_b = rows.filter(rows.importer == b)
    v = to_b.value_usd
    own_m = _own_import(to_b) & (to_b.reported_by != "reconciled")
    sums = s.run(
        to_b.aggregate(
            m_world=usd_sum(v, where=own_m & (to_b.exporter == WORLD)),
            m_partners=usd_sum(v, where=own_m & (to_b.exporter != WORLD)),
            m_mirror=usd_sum(v, where=_own_export(to_b)),
            ab_own=usd_sum(v, where=_own_export(to_b) & (to_b.exporter == a)),
            ab_mirror=usd_sum(v, where=own_m & (to_b.exporter == a)),
        )
    )
    row = sums.iloc[0]
    m_b = _first(row.m_world, row.m_partners, row.m_mirror)
    x_ab = _first(row.ab_own, row.ab_mirror)
    x_a, x_w = _first(world.x_a.iloc[0]), _first(world.x_w.iloc[0])
    return Ease.of(x_ab, x_a, m_b, x_w, sl.year)


def _first(*values: object) -> float:
    """The first value that is not NULL, else 0.0."""
    for v in values:
        if v is not None and pd.notna(v):
            return float(v)  # type: ignore[arg-type]
    return 0.0


@dataclass(frozen=True)
class Context:
    """Gravity covariates of the pair shown beside the result (not used in the formula)."""

    distance_km: float | None = None
    distance_source: str = ""
    agreement: bool | None = None
    agreement_name: str = ""
    agreement_source: str = ""

    def __str__(self) -> str:
        parts = []
        if self.distance_km is not None:
            parts.append(f"distance {self.distance_km:,.0f} km ({self.distance_source})")
        if self.agreement is not None:
            name = f": {self.agreement_name}" if self.agreement_name else ""
            state = "in force" if self.agreement else "none in force"
            parts.append(f"trade agreement {state}{name} ({self.agreement_source})")
        return "; ".join(parts) if parts else "no distance or agreement data in the store"

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "distance_km": self.distance_km,
            "distance_source": self.distance_source,
            "agreement": self.agreement,
            "agreement_name": self.agreement_name,
            "agreement_source": self.agreement_source,
        }


def pair_context(data: DataLike, a: str, b: str, year: int) -> Context:
    """Distance and agreement in force for A–B from the store's distances/agreements tables."""
    session = session_of(data)
    if session.store is None:  # an in-memory flows table: no distances or agreements
        return Context()
    table = session.table
    d = table("distances")
    dist = session.run(d.filter((d.exporter == a) & (d.importer == b)).limit(1))
    g = table("agreements")
    c1, c2 = sorted((a, b))
    agr = session.run(g.filter((g.year == year) & (g.country1 == c1) & (g.country2 == c2)))
    any_row = session.run(g.filter(g.year == year).limit(1))
    km = None
    src = ""
    if not dist.empty:
        row = dist.iloc[0]
        km = _first(row.distw, row.dist) or None
        src = f"{row.source} {row.release}, {'distw' if pd.notna(row.distw) else 'dist'}"
    in_force = None
    name, asrc = "", ""
    if not agr.empty:
        in_force = bool((agr.rta > 0).any())
        name = ", ".join(sorted({str(n) for n in agr.agreement.dropna()}))
        asrc = f"{agr.source.iloc[0]} {agr.release.iloc[0]}"
    elif not any_row.empty:
        in_force = False  # the table covers the year and lists no agreement for the pair
        asrc = f"{any_row.source.iloc[0]} {any_row.release.iloc[0]}"
    return Context(km, src, in_force, name, asrc)

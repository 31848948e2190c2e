"""Trade indices: Balassa RCA, Michaely complementarity, trade intensity, Grubel–Lloyd, HHI.

Each result states its formula and the data it used. Exports by product come from each
exporter's own report (or reconciled data); imports from each importer's own report, falling
back to the exporters' mirror reports when importers did not report. Exports "to the world"
use a source's ``WLD`` partner rows where it has them, else the sum over all partners.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError
from bilat.ledger import _hs, coverage, economies
from bilat.ledger._data import (
    WORLD,
    SourceChoice,
    choose_source,
    flows_table,
    run_for,
    source_rows,
    table_key,
    totals_table,
    usd_sum,
)
from bilat.ledger.composition import product_values
from bilat.ledger.economies import Economy
from bilat.ledger.ranks import countries_only, partner_table
from bilat.ledger.results import LedgerResult
from bilat.ledger.vocabulary import Basis
from bilat.store.session import Data, DataLike, session_of

Side = Literal["exports", "imports"]


@dataclass(frozen=True, repr=False)
class IndexResult(LedgerResult):
    """An index: its headline ``value`` plus the table it was computed from."""

    name: str = ""
    value: float = float("nan")
    #: how many product groups (or partners) the index was computed over
    groups: int = 0
    #: what the data behind it cover ("all goods", "HS 27, 44 only")
    coverage: str = "all goods"

    @property
    def partial(self) -> bool:
        """True when the index was computed over part of trade only (not all goods)."""
        return self.coverage != "all goods"

    @property
    def headline(self) -> str:
        """'Grubel–Lloyd (overall) = 0.0123 — over 2 groups; PARTIAL: HS 27, 44 only'."""
        head = f"{self.name} = {self.value:.4g}" if np.isfinite(self.value) else self.name
        over = f" — over {self.groups} groups" if self.groups else ""
        flag = f"; PARTIAL: {self.coverage}, not all goods" if self.partial else ""
        return head + over + flag

    def to_dict(self) -> dict:
        out = super().to_dict()
        value = self.value if np.isfinite(self.value) else None
        out.update(
            name=self.name,
            value=value,
            groups=self.groups,
            coverage=self.coverage,
            partial=self.partial,
            headline=self.headline,
        )
        return out

    def __str__(self) -> str:
        return self.headline + "\n" + super().__str__()


def _code_expr(rows: ir.Table, level: str) -> ir.StringValue:
    if level == "chapter":
        return rows["product"].substr(0, 2)
    if level == "heading":
        return rows["product"].substr(0, 4)
    return rows["product"]


def side_totals(
    session: Data,
    t: ir.Table,
    choice: SourceChoice,
    year: int,
    side: Side,
    level: str = "chapter",
) -> pd.DataFrame:
    """Each reporter's exports (or imports) by product group in ``year``: country, code, value.

    One query: rows to/from the world where the source has them, else the sum over partners.
    It is about every country, not a pair: the session keeps it for the store's state, so both
    RCAs and complementarity of a report, and the reports of other pairs, ask it once.
    """
    key = ("side totals", table_key(t), choice.sql_key, year, side, level)
    return session.remember(key, lambda: _side_totals(session, t, choice, year, side, level))


def _side_totals(
    session: Data, t: ir.Table, choice: SourceChoice, year: int, side: Side, level: str
) -> pd.DataFrame:
    """side_totals without the memory."""
    rows = source_rows(t, choice)
    rows = rows.filter((rows.year == year) & (rows.period == "A"))
    own = "exporter" if side == "exports" else "importer"
    other = "importer" if side == "exports" else "exporter"
    flow = "X" if side == "exports" else "M"
    mine = ((rows.reported_by == own) & (rows.flow == flow)) | (rows.reported_by == "reconciled")
    mirror = (rows.reported_by == other) & (rows.flow == ("M" if flow == "X" else "X"))
    rows = rows.filter(mine | mirror).mutate(
        country=rows[own],
        world=rows[other] == WORLD,
        is_own=mine,
        code=_code_expr(rows, level),
    )
    raw = session.run(
        rows.group_by(["country", "code", "world", "is_own"]).aggregate(
            value=usd_sum(rows.value_usd)
        )
    )
    if raw.empty:
        raise NoDataError(f"no {side} by product in {choice.source} for {year}")
    # in one order on every run: the sums below add floats (an engine returns groups in any order)
    raw = raw.sort_values(["country", "code", "world", "is_own"], ignore_index=True)
    # Own reports beat mirror ones, and world-partner rows beat sums over partners, per country.
    raw = raw[raw.is_own | ~raw.country.isin(raw[raw.is_own].country.unique())]
    has_world = raw[raw.world].country.unique()
    raw = raw[raw.world | ~raw.country.isin(has_world)]
    out = raw.groupby(["country", "code"], as_index=False).value.sum()
    return out[countries_only(out.country)].reset_index(drop=True)


def _prov(choice: SourceChoice, year: int, basis: str, *notes: str):
    return replace(choice.provenance(basis, (choice.why, *notes)), years=(year,))


def rca(
    data: DataLike,
    a: str | Economy,
    year: int,
    *,
    level: str = "chapter",
    source: str | None = None,
) -> IndexResult:
    """Balassa revealed comparative advantage of A by product group in ``year``."""
    session = session_of(data)
    ea = economies.resolve(a)
    t = flows_table(session)
    choice = choose_source(
        session,
        t,
        (ea,),
        source=source,
        detail="products",
        years=(year,),
        scopes=coverage.scopes(session),
    )
    world = side_totals(session, t, choice, year, "exports", level)
    mine = world[world.country.isin(ea.members(year))].groupby("code").value.sum()
    if mine.empty:
        raise NoDataError(f"no exports by product of {ea.code} in {choice.source} for {year}")
    wk = world.groupby("code").value.sum()
    table = pd.DataFrame({"x_ak": mine}).join(wk.rename("x_wk"), how="right").fillna(0.0)
    table["x_a"], table["x_w"] = table.x_ak.sum(), table.x_wk.sum()
    table["rca"] = (table.x_ak / table.x_a) / (table.x_wk / table.x_w)
    table = table.reset_index().sort_values("rca", ascending=False)
    table.insert(1, "description", _hs.descriptions(table.code, session.hs_tables()))
    n = int((table.rca > 1).sum())
    return IndexResult(
        title=f"Revealed comparative advantage of {ea}, {year}, by {level}",
        table=table.reset_index(drop=True),
        provenance=_prov(
            choice, year, "exporters' reports", f"{world.country.nunique()} exporters"
        ),
        formula="RCA_k = (x_Ak / X_A) / (x_Wk / X_W): A's share of product k in its exports over "
        "the world's; > 1 = revealed advantage",
        name="products with RCA > 1",
        value=float(n),
        groups=len(table),
        coverage=choice.scope,
    )


def complementarity(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    year: int,
    *,
    level: str = "chapter",
    source: str | None = None,
) -> IndexResult:
    """Michaely trade complementarity of A's exports with B's imports (0–100) in ``year``."""
    session = session_of(data)
    ea, eb = economies.pair(a, b)
    t = flows_table(session)
    # The source must hold B's imports by product, which world-export tables lack.
    choice = choose_source(
        session,
        t,
        (eb,),
        source=source,
        detail="products",
        years=(year,),
        side="importer",
        scopes=coverage.scopes(session),
    )
    x = side_totals(session, t, choice, year, "exports", level)
    m = side_totals(session, t, choice, year, "imports", level)
    xa = x[x.country.isin(ea.members(year))].groupby("code").value.sum()
    mb = m[m.country.isin(eb.members(year))].groupby("code").value.sum()
    if xa.empty or mb.empty:
        raise NoDataError(
            f"{choice.source} lacks {ea.code}'s exports or {eb.code}'s imports by product in {year}"
        )
    table = pd.DataFrame({"exports_a": xa, "imports_b": mb}).fillna(0.0)
    table["x_share"] = table.exports_a / table.exports_a.sum()
    table["m_share"] = table.imports_b / table.imports_b.sum()
    table["abs_diff"] = (table.m_share - table.x_share).abs()
    value = 100.0 * (1.0 - table.abs_diff.sum() / 2.0)
    table = table.reset_index().rename(columns={"index": "code"})
    return IndexResult(
        title=f"Trade complementarity of {ea}'s exports with {eb}'s imports, {year}",
        table=table,
        provenance=_prov(
            choice,
            year,
            "each side's own report",
            f"computed over the {len(table)} product groups this source holds",
        ),
        formula="TC = 100 · (1 − Σ_k |m_Bk − x_Ak| / 2); shares of k in B's imports, A's exports",
        name="complementarity (0–100)",
        value=value,
        groups=len(table),
        coverage=choice.scope,
    )


def trade_intensity(
    data: DataLike, a: str | Economy, b: str | Economy, year: int, *, source: str | None = None
) -> IndexResult:
    """Trade intensity of A's exports to B in ``year`` (> 1: above B's weight in world trade)."""
    session = session_of(data)
    ea, eb = economies.pair(a, b)
    t = totals_table(session)
    choice = choose_source(
        session,
        t,
        (ea,),
        source=source,
        detail="total",
        years=(year,),
        scopes=coverage.scopes(session),
        partners=True,
    )
    basis = "reconciled" if "reconciled" in choice.reported_by else "exporter"

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        a_, b_ = pair
        rows = source_rows(t, choice)
        rows = rows.filter((rows.year == year) & (rows.period == "A"))
        rows = rows.filter((rows.exporter != WORLD) & (rows.importer != WORLD))
        flow_ok = (rows.reported_by == basis) & (
            (rows.flow == "X") | (rows.reported_by == "reconciled")
        )
        rows = rows.filter(flow_ok)
        a_x = a_.contains(rows.exporter, rows.year)
        b_m = b_.contains(rows.importer, rows.year)
        a_m = a_.contains(rows.importer, rows.year)
        v = rows.value_usd
        z = v * 0
        return rows.aggregate(
            x_ab=usd_sum((a_x & b_m & ~a_m).ifelse(v, z)),
            x_a=usd_sum((a_x & ~a_m).ifelse(v, z)),
            m_b=usd_sum((b_m & ~b_.contains(rows.exporter, rows.year)).ifelse(v, z)),
            m_w=usd_sum(v),
        )

    # prepared once per shape: another pair binds its codes
    shape = ("intensity", table_key(t), choice.sql_key, year, basis)
    sums = run_for(session, (ea, eb), shape, build)
    row = sums.iloc[0].astype(float)
    if not row.x_a or not row.m_b:
        raise NoDataError(f"no totals for {ea.code} or {eb.code} in {choice.source} for {year}")
    value = (row.x_ab / row.x_a) / (row.m_b / row.m_w)
    table = pd.DataFrame([{**row.to_dict(), "intensity": value}])
    return IndexResult(
        title=f"Trade intensity of {ea}'s exports to {eb}, {year}",
        table=table,
        provenance=_prov(choice, year, f"each flow as its {basis} reports it"),
        formula="TII = (x_AB / X_A) / (M_B / M_W): A's export share to B over B's share of "
        "world imports; > 1 = more intense than B's size implies",
        name="trade intensity",
        value=float(value),
        coverage=choice.scope,
    )


def grubel_lloyd(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    year: int,
    *,
    level: str = "chapter",
    basis: Basis = "auto",
    source: str | None = None,
) -> IndexResult:
    """Grubel–Lloyd intra-industry trade between A and B by product and overall (0–1)."""
    session = session_of(data)
    ea, eb = economies.pair(a, b)
    frame, (choice, used) = product_values(
        session, ea, eb, years=(year,), basis=basis, source=source, level=level
    )
    if level in ("chapter", "heading"):
        digits = 2 if level == "chapter" else 4
        frame = frame.assign(product=frame["product"].str[:digits])
    table = frame.groupby("product", as_index=False)[["exports", "imports"]].sum()
    table = table.rename(columns={"product": "code"})
    gross = table.exports + table.imports
    table["gl"] = np.where(gross > 0, 1 - (table.exports - table.imports).abs() / gross, np.nan)
    total = gross.sum()
    if not total:
        raise NoDataError(f"no trade between {ea.code} and {eb.code} in {year}")
    value = float((gross - (table.exports - table.imports).abs()).sum() / total)
    return IndexResult(
        title=f"Grubel–Lloyd intra-industry trade, {ea} with {eb}, {year}, by {level}",
        table=table.sort_values("gl", ascending=False).reset_index(drop=True),
        provenance=_prov(choice, year, used),
        formula="GL_k = 1 − |X_k − M_k| / (X_k + M_k); overall = Σ(X_k + M_k − |X_k − M_k|) / "
        "Σ(X_k + M_k)",
        name="Grubel–Lloyd (overall)",
        value=value,
        groups=len(table),
        coverage=choice.scope,
    )


def _hhi(values: pd.Series) -> tuple[float, float, int]:
    values = values[values > 0]
    shares = values / values.sum()
    n = len(shares)
    h = float((shares**2).sum())
    normalised = (h - 1 / n) / (1 - 1 / n) if n > 1 else 1.0
    return h, normalised, n


def hhi(
    data: DataLike,
    a: str | Economy,
    year: int,
    *,
    by: Literal["product", "market"] = "product",
    partner: str | Economy | None = None,
    direction: Literal["exports", "imports"] = "exports",
    level: str = "chapter",
    basis: Basis = "auto",
    source: str | None = None,
) -> IndexResult:
    """Herfindahl–Hirschman concentration (0–1) of A's exports/imports by product or by market.

    ``by="product"`` with a ``partner``: concentration of A's trade with that partner;
    ``by="market"``: concentration of A's trade over its country partners.
    """
    session = session_of(data)
    if direction not in ("exports", "imports"):
        raise InputError(f"direction {direction!r} is not exports or imports")
    ea = economies.resolve(a)
    if by == "market":
        frame, _, (choice, used) = partner_table(
            session, ea, years=(year,), basis=basis, source=source
        )
        values = frame.set_index("partner")[direction]
        what = f"{direction} over partner countries"
    elif by == "product":
        if partner is None:
            raise InputError("by='product' needs partner=: whose trade with A to measure")
        eb = economies.resolve(partner)
        frame, (choice, used) = product_values(
            session, ea, eb, years=(year,), basis=basis, source=source, level=level
        )
        codes = frame["product"].str[: 2 if level == "chapter" else 4]
        if level == "product":
            codes = frame["product"]
        values = frame.assign(code=codes).groupby("code")[direction].sum()
        what = f"{direction} to/from {eb.code} over HS {level}s"
    else:
        raise InputError(f"by {by!r} is not 'product' or 'market'")
    h, normalised, n = _hhi(values)
    table = (
        (values[values > 0] / values[values > 0].sum())
        .rename("share")
        .sort_values(ascending=False)
        .reset_index()
        .rename(columns={"index": "code", "partner": "code"})
    )
    return IndexResult(
        title=f"Concentration (HHI) of {ea}'s {what}, {year}",
        table=table,
        provenance=_prov(
            choice,
            year,
            used,
            f"{n} groups; normalised HHI* = {normalised:.4f}",
        ),
        formula="HHI = Σ s_i² over shares s_i (0–1; ×10,000 for the antitrust scale); "
        "HHI* = (HHI − 1/N) / (1 − 1/N)",
        name=f"HHI by {by}",
        value=h,
        groups=n,
        coverage=choice.scope,
    )

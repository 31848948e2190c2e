"""Export potential of A in market B by product: potential = demand × supply share × ease (USD).

For exporter A, market B and product k in year t:

    s_Ak  = X_Ak / X_Wk                      A's share of world exports of k (supply)
    d_Bk  = M_Bk                             B's imports of k from the world (demand)
    e_AB  = (x_AB / X_A) / (M_B / X_W)       ease: A's share of B's imports over its world share
    p_ABk = d_Bk × s_Ak × e_AB               potential exports of k from A to B
    u_ABk = max(p_ABk − a_ABk, 0)            untapped potential, a_ABk = actual exports

``e_AB`` is the trade intensity index over all goods: 1 when A already sells to B in proportion
to its size as a world exporter. The inputs are chosen by ``_Plan`` from what the store holds;
a missing input leaves its products' potential empty and is reported, never filled in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError
from bilat.ledger import economies
from bilat.ledger._data import flows_table
from bilat.ledger.results import Provenance
from bilat.opportunities import inputs
from bilat.opportunities.inputs import Ease, Input
from bilat.opportunities.results import SHOWN, OpportunitiesResult
from bilat.store.session import Data, DataLike, session_of

if TYPE_CHECKING:
    from bilat.reference.hs import HsTables

Level = Literal["hs2", "hs4", "hs6"]
LEVELS: dict[str, int] = {"hs2": 2, "hs4": 4, "hs6": 6}

FORMULA = (
    "potential_k = demand_Bk × share_Ak × ease_AB, with share_Ak = X_Ak / X_Wk (A's share of "
    "world exports of k), demand_Bk = B's imports of k from the world, ease_AB = (x_AB / X_A) / "
    "(M_B / X_W) over all goods; untapped_k = max(potential_k − actual_k, 0), "
    "untapped_pct = 100 × untapped / potential"
)


@dataclass(frozen=True)
class Options:
    """The validated question: ISO3 codes, year (None = latest usable) and product digits."""

    exporter: str
    market: str
    year: int | None
    digits: int | None


def _options(exporter: str, market: str, year: int | None, level: str | None) -> Options:
    ea, eb = economies.pair(exporter, market)
    for e in (ea, eb):
        if e.kind != "country":
            raise InputError(
                f"{e.code} is a {e.kind}: opportunities are computed for one exporting country "
                "and one market; run it per member country"
            )
    if level is not None and level not in LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    return Options(ea.code, eb.code, year, LEVELS[level] if level else None)


@dataclass(frozen=True)
class _Pick:
    source: str
    release: str
    year: int
    digits: int
    simple: bool = False  # reconciled rows only (BACI): sums need no per-exporter step
    uniform: bool = False  # the only product length in the source-year

    def slice(self, level: int) -> inputs.Slice:
        return inputs.Slice(self.source, self.year, self.digits, level, self.uniform)


def _uniform(found: pd.DataFrame, source: str, year: int) -> bool:
    """True when the source has rows at one product length only (totals count) in ``year``."""
    return found[(found.source == source) & (found.year == year)].digits.nunique() == 1


def _best(rows: pd.DataFrame, count: str, digits: int) -> _Pick | None:
    """The source with the most products for an input at ``digits`` (or finer), else None."""
    every = rows
    rows = rows[(rows[count] > 0) & (rows.digits >= digits)]
    if rows.empty:
        return None
    # Exact level beats finer rows summed up; then most products; then name, for stable choice.
    rows = rows.assign(exact=rows.digits == digits).sort_values(
        ["exact", count, "source"], ascending=[False, False, True]
    )
    r = rows.iloc[0]
    simple = r.reported_by == ("reconciled",)
    uniform = _uniform(every, str(r.source), int(r.year))
    return _Pick(str(r.source), str(r.release), int(r.year), int(r.digits), simple, uniform)


def _level(found: pd.DataFrame, year: int | None) -> int:
    """The finest product level at which the store has both A's exports and B's imports."""
    products = found[found.digits > 0]
    if year is not None:
        products = products[products.year == year]
    both = [
        d
        for d in (6, 4, 2)
        if (products[products.digits >= d].a_codes > 0).any()
        and (products[products.digits >= d].b_codes > 0).any()
    ]
    if both:
        return both[0]
    either = [d for d in (6, 4, 2) if (products.digits >= d).any()]
    return either[0] if either else 2


def _year(found: pd.DataFrame, digits: int) -> int:
    """Latest year with supply and demand at the level; else latest with either."""
    products = found[found.digits >= digits]
    supply = set(products[products.a_codes > 0].year)
    demand = set(products[products.b_codes > 0].year)
    years = (supply & demand) or (supply | demand)
    if not years:
        coarser = found[(found.digits > 0) & (found.digits < digits)]
        fix = (
            f"rerun with level='hs{int(coarser.digits.max())}'"
            if not coarser.empty
            else "add product data (BACI, Comtrade by commodity) with `bilat data add`"
        )
        raise NoDataError(
            f"no product-level flows at {digits} digits or finer for these countries; {fix}"
        )
    return max(years)


def _finest_message(found: pd.DataFrame, count: str, digits: int, year: int) -> str:
    coarser = found[(found.year == year) & (found[count] > 0) & (found.digits > 0)]
    coarser = coarser[coarser.digits < digits]
    if not coarser.empty:
        d = int(coarser.digits.max())
        return f"the store has it only at {d} digits in {year}: rerun with level='hs{d}'"
    return f"the store has no product rows for it in {year}"


def _ease_pick(found: pd.DataFrame, year: int) -> tuple[_Pick | None, str]:
    """Source and year for the ease: A→B totals (or all-goods product detail) nearest ``year``."""
    rows = found[
        (found.pair > 0) & ((found.digits == 0) | (found.chapters >= inputs.ALL_GOODS_CHAPTERS))
    ]
    rows = rows[(rows.year - year).abs() <= inputs.EASE_YEAR_WINDOW]
    if rows.empty:
        return None, (
            f"no source holds A→B trade in all goods within {inputs.EASE_YEAR_WINDOW} years of "
            f"{year}; add totals (e.g. BACI, Comtrade TOTAL, penppml)"
        )
    rows = rows.assign(
        gap=(rows.year - year).abs(), later=rows.year > year, is_product=rows.digits > 0
    ).sort_values(["gap", "later", "is_product", "a_codes", "source"])
    r = rows.iloc[0]
    note = "" if int(r.year) == year else f"taken from {int(r.year)}, the nearest year with totals"
    if r.digits > 0:
        note = "; ".join(filter(None, [note, "all goods as the sum of product rows"]))
    uniform = _uniform(found, str(r.source), int(r.year))
    simple = r.reported_by == ("reconciled",)
    pick = _Pick(str(r.source), str(r.release), int(r.year), int(r.digits), simple, uniform)
    return pick, note


def _survey(session: Data, t: ir.Table, a: str, b: str, opts: Options) -> pd.DataFrame:
    """The survey, of the year only when that decides everything the method reads from it.

    Every later use of the survey looks at the chosen year, except the ease (which may look up
    to EASE_YEAR_WINDOW years away when the year has no all-goods figures) and, with no level
    given, the level (any year). So: survey the year; widen to the ease window if the year has
    no ease; survey the whole store when the year or level cannot be settled this way.
    """
    year = opts.year
    if year is None:
        totals = _pair_totals(session)
        if totals is None:
            return inputs.survey(session, t, a, b)
        a_years, b_years = inputs.product_years(session, totals, a, b)
        both = a_years & b_years
        if not both:
            return inputs.survey(session, t, a, b)
        # No later year has product rows on both sides, so this is the year _year picks when
        # its survey shows both sides at the level (finest possible, 6, when none is given).
        year = max(both)
        found = inputs.survey(session, t, a, b, (year, year))
        digits = opts.digits or _level(found, year)
        supply = found[(found.digits >= digits) & (found.a_codes > 0)]
        demand = found[(found.digits >= digits) & (found.b_codes > 0)]
        if digits != (opts.digits or 6) or supply.empty or demand.empty:
            return inputs.survey(session, t, a, b)
    else:
        found = inputs.survey(session, t, a, b, (year, year))
    if found.empty or _ease_pick(found, year)[0] is None:
        window = inputs.EASE_YEAR_WINDOW
        found = inputs.survey(session, t, a, b, (year - window, year + window))
        if found.empty:
            return inputs.survey(session, t, a, b)
    return found


#: The survey count that picks each product input's source.
_COUNTS = {"supply": "a_codes", "demand": "b_codes", "actual": "pair"}


def _one_pass(
    session: Data, t: ir.Table, a: str, b: str, picks: dict[str, _Pick | None], digits: int
) -> dict[str, pd.DataFrame]:
    """The three product inputs from one scan when they share one reconciled slice, else {}."""
    if any(p is None for p in picks.values()):
        return {}
    slices = {p.slice(digits) for p in picks.values() if p is not None}
    supply = picks["supply"]
    if len(slices) != 1 or supply is None or not supply.simple:
        return {}
    sup, dem, act = inputs.one_pass(session, t, a, b, slices.pop())
    return {"supply": sup, "demand": dem, "actual": act}


def _pair_totals(session: Data) -> ir.Table | None:
    """A store's pair_totals when built for every flows partition, else None."""
    return session.derived("pair_totals")


def opportunities(
    data: DataLike,
    exporter: str,
    market: str,
    *,
    year: int | None = None,
    level: Level | None = None,
) -> OpportunitiesResult:
    """Products where ``exporter`` could sell more to ``market``: potential, actual, untapped (USD).

    ``level`` hs2/hs4/hs6 (default: the finest the store has for both sides); ``year`` default:
    the latest year with both A's exports and B's imports by product.
    """
    session = session_of(data)
    opts = _options(exporter, market, year, level)
    t = flows_table(session)
    a, b = opts.exporter, opts.market
    found = _survey(session, t, a, b, opts)
    if found.empty:
        raise NoDataError(f"no flows with {a} as exporter or {b} as importer in the store")
    digits = opts.digits or _level(found, opts.year)
    yr = opts.year if opts.year is not None else _year(found, digits)
    in_year = found[found.year == yr]
    used: list[Input] = []

    frames: dict[str, pd.DataFrame] = {}
    slices: dict[str, inputs.Slice] = {}
    # Each product universe is read once per slice; BACI's supply query already lists them all.
    codes: dict[inputs.Slice, pd.DataFrame] = {}

    def universe(sl: inputs.Slice) -> pd.DataFrame:
        if sl not in codes:
            codes[sl] = inputs.universe(session, t, sl)
        return codes[sl]

    picks = {name: _best(in_year, count, digits) for name, count in _COUNTS.items()}
    read = _one_pass(session, t, a, b, picks, digits)

    pick = picks["supply"]
    what = f"{a}'s share of world exports by product"
    if pick is None:
        used.append(Input("supply", what, missing=_finest_message(found, "a_codes", digits, yr)))
    else:
        sl = slices["supply"] = pick.slice(digits)
        sup = read["supply"] if read else inputs.world_supply(session, t, a, sl, pick.simple)
        if pick.simple:
            codes[sl] = sup[["code"]]
        sup["share"] = np.where(sup.world > 0, sup.a_exports / sup.world, np.nan)
        frames["supply"] = sup.rename(
            columns={"a_exports": "a_world_exports", "world": "world_exports"}
        )
        used.append(Input("supply", what, pick.source, pick.release, yr, pick.digits, _covers(sup)))

    pick = picks["demand"]
    what = f"{b}'s imports from the world by product"
    if pick is None:
        used.append(Input("demand", what, missing=_finest_message(found, "b_codes", digits, yr)))
    else:
        sl = slices["demand"] = pick.slice(digits)
        dem = frames["demand"] = (
            read["demand"] if read else inputs.market_demand(session, t, b, sl, universe(sl))
        )
        n_mirror = int((dem.demand_reported_by == "mirror").sum())
        mirror = f"{n_mirror} from exporters' mirror reports" if n_mirror else ""
        note = "; ".join(filter(None, [_covers(dem), mirror]))
        used.append(Input("demand", what, pick.source, pick.release, yr, pick.digits, note))

    pick = picks["actual"]
    what = f"{a}'s exports to {b} by product"
    if pick is None:
        used.append(Input("actual", what, missing=_finest_message(found, "pair", digits, yr)))
    else:
        sl = slices["actual"] = pick.slice(digits)
        act = frames["actual"] = (
            read["actual"] if read else inputs.pair_exports(session, t, a, b, sl, universe(sl))
        )
        used.append(Input("actual", what, pick.source, pick.release, yr, pick.digits, _covers(act)))

    epick, enote = _ease_pick(found, yr)
    ease: Ease | None = None
    what = f"ease of trade {a}→{b} (trade intensity, all goods)"
    if epick is None:
        used.append(Input("ease", what, missing=enote))
    else:
        ease = _ease(session, t, a, b, epick, frames, slices)
        if not np.isfinite(ease.value):
            used.append(Input("ease", what, missing=f"{epick.source} lacks {a}'s or {b}'s totals"))
            ease = None
        else:
            used.append(
                Input("ease", what, epick.source, epick.release, epick.year, epick.digits, enote)
            )
    used = _with_coverage(session, used)
    table = _table(list(frames.values()), used, ease, session.hs_tables())
    if table.empty:
        why = "; ".join(str(u) for u in used if not u.available)
        raise NoDataError(f"no products at {digits} digits for {a} or {b} in {yr}: {why}")
    return OpportunitiesResult(
        title=f"Export opportunities of {a} in {b}, {yr}, HS {digits}-digit (USD)",
        table=table,
        provenance=_provenance(used, yr),
        formula=FORMULA,
        notes=_notes(used, table),
        exporter=a,
        market=b,
        year=yr,
        digits=digits,
        ease=ease,
        inputs=tuple(used),
        context=inputs.pair_context(session, a, b, yr) if session.store is not None else None,
    )


def _with_coverage(session: Data, used: list[Input]) -> list[Input]:
    """Each input with the products its source covers that year, in the ledger's words."""
    from dataclasses import replace

    from bilat.ledger import coverage

    sc = coverage.scopes(session)
    out = []
    for u in used:
        scope = sc.get((u.source, int(u.year))) if u.source and u.year is not None else None
        out.append(replace(u, products=scope.describe()) if scope is not None else u)
    return out


def _ease(
    session: Data,
    t: ir.Table,
    a: str,
    b: str,
    pick: _Pick,
    frames: dict[str, pd.DataFrame],
    slices: dict[str, inputs.Slice],
) -> Ease:
    """The ease; from the product frames already read when they are the same reconciled slice."""
    same = {(sl.source, sl.year, sl.digits) for sl in slices.values()}
    if pick.simple and len(slices) == 3 and same == {(pick.source, pick.year, pick.digits)}:
        # Reconciled product rows of one source-year summed over products: the same four totals
        # ease_of_trade would compute, without another pass over the whole year.
        sup, dem, act = frames["supply"], frames["demand"], frames["actual"]
        # fsum: exactly rounded whatever order the engine returned the products in
        return Ease.of(
            math.fsum(act.actual),
            math.fsum(sup.a_world_exports),
            math.fsum(dem.demand),
            math.fsum(sup.world_exports),
            pick.year,
        )
    return inputs.ease_of_trade(session, t, a, b, pick.slice(2))


# the columns a ranking shows first, then the inputs behind them
COLUMNS = [
    *SHOWN,
    "ease",
    "a_world_exports",
    "world_exports",
    "demand_reported_by",
    "actual_reported_by",
    "missing",
]


def _table(
    frames: list[pd.DataFrame], used: list[Input], ease: Ease | None, tables: HsTables | None
) -> pd.DataFrame:
    """One row per product: the three components, potential, actual, untapped; ranked."""
    table = pd.DataFrame({"code": pd.Series(dtype=str)})
    for f in frames:
        table = table.merge(f, on="code", how="outer")
    for col in ("share", "a_world_exports", "world_exports", "demand", "actual"):
        if col not in table:
            table[col] = np.nan
    for col in ("demand_reported_by", "actual_reported_by"):
        table[col] = table[col].fillna("") if col in table else ""
    table["ease"] = ease.value if ease is not None else np.nan
    table["potential"] = table.demand * table.share * table.ease
    table["untapped"] = (table.potential - table.actual).clip(lower=0.0)
    table["untapped_pct"] = np.where(
        table.potential > 0, 100.0 * table.untapped / table.potential, np.nan
    )
    names = {"supply": "share", "demand": "demand", "actual": "actual", "ease": "ease"}
    lacks = []
    for code_row in table.itertuples():
        gone = [n for n, col in names.items() if pd.isna(getattr(code_row, col))]
        lacks.append(", ".join(gone))
    table["missing"] = lacks
    table["description"] = describe(table.code, tables)
    table = table.sort_values(
        ["untapped", "potential", "code"], ascending=[False, False, True], na_position="last"
    )
    return table[COLUMNS].reset_index(drop=True)


def _covers(frame: pd.DataFrame) -> str:
    """'covers 2 products (27, 44)': how much of the nomenclature an input spans."""
    codes = sorted(frame.code)
    listed = f" ({', '.join(codes)})" if len(codes) <= 10 else ""
    return f"covers {len(codes)} products{listed}"


def describe(codes: pd.Series, tables: HsTables | None = None) -> list[str]:
    """HS descriptions by look-up: HS 2022 wording, else HS 1992's (from ``tables``, the store
    session's, else the bundle's), else ''."""
    from bilat.reference import hs

    return [hs.description(c, tables=tables) for c in codes]


def _provenance(used: list[Input], year: int) -> Provenance:
    have = [u for u in used if u.available]
    sources = list(dict.fromkeys(u.source for u in have))
    releases = list(dict.fromkeys(f"{u.source} {u.release}" for u in have))
    years = sorted({u.year for u in have if u.year is not None} | {year})
    return Provenance(
        source=" + ".join(sources) or "none",
        release="; ".join(releases) or "–",
        years=tuple(years),
        basis="reconciled, else the declaring side's report, else the partner's mirror",
        notes=tuple(str(u) for u in used),
    )


def _notes(used: list[Input], table: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    missing = [u.name for u in used if not u.available]
    if missing:
        notes.append(f"missing inputs: {', '.join(missing)}; potential is left empty, not guessed")
    n_part = int((table.missing != "").sum())
    if n_part:
        notes.append(
            f"{n_part} of {len(table)} products lack an input (see 'missing') and are listed "
            "after the ranked ones"
        )
    return tuple(notes)

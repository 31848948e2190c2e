"""Gravity inputs read through the store: flows, GDP, agreements in force, GeoDist distances.

Every frame comes from an ibis expression over the store's canonical tables, filtered in the
engine and executed once; nothing reads the bundle's files directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from bilat.errors import NoDataError
from bilat.scenarios.gravity.panel import GDP_INDICATOR
from bilat.schema import MANUFACTURING, TOTAL

if TYPE_CHECKING:
    from bilat.store import Store

DISTANCE_COLUMNS = ("exporter", "importer", "dist", "contig", "comlang_off", "colony")
_LOAD_HINT = "load it with `bilat data bundle ../shared/data --store PATH` or `bilat data add`"


@dataclass(frozen=True, eq=False)
class GravityInputs:
    """Frames for a gravity panel: flows (USD), GDP (USD), agreements, distances; and provenance."""

    flows: pd.DataFrame  # year, exporter, importer, value_usd, reported_by
    gdp: pd.DataFrame  # country, year, indicator, value
    agreements: pd.DataFrame  # year, country1, country2, rta
    distances: pd.DataFrame | None  # exporter, importer, dist, contig, comlang_off, colony
    source: str
    releases: tuple[str, ...]
    product: str = TOTAL  # the aggregate read: TOTAL (all goods) or MANUF (the book's panel)

    @property
    def home_trade(self) -> bool:
        """True if the flows hold intranational trade (exporter = importer), as the book's."""
        return bool((self.flows["exporter"] == self.flows["importer"]).any())

    def __repr__(self) -> str:
        years = sorted(int(y) for y in self.flows["year"].unique())
        return (
            f"<GravityInputs {self.source} ({', '.join(self.releases)}): {len(self.flows):,} "
            f"flows in {years}, {len(self.gdp):,} GDP values, {len(self.agreements):,} "
            "agreement pairs>"
        )


# The aggregates a gravity panel can be built from, in order of preference: all goods, else
# all manufacturing (the Advanced Guide's panel, stored as MANUF so that the ledger never takes
# it for a country's total trade).
AGGREGATES = (TOTAL, MANUFACTURING)


def aggregate_product(store: Store, source: str) -> str:
    """The product code of ``source``'s annual aggregate (TOTAL, else MANUF).

    NoDataError with true advice: the sources the store holds when ``source`` is not one, the
    products it has when it has no aggregate.
    """
    f = store.table("flows")
    held = f.filter((f.source == source) & (f.period == "A")).select("product").distinct()
    products = set(held.execute()["product"].astype(str))
    for code in AGGREGATES:
        if code in products:
            return code
    if not products:
        sources = sorted(str(x) for x in f.select("source").distinct().execute()["source"])
        raise NoDataError(
            f"the store has no annual flows from source {source!r}; it holds "
            + (", ".join(repr(x) for x in sources) if sources else "no flows at all")
            + ". Set data = one of those in the scenario file, or "
            + _LOAD_HINT
        )
    some = sorted(products)[:5]
    raise NoDataError(
        f"the store's {source!r} flows have no all-goods (TOTAL) or manufacturing (MANUF) "
        f"aggregate, only products such as {', '.join(some)}; a gravity panel needs one "
        "aggregate per pair: load a source with totals (e.g. penppml, BACI) or give data = "
        "another source"
    )


def available_years(store: Store, source: str, product: str | None = None) -> list[int]:
    """Years of annual aggregate flows (TOTAL, else MANUF) the store holds for ``source``."""
    f = store.table("flows")
    code = product or aggregate_product(store, source)
    expr = f.filter((f.source == source) & (f.product == code) & (f.period == "A"))
    years = expr.select("year").distinct().execute()["year"]
    return sorted(int(y) for y in years)


def read_inputs(
    store: Store,
    years: Sequence[int],
    *,
    source: str = "penppml",
    distances: bool = False,
) -> GravityInputs:
    """Flows of ``source`` (its annual aggregate: all goods, or manufacturing for the book's
    panel; countries only), WDI GDP and agreements in force for ``years``.

    Raises NoDataError naming what is missing and how to load it.
    """
    ys = sorted({int(y) for y in years})
    product = aggregate_product(store, source)
    f = store.table("flows")
    flows_expr = f.filter(
        (f.source == source)
        & f.year.isin(ys)
        & (f.product == product)
        & (f.period == "A")
        & ~f.non_country
    ).select("year", "exporter", "importer", "value_usd", "reported_by", "release")
    flows = flows_expr.execute()
    if flows.empty:
        held = available_years(store, source, product)
        raise NoDataError(
            f"the store's {source!r} flows have no year among {ys}; "
            f"years held: {held[0]}–{held[-1]} ({len(held)} years: {held[:15]}…)"
        )
    releases = tuple(sorted(set(flows.pop("release").astype(str))))
    m = store.table("macro")
    gdp = (
        m.filter((m.indicator == GDP_INDICATOR) & m.year.isin(ys) & ~m.non_country)
        .select("country", "year", "indicator", "value", "release")
        .execute()
    )
    if gdp.empty and not (flows["exporter"] == flows["importer"]).any():
        raise NoDataError(
            f"the store has no GDP ({GDP_INDICATOR}, WDI) for {ys}: needed to derive "
            "intranational trade; " + _LOAD_HINT
        )
    # one value per country-year: the newest release wins
    gdp = (
        gdp.sort_values("release")
        .drop_duplicates(["country", "year"], keep="last")
        .drop(columns="release")
    )
    a = store.table("agreements")
    agreements = (
        a.filter(a.year.isin(ys) & (a.rta > 0))
        .select("year", "country1", "country2", "rta")
        .execute()
    )
    if agreements.empty:
        raise NoDataError(
            f"the store has no trade agreements in force for {ys} (table agreements, e.g. "
            "DESTA's rtas_at_least_one_in_force_per_year.csv.gz); " + _LOAD_HINT
        )
    dist = None
    if distances:
        d = store.table("distances")
        dist = d.select(*DISTANCE_COLUMNS).execute()
        if dist.empty:
            raise NoDataError("the store has no distances (CEPII GeoDist); " + _LOAD_HINT)
    for frame in (flows, gdp, agreements):
        frame["year"] = frame["year"].astype(int)
    return GravityInputs(
        flows=flows,
        gdp=gdp,
        agreements=agreements,
        distances=dist,
        source=source,
        releases=releases,
        product=product,
    )

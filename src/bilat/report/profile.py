"""``profile(data, a, b)``: every ledger piece for one relationship, gathered for the renderers.

A piece the data cannot answer (no product detail, no mirror data …) is recorded with the
reason instead of failing the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bilat.errors import BilatError
from bilat.ledger import economies
from bilat.ledger.composition import composition
from bilat.ledger.economies import Economy
from bilat.ledger.flows import FlowsResult, bilateral_flows
from bilat.ledger.growth import growth
from bilat.ledger.indices import complementarity, grubel_lloyd, hhi, rca, trade_intensity
from bilat.ledger.mirror import mirror_gaps
from bilat.ledger.ranks import partner_rank
from bilat.ledger.results import LedgerResult
from bilat.ledger.targets import target_tracker
from bilat.store.session import DataLike, session_of


@dataclass(frozen=True)
class Target:
    """A target to track: ``value`` USD of ``measure`` by ``year`` from ``base_year``."""

    value: float
    year: int
    base_year: int
    measure: str = "turnover"


@dataclass(frozen=True)
class Profile:
    """The relationship's one-page profile: named ledger results plus what could not be computed."""

    a: Economy
    b: Economy
    flows: FlowsResult
    sections: dict[str, LedgerResult] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    #: the one reference year of every point-in-time section: the latest covered year in the
    #: span (a section that cannot be computed for it says so, never moves to another year)
    year: int | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """Years the flows cover."""
        return tuple(sorted({int(y) for y in self.flows.table.year}))

    def __str__(self) -> str:
        parts = [str(self.flows), *(str(r) for r in self.sections.values())]
        parts += [f"(not available: {k}: {v})" for k, v in self.missing.items()]
        return "\n\n".join(parts)

    def __repr__(self) -> str:
        return (
            f"<Profile {self.a.code}–{self.b.code}: {len(self.sections) + 1} sections, "
            f"{len(self.missing)} missing, years {self.years[0]}–{self.years[-1]}>"
        )


def profile(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    years: tuple[int, ...] | list[int] | range | None = None,
    target: Target | None = None,
    source: str | None = None,
    products: tuple[str, ...] | None = None,
) -> Profile:
    """Flows, growth, ranks over time, composition, sectors, indices, mirror and target for A–B."""
    session = session_of(data)
    ea, eb = economies.pair(a, b)
    yrs = tuple(years) if years is not None else None
    # with ``products`` (HS codes): flows, growth and ranks of those products only, labelled
    flows = bilateral_flows(session, ea, eb, years=yrs, source=source, products=products)
    covered = [int(y) for y, t in zip(flows.table.year, flows.table.turnover, strict=True)]
    complete = [y for y, t in zip(covered, flows.table.turnover, strict=True) if t == t]
    latest = max(complete or covered)
    sections: dict[str, LedgerResult] = {}
    missing: dict[str, str] = {}

    def add(name: str, build: Callable[[], LedgerResult]) -> None:
        try:
            sections[name] = build()
        except BilatError as err:  # the report shows what it could not compute and why
            missing[name] = str(err)

    add("growth", lambda: growth(session, ea, eb, years=yrs, source=source, products=products))
    add(
        "rank_b_in_a",
        lambda: partner_rank(session, ea, eb, years=yrs, source=source, products=products),
    )
    add(
        "rank_a_in_b",
        lambda: partner_rank(session, eb, ea, years=yrs, source=source, products=products),
    )
    # every point-in-time section for the same year: the latest covered one in the span
    year = latest
    ref = (year,)
    src = {"source": source}
    add(
        "composition_exports",
        lambda: composition(session, ea, eb, years=ref, direction="exports", **src),
    )
    add(
        "composition_imports",
        lambda: composition(session, ea, eb, years=ref, direction="imports", **src),
    )
    add(
        "sectors",
        lambda: composition(
            session, ea, eb, years=ref, level="basket", direction="turnover", **src
        ),
    )
    add("grubel_lloyd", lambda: grubel_lloyd(session, ea, eb, year, **src))
    add("hhi_products", lambda: hhi(session, ea, year, by="product", partner=eb, **src))
    add("mirror", lambda: mirror_gaps(session, ea, eb, years=year, **src))
    add("complementarity", lambda: complementarity(session, ea, eb, year, **src))
    add("rca_a", lambda: rca(session, ea, year, **src))
    add("rca_b", lambda: rca(session, eb, year, **src))
    add("intensity", lambda: trade_intensity(session, ea, eb, latest, source=source))
    add("hhi_markets", lambda: hhi(session, ea, latest, by="market", source=source))
    if target is not None:
        add(
            "target",
            lambda: target_tracker(
                session,
                ea,
                eb,
                target.value,
                target.year,
                target.base_year,
                measure=target.measure,
                source=source,
            ),
        )
    return Profile(ea, eb, flows, sections, missing, year)

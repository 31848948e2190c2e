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
    data: object,
    a: str | Economy,
    b: str | Economy,
    *,
    years: tuple[int, ...] | list[int] | range | None = None,
    target: Target | None = None,
    source: str | None = None,
) -> Profile:
    """Flows, growth, ranks over time, composition, sectors, indices, mirror and target for A–B."""
    ea, eb = economies.pair(a, b)
    yrs = tuple(years) if years is not None else None
    flows = bilateral_flows(data, ea, eb, years=yrs, source=source)
    latest = max(int(y) for y in flows.table.year)
    sections: dict[str, LedgerResult] = {}
    missing: dict[str, str] = {}

    def add(name: str, build: Callable[[], LedgerResult]) -> None:
        try:
            sections[name] = build()
        except BilatError as err:  # the report shows what it could not compute and why
            missing[name] = str(err)

    add("growth", lambda: growth(data, ea, eb, years=yrs, source=source))
    add("rank_b_in_a", lambda: partner_rank(data, ea, eb, years=yrs, source=source))
    add("rank_a_in_b", lambda: partner_rank(data, eb, ea, years=yrs, source=source))
    add("composition_exports", lambda: composition(data, ea, eb, years=yrs, direction="exports"))
    add("composition_imports", lambda: composition(data, ea, eb, years=yrs, direction="imports"))
    add(
        "sectors",
        lambda: composition(data, ea, eb, years=yrs, level="basket", direction="turnover"),
    )
    detail_year = _latest_detail_year(sections)
    if detail_year is not None:
        add("grubel_lloyd", lambda: grubel_lloyd(data, ea, eb, detail_year))
        add("hhi_products", lambda: hhi(data, ea, detail_year, by="product", partner=eb))
        add("mirror", lambda: mirror_gaps(data, ea, eb, years=detail_year))
        add("complementarity", lambda: complementarity(data, ea, eb, detail_year))
        add("rca_a", lambda: rca(data, ea, detail_year))
        add("rca_b", lambda: rca(data, eb, detail_year))
    add("intensity", lambda: trade_intensity(data, ea, eb, latest, source=source))
    add("hhi_markets", lambda: hhi(data, ea, latest, by="market", source=source))
    if target is not None:
        add(
            "target",
            lambda: target_tracker(
                data,
                ea,
                eb,
                target.value,
                target.year,
                target.base_year,
                measure=target.measure,
                source=source,
            ),
        )
    return Profile(ea, eb, flows, sections, missing)


def _latest_detail_year(sections: dict[str, LedgerResult]) -> int | None:
    """The latest year with product detail, in either direction."""
    years = [
        int(comp.table.year.max())
        for comp in (sections.get("composition_exports"), sections.get("composition_imports"))
        if comp is not None and not comp.table.empty
    ]
    return max(years) if years else None

"""``profile(data, a, b)``: every ledger piece for one relationship, gathered for the renderers.

A piece the data cannot answer (no product detail, no mirror data …) is recorded with the
reason instead of failing the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bilat.errors import BilatError
from bilat.ledger import economies, verbs
from bilat.ledger.economies import Economy
from bilat.ledger.flows import FlowsResult, bilateral_flows
from bilat.ledger.results import LedgerResult
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

    # every point-in-time section for the same year: the latest covered one in the span
    year = latest
    ask = verbs.Ask(ea, eb, yrs, year, source, products, target)
    for section in verbs.report_sections(ask):  # the registry's sections, in the report's order
        add(section.name, lambda build=section.build: build(session, ask))
    return Profile(ea, eb, flows, sections, missing, year)

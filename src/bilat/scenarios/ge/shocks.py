"""Counterfactual changes in trade costs: agreements formed or ended, percentage cost changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from bilat.errors import InputError
from bilat.scenarios.ge.baseline import Baseline
from bilat.scenarios.ge.members import members

AgreementAction = Literal["form", "end"]
# Groups a shock defines itself, e.g. (("NAFTA", ("CAN", "MEX", "USA")),): hashable, frozen.
GroupTable = tuple[tuple[str, tuple[str, ...]], ...]


def group_table(groups: Mapping[str, Iterable[str]] | GroupTable | None) -> GroupTable:
    """Normalise user-defined groups to a sorted tuple of (name, sorted ISO3 codes)."""
    if not groups:
        return ()
    items = groups.items() if isinstance(groups, Mapping) else groups
    return tuple(sorted((str(k), tuple(sorted(str(c) for c in v))) for k, v in items))


def sides(
    baseline: Baseline,
    side_a: Iterable[str],
    side_b: Iterable[str] | None,
    what: str,
    groups: GroupTable = (),
) -> tuple[set[str], set[str], list[str]]:
    """ISO3 codes of side A and side B present in the baseline (groups expanded), and notes."""
    year = baseline.year
    defined = {k: frozenset(v) for k, v in groups}
    notes: list[str] = []

    def expand(names: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for name in names:
            codes, note = members(name, year, baseline.countries, defined)
            out |= codes
            if note:
                notes.append(f"{what}: {note}")
        return out

    a = expand(side_a)
    b = expand(side_b or ())
    absent = sorted((a | b) - set(baseline.countries))
    if absent:
        notes.append(f"{what}: {', '.join(absent)} not in the baseline data; left out")
    a &= set(baseline.countries)
    b &= set(baseline.countries)
    return a, b, notes


def _pairs(
    baseline: Baseline,
    side_a: Iterable[str],
    side_b: Iterable[str] | None,
    what: str,
    groups: GroupTable = (),
) -> tuple[np.ndarray, list[str]]:
    """Boolean N×N mask of directed pairs between side A and side B (or within A)."""
    a, b, notes = sides(baseline, side_a, side_b, what, groups)
    ia = np.array([c in a for c in baseline.countries])
    ib = np.array([c in b for c in baseline.countries]) if side_b is not None else ia
    mask = np.outer(ia, ib) | np.outer(ib, ia)
    np.fill_diagonal(mask, False)
    if not mask.any():
        raise InputError(f"{what}: no pair of countries of the baseline is affected")
    return mask, notes


@dataclass(frozen=True)
class AgreementChange:
    """An agreement formed (or ended) between side A and side B, or among side A.

    ``effect`` is the agreement's partial effect on log trade (the estimated RTA coefficient):
    forming multiplies t_ij^(1-σ) by exp(effect) on member pairs without an agreement; ending
    divides it on member pairs that have one (all member pairs when the baseline has no
    agreements table).
    """

    side_a: tuple[str, ...]
    side_b: tuple[str, ...] | None
    effect: float | None
    action: AgreementAction = "form"
    groups: GroupTable = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_table(self.groups))

    def apply(self, baseline: Baseline, costs: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """New t_ij^(1-σ) and notes."""
        if self.action not in ("form", "end"):
            raise InputError(f"agreement action must be 'form' or 'end', got {self.action!r}")
        if self.effect is None or not np.isfinite(self.effect):
            raise InputError(
                f"agreement {self.label}: effect must be a number (log points), got "
                f"{self.effect!r}; give one, or run it in a Scenario that supplies or estimates it"
            )
        mask, notes = _pairs(
            baseline, self.side_a, self.side_b, f"agreement {self.label}", self.groups
        )
        if baseline.agreements is not None:
            in_force = baseline.agreements > 0
            mask = mask & (~in_force if self.action == "form" else in_force)
            if not mask.any():
                raise InputError(
                    f"agreement {self.label}: every member pair "
                    + ("already has" if self.action == "form" else "has no")
                    + " an agreement in force in the baseline; nothing changes"
                )
        sign = 1.0 if self.action == "form" else -1.0
        out = costs.copy()
        out[mask] *= np.exp(sign * self.effect)
        return out, notes

    @property
    def label(self) -> str:
        """Readable name, e.g. 'KOR–EAEU'."""
        b = "+".join(self.side_b) if self.side_b else None
        a = "+".join(self.side_a)
        return f"{a}–{b}" if b else a

    def __str__(self) -> str:
        verb = "formed" if self.action == "form" else "ended"
        effect = "to be set" if self.effect is None else f"{self.effect:+.4f}"
        defined = "; ".join(f"{k} = {', '.join(v)}" for k, v in self.groups)
        return f"agreement {self.label} {verb} (effect on log trade {effect})" + (
            f" [{defined}]" if defined else ""
        )


@dataclass(frozen=True)
class CostChange:
    """A percentage change in the trade costs t_ij of the pairs between side A and side B."""

    side_a: tuple[str, ...]
    side_b: tuple[str, ...] | None
    percent: float
    groups: GroupTable = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_table(self.groups))

    def apply(
        self, baseline: Baseline, costs: np.ndarray, sigma: float
    ) -> tuple[np.ndarray, list[str]]:
        """New t_ij^(1-σ): multiplied by (1 + percent/100)^(1-σ) on the pairs."""
        if not (np.isfinite(self.percent) and self.percent > -100):
            raise InputError(f"trade-cost change must be > -100 %, got {self.percent!r}")
        label = "+".join(self.side_a) + ("–" + "+".join(self.side_b) if self.side_b else "")
        mask, notes = _pairs(
            baseline, self.side_a, self.side_b, f"cost change {label}", self.groups
        )
        out = costs.copy()
        out[mask] *= (1.0 + self.percent / 100.0) ** (1.0 - sigma)
        return out, notes

    def __str__(self) -> str:
        b = "–" + "+".join(self.side_b) if self.side_b else ""
        return f"trade costs {'+'.join(self.side_a)}{b} change {self.percent:+g} %"


def _positive(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    v = float(value)
    if not (np.isfinite(v) and v > 0):
        raise InputError(f"{what} must be a distance > 0 km, got {value!r}")
    return v


@dataclass(frozen=True)
class DistanceChange:
    """A change in the effective distance between side A and side B (a new route), maybe seasonal.

    The distance ratio d'/d is ``1 + percent/100``, or ``new_km / current_km`` (the route's own
    distances, e.g. by sea via Suez and via the Northern Sea Route), or ``new_km`` over each
    pair's GeoDist distance (``baseline.distances``) when ``current_km`` is not given. With δ the
    distance elasticity of trade (< 0, the PPML coefficient on ln distance) and s the share of
    the year the route is usable, the trade-cost term becomes

        T'_ij = T_ij · (s · (d'/d)^δ + (1 − s))          (T = t^(1-σ))

    i.e. trade in the usable part of the year responds as to the shorter distance, and in the
    rest as before; annual flows are the sum over the year, so the index is the average.
    """

    side_a: tuple[str, ...]
    side_b: tuple[str, ...] | None
    percent: float | None = None
    new_km: float | None = None
    current_km: float | None = None
    usable_share: float = 1.0
    elasticity: float | None = None  # δ; None: the scenario's (estimated or supplied)
    route: str | None = None  # the route's id in a route table, for labels
    groups: GroupTable = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_table(self.groups))
        what = f"distance change {self.label}"
        if (self.percent is None) == (self.new_km is None):
            raise InputError(
                f"{what}: give either percent (e.g. -30) or new_km (a distance), not both"
            )
        if self.percent is not None:
            pct = float(self.percent)
            if not (np.isfinite(pct) and pct > -100):
                raise InputError(
                    f"{what}: distance change must be > -100 % (a distance stays > 0), got "
                    f"{self.percent!r}"
                )
            object.__setattr__(self, "percent", pct)
            if self.current_km is not None:
                raise InputError(f"{what}: current_km goes with new_km, not with percent")
        object.__setattr__(self, "new_km", _positive(self.new_km, f"{what}: new_km"))
        object.__setattr__(self, "current_km", _positive(self.current_km, f"{what}: current_km"))
        share = float(self.usable_share)
        if not (np.isfinite(share) and 0.0 <= share <= 1.0):
            raise InputError(
                f"{what}: usable_share is the share of the year the route can be used and must "
                f"be in [0, 1] (e.g. 4/12 = 0.333 for four months), got {self.usable_share!r}"
            )
        object.__setattr__(self, "usable_share", share)
        if self.elasticity is not None and not np.isfinite(self.elasticity):
            raise InputError(
                f"{what}: distance elasticity must be a number, got {self.elasticity!r}"
            )

    @property
    def label(self) -> str:
        """The route id, or 'A–B'."""
        if self.route:
            return self.route
        b = "–" + "+".join(self.side_b) if self.side_b else ""
        return "+".join(self.side_a) + b

    @property
    def ratio(self) -> float | None:
        """d'/d when it is the same for every pair (percent, or new_km with current_km)."""
        if self.percent is not None:
            return 1.0 + self.percent / 100.0
        if self.current_km is not None:
            return float(self.new_km) / self.current_km  # type: ignore[arg-type]
        return None  # per pair, from GeoDist

    def cost_factor(self, ratio: float | np.ndarray, elasticity: float) -> float | np.ndarray:
        """T'/T = s·(d'/d)^δ + (1 − s) for a distance ratio d'/d."""
        s = self.usable_share
        return s * np.power(ratio, elasticity) + (1.0 - s)

    def equivalent_cost_percent(self, sigma: float, elasticity: float | None = None) -> float:
        """The % change in t_ij with the same effect: ((T'/T)^(1/(1-σ)) − 1)·100."""
        delta = self.elasticity if elasticity is None else elasticity
        if self.ratio is None or delta is None:
            raise InputError(
                f"distance change {self.label}: the equivalent cost change needs a common "
                "distance ratio (percent or current_km) and a distance elasticity"
            )
        return (float(self.cost_factor(self.ratio, delta)) ** (1.0 / (1.0 - sigma)) - 1.0) * 100

    def apply(
        self, baseline: Baseline, costs: np.ndarray, sigma: float
    ) -> tuple[np.ndarray, list[str]]:
        """New t_ij^(1-σ): multiplied by s·(d'/d)^δ + (1 − s) on the pairs."""
        delta = self.elasticity
        if delta is None or not np.isfinite(delta):
            raise InputError(
                f"distance change {self.label}: the distance elasticity is not set; give "
                "distance_elasticity (with its s.e.) or estimate it ([estimation] method = "
                "'geodist'), or run it in a Scenario"
            )
        mask, notes = _pairs(
            baseline, self.side_a, self.side_b, f"distance change {self.label}", self.groups
        )
        out = costs.copy()
        if self.ratio is not None:
            factor = float(self.cost_factor(self.ratio, delta))
            out[mask] *= factor
            notes.append(
                f"distance change {self.label}: d'/d = {self.ratio:.4f} for "
                f"{self.usable_share:.3g} of the year, δ = {delta:.4f} → t^(1-σ) × {factor:.5f}, "
                f"i.e. trade costs {self.equivalent_cost_percent(sigma, delta):+.3f} % at "
                f"σ = {sigma:g} ({int(mask.sum())} directed pairs)"
            )
            return out, notes
        if baseline.distances is None:
            raise InputError(
                f"distance change {self.label}: new_km = {self.new_km:g} without current_km "
                "needs each pair's distance (GeoDist): give current_km, or a baseline with "
                "distances (scenarios read them from the store)"
            )
        d = baseline.distances[mask]
        if not np.all(np.isfinite(d) & (d > 0)):
            k = np.argwhere(mask & ~(np.isfinite(baseline.distances) & (baseline.distances > 0)))[0]
            c = baseline.countries
            raise InputError(
                f"distance change {self.label}: no GeoDist distance for {c[k[0]]}→{c[k[1]]}; "
                "give current_km or leave that country out"
            )
        ratio = float(self.new_km) / d  # type: ignore[arg-type]
        out[mask] *= self.cost_factor(ratio, delta)
        notes.append(
            f"distance change {self.label}: new effective distance {self.new_km:,.0f} km against "
            f"each pair's GeoDist distance (d'/d {ratio.min():.3f}–{ratio.max():.3f}) for "
            f"{self.usable_share:.3g} of the year, δ = {delta:.4f}"
        )
        if (ratio > 1).any():
            notes.append(
                f"distance change {self.label}: {int((ratio > 1).sum())} directed pairs are "
                "closer than new_km in GeoDist, so their distance rises"
            )
        return out, notes

    def __str__(self) -> str:
        if self.percent is not None:
            what = f"{self.percent:+g} %"
        elif self.current_km is not None:
            what = (
                f"{self.current_km:,.0f} → {self.new_km:,.0f} km ({(self.ratio - 1) * 100:+.1f} %)"  # type: ignore[operator]
            )
        else:
            what = f"to {self.new_km:,.0f} km (against GeoDist)"
        sides = "+".join(self.side_a) + ("–" + "+".join(self.side_b) if self.side_b else "")
        season = f", usable {self.usable_share:.3g} of the year" if self.usable_share < 1 else ""
        delta = "to be set" if self.elasticity is None else f"{self.elasticity:.4f}"
        name = f"route {self.route} ({sides})" if self.route else sides
        return f"distance {name} {what}{season}; distance elasticity δ {delta}"


@dataclass(frozen=True)
class TechnologyChange:
    """A change in the productivity of the economies of side A (ge_gravity's ``a_hat``).

    ``percent`` is the change in productivity â − 1 (in %): the same endowment makes
    â times as much of the country's good, so its factory-gate price is w/â for income w per
    unit of endowment. In the trade equations the supply term (β_i p_i)^(1-σ) is multiplied by
    â^(σ-1) = â^θ, which is what ge_gravity's ``a_hat`` variable holds. Trade costs do not move.
    """

    side_a: tuple[str, ...]
    percent: float
    groups: GroupTable = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_table(self.groups))
        try:
            pct = float(self.percent)
        except (TypeError, ValueError):
            raise InputError(
                f"technology change must be a number (%), got {self.percent!r}"
            ) from None
        if not (np.isfinite(pct) and pct > -100):
            raise InputError(
                f"technology change {self.label}: productivity change must be > -100 %, "
                f"got {self.percent!r}"
            )
        object.__setattr__(self, "percent", pct)

    @property
    def label(self) -> str:
        """The economies, e.g. 'CHN' or 'EU'."""
        return "+".join(self.side_a)

    def factors(self, baseline: Baseline) -> tuple[np.ndarray, list[str]]:
        """â per baseline country (1 for those not named), and notes."""
        a, _, notes = sides(
            baseline, self.side_a, None, f"technology change {self.label}", self.groups
        )
        if not a:
            raise InputError(
                f"technology change {self.label}: no economy of the baseline is affected"
            )
        hit = np.array([c in a for c in baseline.countries])
        return np.where(hit, 1.0 + self.percent / 100.0, 1.0), notes

    def __str__(self) -> str:
        defined = "; ".join(f"{k} = {', '.join(v)}" for k, v in self.groups)
        return f"productivity of {self.label} changes {self.percent:+g} %" + (
            f" [{defined}]" if defined else ""
        )


Shock = AgreementChange | CostChange | DistanceChange | TechnologyChange


def technology(baseline: Baseline, shocks: Iterable[Shock]) -> tuple[np.ndarray | None, list[str]]:
    """Productivity changes â by country from the technology shocks (None if there are none).

    Several shocks on one economy multiply.
    """
    out: np.ndarray | None = None
    notes: list[str] = []
    for shock in shocks:
        if isinstance(shock, TechnologyChange):
            f, more = shock.factors(baseline)
            out = f if out is None else out * f
            notes += more
    return out, notes


def with_effect(shocks: Iterable[Shock], effect: float) -> list[Shock]:
    """The shocks with ``effect`` set on agreement shocks that have none of their own."""
    return [
        replace(s, effect=effect) if isinstance(s, AgreementChange) and s.effect is None else s
        for s in shocks
    ]


def with_elasticity(shocks: Iterable[Shock], elasticity: float) -> list[Shock]:
    """The shocks with δ set on distance shocks that have none of their own."""
    return [
        replace(s, elasticity=elasticity)
        if isinstance(s, DistanceChange) and s.elasticity is None
        else s
        for s in shocks
    ]


def with_parameters(
    shocks: Iterable[Shock], effect: float | None, elasticity: float | None
) -> list[Shock]:
    """Set the scenario's agreement effect and distance elasticity on shocks that take them."""
    out = list(shocks)
    if effect is not None:
        out = with_effect(out, effect)
    if elasticity is not None:
        out = with_elasticity(out, elasticity)
    return out

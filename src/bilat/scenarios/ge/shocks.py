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


def _pairs(
    baseline: Baseline,
    side_a: Iterable[str],
    side_b: Iterable[str] | None,
    what: str,
    groups: GroupTable = (),
) -> tuple[np.ndarray, list[str]]:
    """Boolean N×N mask of directed pairs between side A and side B (or within A)."""
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


Shock = AgreementChange | CostChange


def with_effect(shocks: Iterable[Shock], effect: float) -> list[Shock]:
    """The shocks with ``effect`` set on agreement shocks that have none of their own."""
    return [
        replace(s, effect=effect) if isinstance(s, AgreementChange) and s.effect is None else s
        for s in shocks
    ]

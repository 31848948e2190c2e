"""Counterfactual changes in trade costs: agreements formed or ended, percentage cost changes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bilat.errors import InputError, UnknownCodeError
from bilat.scenarios.ge.baseline import Baseline

AgreementAction = Literal["form", "end"]

# Used only until bilat.reference.groups lands; members as of the year given.
_FALLBACK_GROUPS: dict[str, tuple[tuple[int, int, frozenset[str]], ...]] = {
    "EAEU": (
        (2015, 2015, frozenset({"RUS", "KAZ", "BLR", "ARM"})),
        (2015, 9999, frozenset({"RUS", "KAZ", "BLR", "ARM", "KGZ"})),
    ),
    "NAFTA": ((1994, 9999, frozenset({"USA", "CAN", "MEX"})),),
    "USMCA": ((2020, 9999, frozenset({"USA", "CAN", "MEX"})),),
}


def members(name: str, year: int | None, countries: tuple[str, ...]) -> frozenset[str]:
    """ISO3 codes a scenario name stands for: a country of the baseline, or a group's members."""
    code = name.strip().upper()
    if code in countries:
        return frozenset({code})
    try:  # the shared reference layer, when present
        from bilat.reference import groups as _groups  # type: ignore[attr-defined]

        return frozenset(_groups.members(code, year if year is not None else 9999))
    except ImportError:
        pass
    except Exception as exc:  # an unknown group there: fall through to our own message
        if not isinstance(exc, LookupError):
            raise
    for lo, hi, mem in _FALLBACK_GROUPS.get(code, ()):
        if year is None or lo <= year <= hi:
            return mem
    if code in _FALLBACK_GROUPS:
        return _FALLBACK_GROUPS[code][-1][2]
    choices = list(countries) + list(_FALLBACK_GROUPS)
    raise UnknownCodeError(
        "country or group",
        name,
        difflib.get_close_matches(code, choices, n=3, cutoff=0.5),
        where="scenario",
    )


def _pairs(
    baseline: Baseline, side_a: Iterable[str], side_b: Iterable[str] | None, what: str
) -> tuple[np.ndarray, list[str]]:
    """Boolean N×N mask of directed pairs between side A and side B (or within A)."""
    year = baseline.year
    a: set[str] = set()
    for name in side_a:
        a |= members(name, year, baseline.countries)
    b: set[str] = set()
    for name in side_b or ():
        b |= members(name, year, baseline.countries)
    notes = []
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
    effect: float
    action: AgreementAction = "form"

    def apply(self, baseline: Baseline, costs: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """New t_ij^(1-σ) and notes."""
        if self.action not in ("form", "end"):
            raise InputError(f"agreement action must be 'form' or 'end', got {self.action!r}")
        if not np.isfinite(self.effect):
            raise InputError(f"agreement effect must be a number, got {self.effect!r}")
        mask, notes = _pairs(baseline, self.side_a, self.side_b, f"agreement {self.label}")
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
        return f"agreement {self.label} {verb} (effect on log trade {self.effect:+.4f})"


@dataclass(frozen=True)
class CostChange:
    """A percentage change in the trade costs t_ij of the pairs between side A and side B."""

    side_a: tuple[str, ...]
    side_b: tuple[str, ...] | None
    percent: float

    def apply(
        self, baseline: Baseline, costs: np.ndarray, sigma: float
    ) -> tuple[np.ndarray, list[str]]:
        """New t_ij^(1-σ): multiplied by (1 + percent/100)^(1-σ) on the pairs."""
        if not (np.isfinite(self.percent) and self.percent > -100):
            raise InputError(f"trade-cost change must be > -100 %, got {self.percent!r}")
        label = "+".join(self.side_a) + ("–" + "+".join(self.side_b) if self.side_b else "")
        mask, notes = _pairs(baseline, self.side_a, self.side_b, f"cost change {label}")
        out = costs.copy()
        out[mask] *= (1.0 + self.percent / 100.0) ** (1.0 - sigma)
        return out, notes

    def __str__(self) -> str:
        b = "–" + "+".join(self.side_b) if self.side_b else ""
        return f"trade costs {'+'.join(self.side_a)}{b} change {self.percent:+g} %"


Shock = AgreementChange | CostChange

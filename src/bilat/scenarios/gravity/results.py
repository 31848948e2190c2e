"""The result of a PPML gravity estimation: coefficients, sample, separation; frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd


@dataclass(frozen=True, eq=False)
class GravityResult:
    """A fitted PPML gravity model (pyfixest ``fepois``) with what was dropped and why."""

    formula: str
    coefficients: pd.DataFrame  # index term; estimate, std_error, z, p_value, ci_low, ci_high
    nobs: int
    n_input: int
    separated: pd.DataFrame  # rows dropped as separated (exporter, importer, year where known)
    n_dropped_other: int  # missing values and singletons
    vcov: str
    model: Any = field(repr=False)
    notes: tuple[str, ...] = ()

    def coef(self, term: str) -> float:
        """Point estimate of one term (log points)."""
        return float(self.coefficients.loc[term, "estimate"])

    def se(self, term: str) -> float:
        """Standard error of one term."""
        return float(self.coefficients.loc[term, "std_error"])

    @cached_property
    def vcov_matrix(self) -> pd.DataFrame:
        """Variance-covariance matrix of the coefficients (as clustered)."""
        names = list(self.coefficients.index)
        return pd.DataFrame(self.model._vcov, index=names, columns=names)

    @cached_property
    def fixed_effects(self) -> dict[str, pd.Series]:
        """Estimated fixed effects by factor (pyfixest's normalisation), computed on demand."""
        raw = self.model.fixef()
        return {k: pd.Series(v, name=k) for k, v in raw.items()}

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table with the term as a column."""
        return self.coefficients.reset_index()

    def summary(self) -> str:
        """Regression table as text, with sample and separation."""
        lines = [
            f"PPML gravity: {self.formula}",
            f"  observations: {self.nobs:,} used of {self.n_input:,}; "
            f"{len(self.separated):,} dropped as separated, {self.n_dropped_other:,} other "
            "(missing values, singleton fixed effects)",
            f"  standard errors: {self.vcov}",
            *[f"  note: {n}" for n in self.notes],
            "",
            self.coefficients.round(6).to_string(),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        terms = ", ".join(
            f"{t}={r.estimate:.4f} ({r.std_error:.4f})" for t, r in self.coefficients.iterrows()
        )
        return f"<GravityResult {terms}; N={self.nobs:,}, separated={len(self.separated):,}>"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        head = self.summary().split("\n\n")[0].splitlines()
        coefs = table(self.coefficients.reset_index(), raw=True)
        return fragment(Section(head[0] if head else "", [coefs], intro=head[1:]))

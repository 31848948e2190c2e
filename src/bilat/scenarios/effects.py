"""The agreement effect a scenario uses: the book's, one supplied, or one estimated from data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError
from bilat.scenarios.gravity import GravityResult, build_panel, estimate
from bilat.scenarios.inputs import available_years, read_inputs

if TYPE_CHECKING:
    from bilat.store import Store

EffectOrigin = Literal["book", "supplied", "estimated"]
EstimationMethod = Literal["pair", "geodist"]

# PPML formulas in pyfixest syntax. "pair": the book's preferred specification (ch. 1 app. 3),
# time-invariant costs absorbed by pair fixed effects; "geodist": GeoDist covariates instead,
# which also gives the distance elasticity; intl is the international-border dummy.
FORMULAS: dict[str, str] = {
    "pair": "trade ~ rta | exp_year + imp_year + pair",
    "geodist": "trade ~ ln_dist + contig + comlang_off + colony + intl + rta | exp_year + imp_year",
}


@dataclass(frozen=True, eq=False)
class AgreementEffect:
    """The partial effect of a trade agreement on log trade, its s.e., and where it came from."""

    value: float
    std_error: float | None
    origin: EffectOrigin
    description: str
    fit: GravityResult | None = None
    # what a pairs bootstrap needs to re-estimate it: the estimation sample, the coefficient's
    # name and the cluster variable (set when bilat estimated it)
    sample: pd.DataFrame | None = None
    term: str = "rta"
    cluster: str | None = "pair_id"

    @property
    def distance_elasticity(self) -> float | None:
        """Estimated elasticity of trade to distance (geodist method only)."""
        if self.fit is None or "ln_dist" not in self.fit.coefficients.index:
            return None
        return self.fit.coef("ln_dist")

    def to_frame(self) -> pd.DataFrame:
        """The effect as one row (term, estimate, std_error, origin), then any fitted terms."""
        row = pd.DataFrame(
            [
                {
                    "term": "agreement effect",
                    "estimate": self.value,
                    "std_error": self.std_error,
                    "origin": self.origin,
                    "description": self.description,
                }
            ]
        )
        if self.fit is None:
            return row
        return pd.concat([row, self.fit.to_frame().assign(origin="estimated")], ignore_index=True)

    def __str__(self) -> str:
        se = f", s.e. {self.std_error:.4f}" if self.std_error is not None else ""
        return (
            f"agreement effect {self.value:.6f} (log points{se}); {self.origin}: {self.description}"
        )

    def __repr__(self) -> str:
        return f"<AgreementEffect {self.value:.4f} ({self.origin})>"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        return fragment(Section(str(self), []))


# Yotov et al. (2016), ch. 1 app. 3, pair fixed effects: the book prints 0.557 (0.102), Stata
# ppmlhdfe clustered by pair; bilat reproduces 0.557185 (0.1022) with ppmlhdfe's small-sample
# convention (tests/scenarios/test_book_replication.py).
BOOK_EFFECT = AgreementEffect(
    value=0.557185,
    std_error=0.102,
    origin="book",
    description="Yotov et al. (2016), ch. 1 app. 3: PPML with exporter-year, importer-year and "
    "pair fixed effects, 69 countries, manufacturing, 1986–2006; s.e. 0.102 clustered by pair "
    "(Stata ppmlhdfe)",
)


def supplied(value: float, std_error: float | None = None, what: str = "") -> AgreementEffect:
    """An effect the user gives (log points), optionally with its standard error."""
    if not np.isfinite(value):
        raise InputError(f"agreement effect must be a number (log points), got {value!r}")
    if std_error is not None and not (np.isfinite(std_error) and std_error >= 0):
        raise InputError(f"agreement effect s.e. must be ≥ 0, got {std_error!r}")
    return AgreementEffect(float(value), std_error, "supplied", what or "given by the user")


@dataclass(frozen=True)
class EstimationSpec:
    """How to estimate the agreement effect on the store's all-pairs flows.

    ``years`` default: the ``periods`` years every ``every`` years ending at the baseline year
    (the literature uses 4-year intervals). ``countries`` restricts the sample (ISO3 codes).
    """

    method: EstimationMethod = "pair"
    years: tuple[int, ...] | None = None
    every: int = 4
    periods: int = 4
    countries: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.method not in get_args(EstimationMethod):
            raise InputError(
                f"estimation method must be one of {', '.join(get_args(EstimationMethod))}, "
                f"got {self.method!r}"
            )
        if self.every < 1 or self.periods < 2:
            raise InputError("estimation needs every ≥ 1 and periods ≥ 2 (a panel of years)")
        if self.years is not None and self.method == "pair" and len(set(self.years)) < 2:
            raise InputError(
                f"estimation method 'pair' needs at least two years, got {list(self.years)}: "
                "with pair fixed effects the agreement effect is identified only from changes "
                "within pairs over time; give two or more years (e.g. --years 2012,2016 or "
                "years = [2012, 2016]), or use method 'geodist' for one cross-section"
            )

    def years_for(self, held: Sequence[int], last: int) -> list[int]:
        """The estimation years among those ``held`` by the store."""
        wanted = self.years or tuple(last - self.every * k for k in range(self.periods))
        years = sorted(set(wanted) & set(held))
        if self.method == "pair" and len(years) == 1:
            raise NoDataError(
                f"estimation method 'pair' needs at least two years; of {sorted(wanted)} the "
                f"store's flows hold only {years[0]} (held: {held[0]}–{held[-1]}, "
                f"{len(held)} years); set [estimation] years = [...] to two held years"
            )
        if not years:
            raise NoDataError(
                f"estimation years {sorted(wanted)} not in the store's flows "
                f"(held: {held[0] if held else '-'}–{held[-1] if held else '-'}); "
                "set [estimation] years = [...]"
            )
        return years


# Estimates already made in this process, by store content (source-file checksums) and spec:
# a route scenario and an agreement scenario on the same store share one PPML fit.
_FITS: dict[tuple[object, ...], AgreementEffect] = {}
_MAX_FITS = 8


def estimate_effect_cached(
    store: Store,
    spec: EstimationSpec,
    *,
    year: int,
    source: str = "penppml",
    exports_exceed_gdp: Literal["floor", "drop"] = "floor",
) -> AgreementEffect:
    """:func:`estimate_effect`, reusing a fit of the same store content, spec, year and source."""
    key = (
        str(store.root),
        tuple(sorted(store.manifest.files)),
        spec,
        int(year),
        source,
        exports_exceed_gdp,
    )
    if key not in _FITS:
        if len(_FITS) >= _MAX_FITS:
            _FITS.pop(next(iter(_FITS)))
        _FITS[key] = estimate_effect(
            store, spec, year=year, source=source, exports_exceed_gdp=exports_exceed_gdp
        )
    return _FITS[key]


@dataclass(frozen=True, eq=False)
class DistanceElasticity:
    """The elasticity δ of trade to distance (PPML coefficient on ln distance, < 0) and its s.e."""

    value: float
    std_error: float | None
    origin: Literal["supplied", "estimated"]
    description: str
    # covariance with the agreement effect when both come from one fit (joint Monte Carlo draws)
    covariance_with_effect: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """The elasticity as one row (term, estimate, std_error, origin, description)."""
        return pd.DataFrame(
            [
                {
                    "term": "distance elasticity",
                    "estimate": self.value,
                    "std_error": self.std_error,
                    "origin": self.origin,
                    "description": self.description,
                }
            ]
        )

    def __str__(self) -> str:
        se = f", s.e. {self.std_error:.4f}" if self.std_error is not None else ""
        return f"distance elasticity of trade δ = {self.value:.4f}{se}; {self.origin}: " + (
            self.description
        )

    def __repr__(self) -> str:
        return f"<DistanceElasticity {self.value:.4f} ({self.origin})>"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        return fragment(Section(str(self), []))


def supplied_elasticity(
    value: float, std_error: float | None = None, what: str = ""
) -> DistanceElasticity:
    """A distance elasticity the user gives (< 0, e.g. −0.9), optionally with its s.e."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"distance elasticity must be a number, got {value!r}") from None
    if not np.isfinite(v) or v >= 0:
        raise InputError(
            f"distance elasticity of trade must be < 0 (the PPML coefficient on ln distance, "
            f"e.g. -0.9), got {value!r}"
        )
    if std_error is not None and not (np.isfinite(std_error) and std_error >= 0):
        raise InputError(f"distance elasticity s.e. must be ≥ 0, got {std_error!r}")
    return DistanceElasticity(v, std_error, "supplied", what or "given by the user")


def elasticity_from(effect: AgreementEffect) -> DistanceElasticity:
    """The distance elasticity of a GeoDist (``geodist``) estimation, with its covariance."""
    fit = effect.fit
    if fit is None or "ln_dist" not in fit.coefficients.index:
        raise InputError(
            "this estimate has no distance term: estimate with method 'geodist' (GeoDist "
            "covariates) or supply distance_elasticity"
        )
    cov = None
    if "rta" in fit.coefficients.index:
        cov = float(fit.vcov_matrix.loc["ln_dist", "rta"])
    return DistanceElasticity(
        value=fit.coef("ln_dist"),
        std_error=fit.se("ln_dist"),
        origin="estimated",
        description=effect.description,
        covariance_with_effect=cov,
    )


def estimate_effect(
    store: Store,
    spec: EstimationSpec,
    *,
    year: int,
    source: str = "penppml",
    exports_exceed_gdp: Literal["floor", "drop"] = "floor",
) -> AgreementEffect:
    """Estimate the agreement effect by PPML (pyfixest) on the store's flows; s.e. by pair."""
    years = spec.years_for(available_years(store, source), year)
    inputs = read_inputs(store, years, source=source, distances=spec.method == "geodist")
    panel = build_panel(
        inputs.flows,
        agreements=inputs.agreements,
        macro=inputs.gdp,
        distances=inputs.distances,
        # the book's panel has its own domestic sales; the all-pairs flows need GDP
        internal="data" if inputs.home_trade else "gdp",
        need=("rta", "dist") if spec.method == "geodist" else ("rta",),
        exports_exceed_gdp=exports_exceed_gdp,
    )
    data = panel.data
    if spec.countries:
        # restrict after building: home trade stays GDP minus exports to *all* partners
        keep = set(spec.countries)
        data = data[data["exporter"].isin(keep) & data["importer"].isin(keep)]
    fit = estimate(data, FORMULAS[spec.method], cluster="pair_id")
    sample = f"{data['exporter'].nunique()} economies" + (" (restricted)" if spec.countries else "")
    parts = [
        f"estimated here: PPML {FORMULAS[spec.method]!r} on {source} "
        f"({', '.join(inputs.releases)}) flows, {sample}, years {', '.join(map(str, years))}, "
        f"{fit.nobs:,} observations, s.e. clustered by pair",
    ]
    if "ln_dist" in fit.coefficients.index:
        parts.append(
            f"distance elasticity {fit.coef('ln_dist'):.4f} (s.e. {fit.se('ln_dist'):.4f})"
        )
    if len(fit.separated):
        parts.append(f"{len(fit.separated):,} separated observations dropped")
    parts += [n for n in panel.notes if n.startswith("intranational")]
    return AgreementEffect(
        value=fit.coef("rta"),
        std_error=fit.se("rta"),
        origin="estimated",
        description="; ".join(parts),
        fit=fit,
        sample=data,
        term="rta",
        cluster="pair_id",
    )

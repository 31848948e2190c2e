"""Policy scenarios: structural gravity estimation and general-equilibrium counterfactuals."""

from bilat.scenarios.effects import (
    AgreementEffect,
    DistanceElasticity,
    EstimationSpec,
    estimate_effect,
    supplied_elasticity,
)
from bilat.scenarios.ge import (
    AgreementChange,
    Baseline,
    CostChange,
    DistanceChange,
    GEResult,
    simulate,
)
from bilat.scenarios.gravity import GravityResult, build_panel, estimate
from bilat.scenarios.result import ScenarioResult
from bilat.scenarios.routes import Route, all_routes, read_routes
from bilat.scenarios.scenario import Scenario, baseline_for, load, run
from bilat.scenarios.uncertainty import Uncertainty, UncertaintySpec, monte_carlo

__all__ = [
    "AgreementChange",
    "AgreementEffect",
    "Baseline",
    "CostChange",
    "DistanceChange",
    "DistanceElasticity",
    "EstimationSpec",
    "GEResult",
    "GravityResult",
    "Route",
    "Scenario",
    "ScenarioResult",
    "Uncertainty",
    "UncertaintySpec",
    "all_routes",
    "baseline_for",
    "build_panel",
    "estimate",
    "estimate_effect",
    "load",
    "monte_carlo",
    "read_routes",
    "run",
    "simulate",
    "supplied_elasticity",
]

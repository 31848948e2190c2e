"""Policy scenarios: structural gravity estimation and general-equilibrium counterfactuals."""

from bilat.scenarios.effects import AgreementEffect, EstimationSpec, estimate_effect
from bilat.scenarios.ge import AgreementChange, Baseline, CostChange, GEResult, simulate
from bilat.scenarios.gravity import GravityResult, build_panel, estimate
from bilat.scenarios.result import ScenarioResult
from bilat.scenarios.scenario import Scenario, baseline_for, load, run
from bilat.scenarios.uncertainty import Uncertainty, UncertaintySpec, monte_carlo

__all__ = [
    "AgreementChange",
    "AgreementEffect",
    "Baseline",
    "CostChange",
    "EstimationSpec",
    "GEResult",
    "GravityResult",
    "Scenario",
    "ScenarioResult",
    "Uncertainty",
    "UncertaintySpec",
    "baseline_for",
    "build_panel",
    "estimate",
    "estimate_effect",
    "load",
    "monte_carlo",
    "run",
    "simulate",
]

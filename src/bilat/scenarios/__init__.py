"""Policy scenarios: structural gravity estimation and general-equilibrium counterfactuals."""

from bilat.scenarios.ge import AgreementChange, Baseline, CostChange, GEResult, simulate
from bilat.scenarios.gravity import GravityResult, build_panel, estimate
from bilat.scenarios.scenario import Scenario, load, run

__all__ = [
    "AgreementChange",
    "Baseline",
    "CostChange",
    "GEResult",
    "GravityResult",
    "Scenario",
    "build_panel",
    "estimate",
    "load",
    "run",
    "simulate",
]

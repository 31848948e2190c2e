"""Structural gravity: panels, PPML estimation, trade costs for general equilibrium."""

from bilat.scenarios.gravity.costs import two_stage_costs
from bilat.scenarios.gravity.estimate import DEFAULT_FORMULA, EstimationOptions, estimate
from bilat.scenarios.gravity.panel import (
    GravityPanel,
    add_identifiers,
    add_internal_trade,
    build_panel,
)
from bilat.scenarios.gravity.results import GravityResult

__all__ = [
    "DEFAULT_FORMULA",
    "EstimationOptions",
    "GravityPanel",
    "GravityResult",
    "add_identifiers",
    "add_internal_trade",
    "build_panel",
    "estimate",
    "two_stage_costs",
]

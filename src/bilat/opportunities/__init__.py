"""Export opportunities: products where one country could sell more to another (issue 9).

``opportunities(store, "KOR", "RUS", year=2016, level="hs2")`` ranks products by untapped
potential = demand of the market × the exporter's world market share × ease of trade − actual
exports; ``docs/opportunities.md`` gives the method and how it differs from the ITC's.
"""

from __future__ import annotations

from bilat.opportunities.inputs import Context, Ease, Input
from bilat.opportunities.potential import opportunities
from bilat.opportunities.results import OpportunitiesResult

__all__ = ["Context", "Ease", "Input", "OpportunitiesResult", "opportunities"]

"""The result of running a scenario: GE effects, the agreement effect used, optional intervals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from bilat.render.tables import table_text
from bilat.scenarios.effects import AgreementEffect, DistanceElasticity
from bilat.scenarios.ge import GEResult
from bilat.scenarios.ge.results import COUNTRY_COLUMNS, WELFARE_TEXT
from bilat.scenarios.ge.shocks import DistanceChange, sides
from bilat.scenarios.uncertainty import Uncertainty

if TYPE_CHECKING:
    from bilat.scenarios.ge import Baseline
    from bilat.scenarios.scenario import Scenario


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """A solved scenario: per-country and focus-pair effects (percent) with every assumption."""

    scenario: Scenario
    ge: GEResult
    effect: AgreementEffect | None  # None when no agreement shock needs one
    uncertainty: Uncertainty | None = None
    elasticity: DistanceElasticity | None = None  # δ, when a distance shock needs one

    @property
    def countries(self) -> pd.DataFrame:
        """Per-country effects (percent) by ISO3, with interval columns when drawn."""
        c = self.ge.countries
        if self.uncertainty is None:
            return c
        return c.join(self.uncertainty.countries)

    @property
    def focus(self) -> pd.DataFrame | None:
        """The focus pair both ways and turnover (USD, percent), with intervals when drawn."""
        if self.scenario.focus is None:
            return None
        frame = self.ge.bilateral(*self.scenario.focus)
        if self.uncertainty is not None and len(self.uncertainty.pairs):
            frame = frame.join(self.uncertainty.pairs)
        return frame

    @property
    def routes(self) -> pd.DataFrame | None:
        """Trade between the sides of each distance shock (route): USD, %, intervals when drawn."""
        blocs = route_blocs(self.scenario, self.ge.baseline)
        if not blocs:
            return None
        frame = pd.concat([self.ge.between(ma, mb, (na, nb)) for na, ma, nb, mb in blocs])
        frame = frame[~frame.index.duplicated()]
        if self.uncertainty is not None and len(self.uncertainty.pairs):
            frame = frame.join(self.uncertainty.pairs)
        return frame

    @property
    def dropped(self) -> pd.DataFrame:
        """Economies of the data left out of the baseline, and why (economy, reason)."""
        return pd.DataFrame(list(self.ge.baseline.dropped), columns=["economy", "reason"])

    @property
    def left_out(self) -> pd.DataFrame:
        """Members of the shocks' groups (route sides, agreement members) not in the baseline:
        shock, group, economy, reason."""
        from bilat.scenarios.dropped import left_out

        return left_out(self.scenario, self.ge.baseline)

    @property
    def route_pairs(self) -> pd.DataFrame:
        """Every directed pair whose trade costs the shocks changed: USD and % changes."""
        f = self.ge.flows
        return f[f["trade_cost_term_pct"].abs() > 1e-12].reset_index(drop=True)

    @property
    def assumptions(self) -> list[str]:
        """Every assumption in words: σ, reference, data, effect, home trade, shocks, solver."""
        g, b = self.ge, self.ge.baseline
        out = [
            f"σ = {g.sigma:g}; reference country {b.reference} ({g.reference_role}); "
            f"baseline year {b.year}; {b.n} economies",
            *(f"shock: {s}" for s in g.shocks),
            *b.notes,
            *g.notes,
            *WELFARE_TEXT.values(),
        ]
        if self.uncertainty is not None:
            out.append(self.uncertainty.summary().splitlines()[0])
        return out

    def to_frame(self) -> pd.DataFrame:
        """Tidy long frame: country, measure, value (percent or USD), as GEResult.to_frame."""
        return self.countries.reset_index().melt(
            id_vars="country", var_name="measure", value_name="value"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: scenario, assumptions, effect, diagnostics, countries, focus."""
        g = self.ge
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "file": self.scenario.path,
            "sigma": g.sigma,
            "reference": g.baseline.reference,
            "year": g.baseline.year,
            "deficits": g.deficits,
            "normalisation": g.normalisation,
            "welfare": {k: COUNTRY_COLUMNS[k] for k in ("real_gdp_pct", "real_spending_pct")},
            "shocks": list(g.shocks),
            "assumptions": self.assumptions,
            "agreement_effect": None
            if self.effect is None
            else {
                "value": self.effect.value,
                "std_error": self.effect.std_error,
                "origin": self.effect.origin,
                "description": self.effect.description,
                "distance_elasticity": self.effect.distance_elasticity,
            },
            "distance_elasticity": None
            if self.elasticity is None
            else {
                "value": self.elasticity.value,
                "std_error": self.elasticity.std_error,
                "origin": self.elasticity.origin,
                "description": self.elasticity.description,
            },
            "diagnostics": g.diagnostics,
            "countries": json.loads(self.countries.reset_index().to_json(orient="records")),
        }
        if self.focus is not None:
            out["focus"] = json.loads(self.focus.reset_index().to_json(orient="records"))
        routes = self.routes
        if routes is not None:
            out["routes"] = json.loads(routes.reset_index().to_json(orient="records"))
        out["dropped"] = self.dropped.to_dict(orient="records")
        out["left_out"] = self.left_out.to_dict(orient="records")
        if self.uncertainty is not None:
            u = self.uncertainty
            out["uncertainty"] = {
                # "method" in words (as before); "draw_method" the choice: normal or bootstrap
                "method": (
                    f"pairs bootstrap: {u.drawn}"
                    if u.method == "bootstrap"
                    else f"monte carlo over {u.drawn}"
                ),
                "draw_method": u.method,
                "description": u.summary().splitlines()[0],
                "draws": u.spec.draws,
                "failed_draws": u.failed,
                "level": u.spec.level,
                "seed": u.spec.seed,
            }
        return out

    def summary(self, top: int = 15) -> str:
        """Text: assumptions, the countries most affected, then the focus pair."""
        text = self.ge.summary(top)
        if self.effect is not None and self.effect.fit is not None:
            text += "\n\n" + self.effect.fit.summary()
        if self.uncertainty is not None:
            c = self.countries
            order = c["real_gdp_pct"].abs().sort_values(ascending=False).index[:top]
            cols = [
                "real_gdp_pct",
                "real_gdp_pct_low",
                "real_gdp_pct_high",
                "real_spending_pct",
                "real_spending_pct_low",
                "real_spending_pct_high",
            ]
            text += (
                f"\n\n{self.uncertainty.summary().splitlines()[0]}\n"
                f"welfare (real output = real GDP, real spending), "
                f"{self.uncertainty.spec.level:.0%} interval:\n"
            )
            text += table_text(c.loc[order, cols])
        routes = self.routes
        if routes is not None:
            text += "\n\ntrade between the route's sides:\n" + table_text(routes)
        lost = self.left_out
        if len(lost):
            text += "\n\nnot in the baseline, though the shocks' groups name them:\n" + "\n".join(
                f"  {g}: {e} ({r})"
                for g, e, r in zip(lost["group"], lost["economy"], lost["reason"], strict=True)
            )
        if self.focus is not None:
            text += "\n\n" + table_text(self.focus)
        return text

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        eff = f", effect {self.effect.value:.4f} ({self.effect.origin})" if self.effect else ""
        if self.elasticity is not None:
            eff += f", δ {self.elasticity.value:.4f} ({self.elasticity.origin})"
        unc = (
            f", {self.uncertainty.spec.draws} {self.uncertainty.method} draws"
            if self.uncertainty
            else ""
        )
        return f"<ScenarioResult {self.scenario.name!s}: {self.ge.baseline.n} economies{eff}{unc}>"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        tables = []
        if self.routes is not None:
            tables.append(table(self.routes.reset_index(), caption="routes"))
        if self.focus is not None:
            tables.append(table(self.focus.reset_index(), caption="the focus pair"))
        c = self.countries
        order = c["real_gdp_pct"].abs().sort_values(ascending=False).index
        tables.append(table(c.loc[order].reset_index(), caption="by country"))
        return fragment(Section(str(self.scenario.name), tables, intro=list(self.assumptions)))


def route_blocs(
    scenario: Scenario, baseline: Baseline
) -> list[tuple[str, frozenset[str], str, frozenset[str] | None]]:
    """For each distance shock: (name A, members A, name B, members B) in the baseline."""
    out = []
    for s in scenario.shocks:
        if not isinstance(s, DistanceChange):
            continue
        a, b, _ = sides(baseline, s.side_a, s.side_b, s.label, s.groups)
        na = "+".join(s.side_a)
        nb = "+".join(s.side_b) if s.side_b else ""
        out.append((na, frozenset(a), nb, frozenset(b) if s.side_b else None))
    return list(dict.fromkeys(out))

"""The result of a general-equilibrium experiment: per-country and per-pair changes, frozen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from bilat.render.tables import table_text
from bilat.scenarios.ge.baseline import Baseline
from bilat.scenarios.ge.solve import Endowment, Resistances

# Columns of GEResult.countries, in the analyst's words (all in percent unless "USD").
COUNTRY_COLUMNS = {
    "exports_usd": "baseline international exports, USD (model)",
    "output_usd": "baseline output Y, USD",
    "exports_conditional_pct": "% change in exports, conditional GE (Y, E fixed)",
    "exports_full_pct": "% change in exports, full endowment GE",
    "output_pct": "% change in nominal output Y_i (income per unit of endowment), full GE",
    "producer_price_pct": "% change in producer (factory-gate) price of the good, full GE",
    "inward_mr_conditional_pct": "% change in inward resistance P_j, conditional GE",
    "inward_mr_full_pct": "% change in inward resistance P_j (consumer prices), full GE",
    "outward_mr_conditional_pct": "% change in outward resistance Π_i, conditional GE",
    "outward_mr_full_pct": "% change in outward resistance Π_i, full GE",
    "real_gdp_pct": "% change in welfare as real output: output over the consumer price index, "
    "Y_i/P_i (real GDP; ge_gravity's real wage), full GE",
    "real_spending_pct": "% change in welfare as real spending: spending over the consumer price "
    "index, E_i/P_i (ge_gravity's welfare with additive deficits), full GE",
}

# The two welfare measures in one line each (every output carries them).
WELFARE_TEXT = {
    "real_gdp_pct": "welfare as real output (real_gdp_pct): Y_i/P_i, output over the consumer "
    "price index",
    "real_spending_pct": "welfare as real spending (real_spending_pct): E_i/P_i, spending "
    "(output plus the trade deficit) over the consumer price index",
}


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    return (new / old - 1.0) * 100.0


@dataclass(frozen=True, eq=False)
class GEResult:
    """Conditional and full-endowment effects of a change in trade costs, per country and pair."""

    baseline: Baseline
    sigma: float
    new_trade_costs: np.ndarray
    base: Resistances
    conditional: Resistances
    full: Endowment
    description: str = ""
    shocks: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)
    technology: np.ndarray | None = None  # productivity changes â by country (None: none)

    @property
    def deficits(self) -> str:
        """How spending follows output in the full equilibrium: multiplicative or additive."""
        return self.full.deficits

    @property
    def normalisation(self) -> str:
        """What fixes the price level of the full equilibrium: reference or world_output."""
        return self.full.normalisation

    @property
    def reference_role(self) -> str:
        """What the reference country's price index does under this normalisation, in words."""
        if self.normalisation == "world_output":
            return (
                "inward resistance = 1 in the baseline and conditional GE; "
                "full GE: world output fixed"
            )
        return "inward resistance = 1"

    # -- flows in USD (model values) --------------------------------------------------------
    @cached_property
    def baseline_flows(self) -> np.ndarray:
        """Model baseline flows X_ij (USD); equal to the data when costs are calibrated."""
        b = self.baseline
        return np.outer(b.output / self.base.omr, b.expenditure / self.base.imr) * b.trade_costs

    @cached_property
    def conditional_flows(self) -> np.ndarray:
        """Flows with new costs and baseline output and expenditure (USD)."""
        b = self.baseline
        c = self.conditional
        return np.outer(b.output / c.omr, b.expenditure / c.imr) * self.new_trade_costs

    @cached_property
    def full_flows(self) -> np.ndarray:
        """Flows in the full-endowment equilibrium (USD in the units of :attr:`normalisation`).

        ``reference``: units of the reference country's consumer prices; ``world_output``:
        baseline world output is the unit of account (Σ_ij X_ij = Σ_i Y_i⁰).
        """
        f = self.full
        return np.outer(f.output / f.omr, f.expenditure / f.imr) * self.new_trade_costs

    # -- per-country table ------------------------------------------------------------------
    @cached_property
    def countries(self) -> pd.DataFrame:
        """Per-country effects (percent), indexed by ISO3 ``country``; see COUNTRY_COLUMNS."""
        b, s = self.baseline, self.sigma
        k = 1.0 / (1.0 - s)
        off = ~np.eye(b.n, dtype=bool)
        x0 = (self.baseline_flows * off).sum(axis=1)
        xc = (self.conditional_flows * off).sum(axis=1)
        xf = (self.full_flows * off).sum(axis=1)
        p0 = self.base.imr**k
        pf = self.full.imr**k
        frame = pd.DataFrame(
            {
                "exports_usd": x0,
                "output_usd": b.output,
                "exports_conditional_pct": _pct(xc, x0),
                "exports_full_pct": _pct(xf, x0),
                "output_pct": _pct(self.full.output, b.output),
                "producer_price_pct": (self.full.price - 1.0) * 100.0,
                "inward_mr_conditional_pct": _pct(self.conditional.imr**k, p0),
                "inward_mr_full_pct": _pct(pf, p0),
                "outward_mr_conditional_pct": _pct(self.conditional.omr**k, self.base.omr**k),
                "outward_mr_full_pct": _pct(self.full.omr**k, self.base.omr**k),
                "real_gdp_pct": _pct(self.full.output / pf, b.output / p0),
                "real_spending_pct": _pct(self.full.expenditure / pf, b.expenditure / p0),
            },
            index=pd.Index(b.countries, name="country"),
        )
        return frame

    def country(self, iso3: str) -> pd.Series:
        """One country's row of :attr:`countries`."""
        self.baseline.index(iso3)
        return self.countries.loc[iso3]

    # -- per-pair table ---------------------------------------------------------------------
    @cached_property
    def flows(self) -> pd.DataFrame:
        """Bilateral effects for every pair with trade: baseline USD and % changes."""
        b = self.baseline
        i, j = np.nonzero(self.baseline_flows > 0)
        x0 = self.baseline_flows[i, j]
        return pd.DataFrame(
            {
                "exporter": np.array(b.countries)[i],
                "importer": np.array(b.countries)[j],
                "baseline_usd": x0,
                "trade_cost_term_pct": _pct(self.new_trade_costs[i, j], b.trade_costs[i, j]),
                "conditional_pct": _pct(self.conditional_flows[i, j], x0),
                "full_pct": _pct(self.full_flows[i, j], x0),
            }
        )

    def pair(self, exporter: str, importer: str) -> pd.Series:
        """Effects on one directed flow exporter→importer."""
        i, j = self.baseline.index(exporter), self.baseline.index(importer)
        x0 = self.baseline_flows[i, j]
        return pd.Series(
            {
                "baseline_usd": x0,
                "conditional_pct": _pct(self.conditional_flows[i, j], x0),
                "full_pct": _pct(self.full_flows[i, j], x0),
            },
            name=f"{exporter}→{importer}",
        )

    def bilateral(self, a: str, b: str) -> pd.DataFrame:
        """Both directions of a pair and turnover: baseline USD, % change (conditional, full)."""
        rows = [self.pair(a, b), self.pair(b, a)]
        frame = pd.DataFrame(rows)
        total = frame["baseline_usd"].sum()
        cond = (frame["baseline_usd"] * (1 + frame["conditional_pct"] / 100)).sum()
        full = (frame["baseline_usd"] * (1 + frame["full_pct"] / 100)).sum()
        frame.loc[f"{a}↔{b} turnover"] = [total, _pct(cond, total), _pct(full, total)]
        frame.index.name = "flow"
        return frame

    def between(
        self,
        side_a: Iterable[str],
        side_b: Iterable[str] | None = None,
        names: tuple[str, str] | None = None,
    ) -> pd.DataFrame:
        """Trade between two sets of countries (ISO3): A→B, B→A and the total, USD and % changes.

        Without ``side_b``: trade among the members of A (one row). Intranational flows are
        never counted. ``names`` label the sides (default: the codes joined by '+').
        """
        pos = {c: k for k, c in enumerate(self.baseline.countries)}
        a = sorted(pos[c] for c in set(side_a) if c in pos)
        b = sorted(pos[c] for c in set(side_b) if c in pos) if side_b is not None else None
        na, nb = names or (
            "+".join(self.baseline.countries[k] for k in a),
            "+".join(self.baseline.countries[k] for k in b) if b is not None else "",
        )
        off = ~np.eye(self.baseline.n, dtype=bool)

        def block(rows: list[int], cols: list[int]) -> list[float]:
            idx = np.ix_(rows, cols)
            x0, xc, xf = (
                float((m * off)[idx].sum())
                for m in (self.baseline_flows, self.conditional_flows, self.full_flows)
            )
            if x0 <= 0:
                return [0.0, np.nan, np.nan]
            return [x0, (xc / x0 - 1) * 100, (xf / x0 - 1) * 100]

        if b is None:
            data = {f"within {na}": block(a, a)}
        else:
            ab, ba = block(a, b), block(b, a)
            # total = A→B + B→A only (trade within a side is not the pair's)
            x0 = ab[0] + ba[0]
            tot = [x0, np.nan, np.nan]
            if x0 > 0:
                for k in (1, 2):
                    new = ab[0] * (1 + np.nan_to_num(ab[k]) / 100) + ba[0] * (
                        1 + np.nan_to_num(ba[k]) / 100
                    )
                    tot[k] = (new / x0 - 1) * 100
            data = {f"{na}→{nb}": ab, f"{nb}→{na}": ba, f"{na}↔{nb} total": tot}
        frame = pd.DataFrame.from_dict(
            data, orient="index", columns=["baseline_usd", "conditional_pct", "full_pct"]
        )
        frame.index.name = "flow"
        return frame

    @property
    def diagnostics(self) -> dict[str, float]:
        """Iterations and worst relative equilibrium residual of each solve."""
        return {
            "baseline_iterations": self.base.iterations,
            "baseline_residual": self.base.residual,
            "conditional_iterations": self.conditional.iterations,
            "conditional_residual": self.conditional.residual,
            "full_iterations": self.full.iterations,
            "full_residual": self.full.residual,
            "full_spending_factor": self.full.spending_factor,
        }

    # -- exports ----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy long frame: country, measure, value (percent or USD)."""
        long = self.countries.reset_index().melt(
            id_vars="country", var_name="measure", value_name="value"
        )
        return long

    def _header(self) -> list[str]:
        b = self.baseline
        lines = [
            f"General-equilibrium scenario: {self.description or '(unnamed)'}",
            f"  σ = {self.sigma:g}; reference country {b.reference} ({self.reference_role}); "
            f"baseline year {b.year if b.year is not None else 'n/a'}; {b.n} countries",
            f"  baseline trade costs: {b.trade_costs_from}",
            *(f"  {w}" for w in WELFARE_TEXT.values()),
        ]
        lines += [f"  shock: {s}" for s in self.shocks]
        lines += [f"  note: {n}" for n in (*b.notes, *self.notes)]
        d = self.diagnostics
        lines.append(
            "  solver: residuals baseline {:.1e}, conditional {:.1e}, full {:.1e}".format(
                d["baseline_residual"], d["conditional_residual"], d["full_residual"]
            )
        )
        return lines

    def summary(self, top: int = 15) -> str:
        """Text summary: assumptions, then the countries most affected (by |real GDP change|)."""
        c = self.countries
        order = c["real_gdp_pct"].abs().sort_values(ascending=False).index[:top]
        cols = [
            "exports_conditional_pct",
            "exports_full_pct",
            "producer_price_pct",
            "inward_mr_full_pct",
            "outward_mr_full_pct",
            "real_gdp_pct",
            "real_spending_pct",
        ]
        table = table_text(c.loc[order, cols])
        return "\n".join([*self._header(), "", table])

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        top = self.countries["real_gdp_pct"].abs().idxmax()
        return (
            f"<GEResult {self.description or 'scenario'!s}: {self.baseline.n} countries, "
            f"σ={self.sigma:g}, largest welfare change {top} "
            f"{self.countries.loc[top, 'real_gdp_pct']:+.3f}%>"
        )

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        head = list(self._header())
        c = self.countries
        order = c["real_gdp_pct"].abs().sort_values(ascending=False).index
        rows = table(c.loc[order].reset_index())
        return fragment(Section(head[0] if head else "", [rows], intro=head[1:]))

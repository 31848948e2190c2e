"""The Advanced Guide's applications (Yotov, Piermartini, Monteiro, Larch 2016), reproduced."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bilat.errors import NoDataError
from bilat.scenarios.ge import AgreementChange, Baseline, GEResult, simulate
from bilat.scenarios.gravity import GravityResult, add_identifiers, estimate, two_stage_costs
from bilat.sources.agtpa import panel_frame, read_dta_panel, read_panel

if TYPE_CHECKING:
    from bilat.store import Store

BOOK_YEARS = (1986, 1990, 1994, 1998, 2002, 2006)
NAFTA = ("USA", "CAN", "MEX")
BOOK_FOLDER = ("gravity", "advanced_guide")


def read_agtpa(source: Store | str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The book's 69-country panel (1986–2006, USD millions, with intranational flows).

    ``source``: a store, whose ``agtpa_panel`` table ``bilat data bundle`` (or ``bilat data add
    agtpa_applications.csv.gz --format agtpa-panel``) filled; None: the default store
    (``BILAT_STORE``); a file: the CSV panel, or one of the book's Stata files
    (``Chapter2Application2.dta``) with lower-cased column names.
    """
    if source is None or not isinstance(source, str | os.PathLike):
        frame = _from_store(source)
    else:
        p = Path(source)
        frame = read_dta_panel(p) if p.suffix.lower() == ".dta" else read_panel(p)
    # plain str codes: the fixed-effect identifiers are built by string concatenation
    for col in ("exporter", "importer"):
        frame[col] = frame[col].astype(str)
    return frame


def _from_store(store: Store | None) -> pd.DataFrame:
    from bilat.store import Store

    store = store if store is not None else Store()
    table = store.table("agtpa_panel").to_pyarrow()
    if table.num_rows == 0:
        raise NoDataError(
            f"the store {store.root} holds no Advanced Guide panel: load it with `bilat data "
            "bundle <bundle folder>`, or `bilat data add agtpa_applications.csv.gz --format "
            "agtpa-panel`"
        )
    return panel_frame(table)


def rta_panel(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ch. 1 app. 3 panel: every 4th year 1986–2006, international and intranational flows."""
    d = read_agtpa() if data is None else data
    d = d[d["year"].isin(BOOK_YEARS)].copy()
    d["pair_id"] = d["pair_id"].astype(int)
    return add_identifiers(d)


def rta_effects(data: pd.DataFrame | None = None) -> GravityResult:
    """Ch. 1 app. 3, pair fixed effects: trade ~ rta | exp_year + imp_year + pair (book: 0.557)."""
    return estimate(rta_panel(data), "trade ~ rta | exp_year + imp_year + pair", cluster="pair_id")


def trade_without_borders(sigma: float = 7.0, data: pd.DataFrame | None = None) -> GEResult:
    """Ch. 2 app. 1: remove the international border effect, 2006, reference DEU."""
    d = read_agtpa() if data is None else data
    d = add_identifiers(d[d["year"] == 2006])
    fit = estimate(d, "trade ~ ln_dist + cntg + intl | exporter + importer", cluster=None)
    b = fit.coefficients["estimate"]
    d["t_bln"] = np.exp(b["ln_dist"] * d["ln_dist"] + b["cntg"] * d["cntg"] + b["intl"] * d["intl"])
    base = Baseline.from_frame(
        d,
        reference="DEU",
        trade_costs="t_bln",
        year=2006,
        notes=(
            f"costs from PPML: ln_dist {b['ln_dist']:.4f}, cntg {b['cntg']:.4f}, intl {b['intl']:.4f}",  # noqa: E501
        ),
    )
    no_border = np.exp(b["ln_dist"] * d["ln_dist"] + b["cntg"] * d["cntg"])
    t_cfl = Baseline.from_frame(
        d.assign(t_cfl=no_border), reference="DEU", trade_costs="t_cfl"
    ).trade_costs
    return simulate(
        base, sigma=sigma, new_trade_costs=t_cfl, description="trade without borders (2006)"
    )


def nafta_baseline(
    data: pd.DataFrame | None = None, fit: GravityResult | None = None
) -> tuple[GravityResult, Baseline]:
    """Ch. 2 app. 2 baseline: pair-FE panel PPML, two-stage costs for 1994, reference DEU."""
    panel = rta_panel(data)
    fit = fit or estimate(panel, "trade ~ rta | exp_year + imp_year + pair", cluster="pair_id")
    d, notes = two_stage_costs(panel, fit, 1994, policy="rta")
    base = Baseline.from_frame(
        d,
        reference="DEU",
        trade_costs="t_bln",
        agreements="rta",
        year=1994,
        notes=(f"RTA effect {fit.coef('rta'):.6f} (s.e. {fit.se('rta'):.4f})", *notes),
    )
    return fit, base


def nafta(
    sigma: float = 7.0, data: pd.DataFrame | None = None, fit: GravityResult | None = None
) -> tuple[GravityResult, GEResult]:
    """Ch. 2 app. 2: the counterfactual without NAFTA, 1994 baseline, σ = 7, Germany as reference."""  # noqa: E501
    fit, base = nafta_baseline(data, fit)
    shock = AgreementChange(
        side_a=("NAFTA",),
        side_b=None,
        effect=fit.coef("rta"),
        action="end",
        groups={"NAFTA": NAFTA},
    )
    return fit, simulate(base, [shock], sigma=sigma, description="NAFTA removed (1994)")

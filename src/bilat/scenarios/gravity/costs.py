"""Trade costs t_ij^(1-σ) for a GE baseline from an estimated gravity model."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.scenarios.gravity.results import GravityResult


def two_stage_costs(
    data: pd.DataFrame,
    result: GravityResult,
    year: int,
    *,
    policy: str = "rta",
    pair: str = "pair",
    stage2: Sequence[str] = ("ln_dist", "cntg", "lang", "clny"),
) -> tuple[pd.DataFrame, list[str]]:
    """Anderson–Yotov two-stage costs for ``year``: pair fixed effects, then gravity for gaps.

    Stage 1 (``result``: PPML with exporter-time, importer-time and pair FE) gives
    t̄_ij^(1-σ) = exp(pair FE). Pairs without one (never traded in the sample) get the
    prediction of a PPML of t̄ on ``stage2`` covariates with exporter and importer FE in
    ``year`` (international pairs only). Returns the year's rows with ``t_bar`` and
    ``t_bln`` = t̄ · exp(β·policy), and notes.
    """
    import pyfixest as pf

    key = f"C({pair})"
    fe = result.fixed_effects.get(key)
    if fe is None:
        raise InputError(
            f"the gravity result has no {pair!r} fixed effect; estimate with '| … + {pair}'"
        )
    beta = result.coef(policy)
    d = data[data["year"].astype(int) == int(year)].copy()
    if d.empty:
        raise InputError(
            f"no panel rows in baseline year {year}; years are {sorted(data['year'].unique())}"
        )
    d["t_bar"] = np.exp(d[pair].astype(str).map(fe))
    notes: list[str] = []
    gaps = d["t_bar"].isna() & (d["exporter"] != d["importer"])
    if gaps.any():
        missing = [c for c in stage2 if c not in d.columns]
        if missing:
            raise InputError(f"stage-2 trade-cost regression needs columns {missing}")
        fml = "t_bar ~ " + " + ".join(stage2) + " | exporter + importer"
        sample = d[(d["exporter"] != d["importer"]) & d["t_bar"].notna()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit2 = pf.fepois(fml, data=sample, vcov={"CRV1": "pair_id"})
            d.loc[gaps, "t_bar"] = fit2.predict(newdata=d.loc[gaps], type="response")
        notes.append(
            f"{int(gaps.sum())} pairs with no trade in the whole sample: costs predicted from "
            f"{', '.join(stage2)} (stage 2, {year})"
        )
    if d["t_bar"].isna().any():
        bad = d.loc[d["t_bar"].isna(), ["exporter", "importer"]].iloc[0].tolist()
        raise InputError(f"no trade cost for pair {bad[0]}→{bad[1]} in {year}")
    d["t_bln"] = d["t_bar"] * np.exp(beta * d[policy])
    return d, notes

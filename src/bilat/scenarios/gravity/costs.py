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
    t̄_ij^(1-σ) = exp(pair FE). pyfixest leaves one pair level out as the reference (its effect
    is 0, so t̄ = exp(0) = 1); only pairs that never traded in the estimation sample (all
    their flows zero: separated, as the book's 7 pairs / 84 observations) have no effect and
    get the prediction of a PPML of t̄ on ``stage2`` covariates with exporter and importer FE
    in ``year`` (international pairs only). Returns the year's rows with ``t_bar`` and
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
    fe = _with_reference_level(data, result, fe, pair)
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
        never = d.loc[gaps, pair].astype(str).nunique()
        notes.append(
            f"{never} pairs ({int(gaps.sum())} directed flows in {year}) with no trade in the "
            f"whole sample: costs predicted from {', '.join(stage2)} (stage 2, {year})"
        )
    if d["t_bar"].isna().any():
        bad = d.loc[d["t_bar"].isna(), ["exporter", "importer"]].iloc[0].tolist()
        raise InputError(f"no trade cost for pair {bad[0]}→{bad[1]} in {year}")
    d["t_bln"] = d["t_bar"] * np.exp(beta * d[policy])
    return d, notes


def _with_reference_level(
    data: pd.DataFrame, result: GravityResult, fe: pd.Series, pair: str
) -> pd.Series:
    """The pair effects with pyfixest's left-out reference level put back at 0.

    A level of ``pair`` whose flows are not all zero was in the estimation sample; if it has no
    estimated effect it is the normalised one (effect 0), not a pair that never traded.
    """
    lhs = result.formula.split("~", 1)[0].strip()
    if lhs not in data.columns:
        return fe
    totals = data.groupby(data[pair].astype(str))[lhs].sum()
    traded = set(totals.index[totals > 0])
    reference = sorted(traded - set(fe.index.astype(str)))
    if not reference:
        return fe
    return pd.concat([fe, pd.Series(0.0, index=reference, name=fe.name)])

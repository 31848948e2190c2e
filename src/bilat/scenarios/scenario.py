"""Policy scenarios as Python objects and TOML files; running one end to end."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import DataFormatError, InputError
from bilat.scenarios.ge import AgreementChange, Baseline, CostChange, GEResult, simulate
from bilat.scenarios.ge.shocks import Shock
from bilat.scenarios.ge.solve import check_sigma

# The book's pair-fixed-effects estimate (Yotov et al. 2016, ch. 1 app. 3), used when a scenario
# neither estimates nor supplies the agreement effect.
BOOK_RTA_EFFECT = 0.557185


@dataclass(frozen=True)
class Scenario:
    """A counterfactual: which data and year, which shocks, σ and the reference country."""

    name: str
    shocks: tuple[Shock, ...]
    year: int = 2016
    sigma: float = 7.0
    reference: str = "DEU"
    data: str = "penppml"  # bundle's all-pairs flows (with GDP-derived home trade)
    focus: tuple[str, str] | None = None  # the pair the question is about, e.g. ("RUS", "KOR")
    exports_exceed_gdp: str = "floor"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def with_sigma(self, sigma: float) -> Scenario:
        """The same scenario with another σ."""
        return replace(self, sigma=check_sigma(sigma))


def _shock_from(table: dict[str, Any], where: str, effect: float) -> Shock:
    kind = table.get("type")
    a = tuple(table.get("between", ()))
    b = tuple(table["and"]) if "and" in table else None
    if not a:
        raise DataFormatError(where, "shock needs 'between' (a list of countries or groups)")
    if kind == "agreement":
        return AgreementChange(
            side_a=a,
            side_b=b,
            effect=float(table.get("effect", effect)),
            action=table.get("action", "form"),
        )
    if kind == "trade_costs":
        if "percent" not in table:
            raise DataFormatError(where, "a trade_costs shock needs 'percent' (e.g. -10)")
        return CostChange(side_a=a, side_b=b, percent=float(table["percent"]))
    raise DataFormatError(
        where, f"unknown shock type {kind!r}", fix="use 'agreement' or 'trade_costs'"
    )


def load(path: str | Path) -> Scenario:
    """Read a scenario TOML file (see bilat/scenarios/data/*.toml for the layout)."""
    p = Path(path)
    if not p.exists():
        shipped = resources.files("bilat.scenarios") / "data" / p.name
        if shipped.is_file():
            p = Path(str(shipped))
        else:
            raise InputError(
                f"scenario file {path} not found; shipped ones: {', '.join(shipped_names())}"
            )
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataFormatError(p, f"not valid TOML: {exc}") from exc
    effect = float(raw.get("agreement_effect", BOOK_RTA_EFFECT))
    shocks = tuple(
        _shock_from(t, f"{p} [[shock]] #{k + 1}", effect)
        for k, t in enumerate(raw.get("shock", []))
    )
    if not shocks:
        raise DataFormatError(p, "no [[shock]] tables", fix="add at least one [[shock]]")
    focus = tuple(raw["focus"]) if "focus" in raw else None
    return Scenario(
        name=raw.get("name", p.stem),
        shocks=shocks,
        year=int(raw.get("year", 2016)),
        sigma=check_sigma(raw.get("sigma", 7.0)),
        reference=raw.get("reference", "DEU"),
        data=raw.get("data", "penppml"),
        focus=focus if focus and len(focus) == 2 else None,
        exports_exceed_gdp=raw.get("exports_exceed_gdp", "floor"),
        notes=tuple(raw.get("notes", ())),
    )


def shipped_names() -> list[str]:
    """Names of the scenario files shipped with bilat."""
    return sorted(
        f.name
        for f in (resources.files("bilat.scenarios") / "data").iterdir()
        if f.name.endswith(".toml")
    )


def _penppml_inputs(year: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Flows, GDP and agreements for one year from the bundle (read in place, not copied)."""
    # TODO: read through bilat.store once the bundle_store carries penppml, WDI and agreements.
    from bilat.settings import bundle_path

    root = bundle_path()
    f = pd.read_csv(root / "flows/penppml/trade.csv.gz", usecols=["exp", "imp", "time", "export"])
    f = f[f["time"] == year].rename(
        columns={"exp": "exporter", "imp": "importer", "time": "year", "export": "value_usd"}
    )
    if f.empty:
        raise InputError(
            f"the penppml flows have no year {year}; they run 1964–2016 every 4th year"
        )
    f = f[~f["exporter"].isin(["UNS", "WLD"]) & ~f["importer"].isin(["UNS", "WLD"])]
    # penppml keeps Comtrade's old code for Romania; WDI and ISO use ROU
    f = f.replace({"exporter": {"ROM": "ROU"}, "importer": {"ROM": "ROU"}})
    gdp = pd.read_csv(root / "macro/wdi_gdp/gdp.csv").rename(
        columns={"Country Code": "country", "Year": "year", "Value": "value"}
    )
    gdp = gdp[gdp["year"] == year].assign(indicator="NY.GDP.MKTP.CD")
    rta = pd.read_csv(root / "gravity/rta/rtas_at_least_one_in_force_per_year.csv.gz")
    return f, gdp, rta[rta["year"] == year]


def baseline_for(scenario: Scenario) -> Baseline:
    """The scenario's baseline: observed flows of its year, home trade from GDP, costs calibrated."""  # noqa: E501
    from bilat.scenarios.gravity import build_panel

    if scenario.data != "penppml":
        raise InputError(f"scenario data {scenario.data!r} not supported yet; use 'penppml'")
    flows, gdp, rta = _penppml_inputs(scenario.year)
    panel = build_panel(
        flows,
        agreements=rta,
        macro=gdp,
        internal="gdp",
        need=("rta",),
        exports_exceed_gdp=scenario.exports_exceed_gdp,  # type: ignore[arg-type]
    )
    d = panel.data
    # keep economies that trade: a country with no exports and no imports has no resistance
    active = d[(d["exporter"] != d["importer"]) & (d["trade"] > 0)]
    keep = set(active["exporter"]) & set(active["importer"])
    d = d[d["exporter"].isin(keep) & d["importer"].isin(keep)]
    return Baseline.from_frame(
        d,
        reference=scenario.reference,
        agreements="rta",
        year=scenario.year,
        notes=(
            "baseline: observed 2016 flows (penppml, UN Comtrade) calibrated exactly "
            "(t_ij^(1-σ) ∝ X_ij / (Y_i E_j)); pairs with no trade stay at zero"
            if scenario.year == 2016
            else f"baseline: observed {scenario.year} flows calibrated exactly",
            *panel.notes,
        ),
    )


def run(scenario: Scenario, baseline: Baseline | None = None, **solver: Any) -> GEResult:
    """Solve a scenario (the baseline is built from the bundle unless given)."""
    base = baseline or baseline_for(scenario)
    result = simulate(
        base, scenario.shocks, sigma=scenario.sigma, description=scenario.name, **solver
    )
    if scenario.notes:
        result = replace(result, notes=result.notes + scenario.notes)
    return result


def focus_table(result: GEResult, pair: tuple[str, str]) -> pd.DataFrame:
    """Both directions of a pair: baseline USD and % changes (conditional, full)."""
    a, b = pair
    rows = [result.pair(a, b), result.pair(b, a)]
    frame = pd.DataFrame(rows)
    total = frame["baseline_usd"].sum()
    new = (frame["baseline_usd"] * (1 + frame["full_pct"] / 100)).sum()
    frame.loc[f"{a}↔{b} turnover"] = [total, np.nan, (new / total - 1) * 100]
    return frame

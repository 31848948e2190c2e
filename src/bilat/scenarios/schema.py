"""One schema for scenario files and one for route tables (pydantic), with TOML-located errors.

Every key a file may hold is declared here, with its type and its bounds; an unknown key, a
wrong type, a number out of range or an ``action``/``type``/``method`` outside its choices is
refused before anything is built, as :class:`~bilat.errors.DataFormatError` naming the file,
the line, the field (``[[shock]] #2 'actoin'``) and, for a misspelt key, the closest valid one.
The API's scenario jobs validate their options with the same bounds (:data:`SIGMA_MAX`,
:data:`Level`, …); ``simulate`` and the CLI's ``--sigma`` share ``SIGMA_MAX``.

Bounds are those of the model, not of taste: σ in (1, 50]; an agreement effect within ±5 log
points (e⁵ ≈ 148× trade; estimated effects lie within ±2); cost and distance changes above
−100 % (a cost or distance must stay positive) and at most +1,000 %; productivity changes in
(−100 %, +1,000 %]; distances up to 40,075 km (the equator); shares of the year in [0, 1]; a
distance elasticity δ in [−10, 0); no inf or nan anywhere (TOML allows them as literals).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from bilat.reference._toml import validate
from bilat.scenarios.ge.solve import SIGMA_MAX

EFFECT_BOUND = 5.0  # |agreement effect| in log points
PERCENT_MAX = 1000.0  # % increase of a cost, distance or productivity
KM_MAX = 40075.0  # Earth's circumference at the equator, km
DRAWS_MAX = 10_000
YEAR_MIN, YEAR_MAX = 1900, 2100

_CONFIG = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

Names = str | Annotated[list[str], Field(min_length=1)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Sigma = Annotated[float, Field(gt=1.0, le=SIGMA_MAX)]
Effect = Annotated[float, Field(ge=-EFFECT_BOUND, le=EFFECT_BOUND)]
StdError = Annotated[float, Field(ge=0.0, le=10.0)]
Percent = Annotated[float, Field(gt=-100.0, le=PERCENT_MAX)]
Km = Annotated[float, Field(gt=0.0, le=KM_MAX)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Elasticity = Annotated[float, Field(ge=-10.0, lt=0.0)]
Level = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Table(BaseModel):
    model_config = _CONFIG


# ------------------------------------------------------------------------------ shocks
class AgreementShock(_Table):
    """``type = "agreement"``: form or end an agreement between two sides (or among one)."""

    type: Literal["agreement"]
    action: Literal["form", "end"] = "form"
    between: Names
    and_: Names | None = Field(None, alias="and")
    effect: Effect | None = None  # this shock's own partial effect, log points (never drawn)


class TradeCostShock(_Table):
    """``type = "trade_costs"``: a % change in the trade costs t_ij of the pairs."""

    type: Literal["trade_costs"]
    between: Names
    and_: Names | None = Field(None, alias="and")
    percent: Percent


class DistanceShock(_Table):
    """``type = "distance"``: a change in effective distance (percent, or km)."""

    type: Literal["distance"]
    between: Names
    and_: Names | None = Field(None, alias="and")
    percent: Percent | None = None
    new_km: Km | None = None
    current_km: Km | None = None
    usable_share: Share = 1.0
    elasticity: Elasticity | None = None


class RouteShock(_Table):
    """``type = "route"``: a named route of this file or of a shipped route table."""

    type: Literal["route"]
    route: Annotated[str, Field(min_length=1)]
    usable_share: Share | None = None
    elasticity: Elasticity | None = None


class TechnologyShock(_Table):
    """``type = "technology"``: a % change in the productivity of the economies named."""

    type: Literal["technology"]
    countries: Names
    percent: Percent


SHOCK_TYPES: dict[str, type[_Table]] = {
    "agreement": AgreementShock,
    "trade_costs": TradeCostShock,
    "distance": DistanceShock,
    "route": RouteShock,
    "technology": TechnologyShock,
}


def _shock_tag(value: Any) -> str | None:
    return value.get("type") if isinstance(value, dict) else None


Shock = Annotated[
    Annotated[AgreementShock, Tag("agreement")]
    | Annotated[TradeCostShock, Tag("trade_costs")]
    | Annotated[DistanceShock, Tag("distance")]
    | Annotated[RouteShock, Tag("route")]
    | Annotated[TechnologyShock, Tag("technology")],
    Discriminator(_shock_tag),
]


# ------------------------------------------------------------------------------ other tables
class StoreEstimation(_Table):
    """``[estimation]`` on the store's flows (``method``, ``years``, ...)."""

    method: Literal["pair", "geodist"] = "pair"
    years: Annotated[list[Year], Field(min_length=1)] | None = None
    every: Annotated[int, Field(ge=1, le=20)] = 4
    periods: Annotated[int, Field(ge=2, le=20)] = 4
    countries: Annotated[list[str], Field(min_length=2)] | None = None


class FileEstimationTable(_Table):
    """``[estimation]`` on a data file (``formula``, ``term``, ...)."""

    formula: Annotated[str, Field(min_length=3)]
    term: Annotated[str, Field(min_length=1)]
    cluster: str | None = "pair_dir"
    international: bool = True
    file: str | None = None
    years: Annotated[list[Year], Field(min_length=1)] | None = None


class UncertaintyTable(_Table):
    """``[uncertainty]``: Monte Carlo or pairs-bootstrap intervals."""

    draws: Annotated[int, Field(ge=2, le=DRAWS_MAX)] = 200
    level: Level = 0.9
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    n_jobs: Annotated[int, Field(ge=1, le=64)] = 1
    method: Literal["normal", "bootstrap"] = "normal"


class BaselineTable(_Table):
    """``[baseline]``: a data file with home trade instead of the store."""

    file: Annotated[str, Field(min_length=1)]
    trade: str = "trade"
    exporter: str = "exporter"
    importer: str = "importer"
    year: str = "year"
    agreements: str | None = None


class RouteTable(_Table):
    """One ``[[route]]``: the sides it links, the distance change, the usable share."""

    id: Annotated[str, Field(min_length=1)]
    name: str | None = None
    between: Names
    and_: Names = Field(alias="and")
    current_km: Km | None = None
    new_km: Km | None = None
    percent: Percent | None = None
    usable_share: Share = 1.0
    source: str = ""
    note: str = ""


Groups = dict[str, Annotated[list[str], Field(min_length=1)]]


def _estimation_tag(value: Any) -> str:
    return "file" if isinstance(value, dict) and "formula" in value else "store"


class ScenarioFile(_Table):
    """A scenario TOML: every top-level key and table it may hold."""

    name: str | None = None
    year: Year = 2016
    sigma: Sigma = 7.0
    reference: str = "DEU"
    data: Annotated[str, Field(min_length=1)] = "penppml"
    focus: Annotated[list[str], Field(min_length=2, max_length=2)] | None = None
    exports_exceed_gdp: Literal["floor", "drop"] = "floor"
    notes: list[str] = []
    agreement_effect: Effect | None = None
    agreement_effect_se: StdError | None = None
    distance_elasticity: Elasticity | None = None
    distance_elasticity_se: StdError | None = None
    deficits: Literal["multiplicative", "additive"] = "multiplicative"
    normalisation: Literal["reference", "world_output"] = "reference"
    groups: Groups = {}
    estimation: (
        Annotated[
            Annotated[StoreEstimation, Tag("store")] | Annotated[FileEstimationTable, Tag("file")],
            Discriminator(_estimation_tag),
        ]
        | None
    ) = None
    uncertainty: UncertaintyTable | None = None
    baseline: BaselineTable | None = None
    shock: list[Shock] = []  # at least one: the loader says so after checking names
    route: list[RouteTable] = []


class RouteFile(_Table):
    """A route table: ``[groups]`` and ``[[route]]`` only (a scenario file holds routes too)."""

    name: str | None = None
    notes: list[str] = []
    groups: Groups = {}
    route: Annotated[list[RouteTable], Field(min_length=1)]


# key_lines: where each key of a TOML text is (shared with the reference tables' files)


def _label(loc: Sequence[Any]) -> str:
    """A table in the words of the docs: ``[[shock]] #2``, ``[uncertainty]``; "" at top level."""
    if not loc:
        return ""
    head, rest = loc[0], list(loc[1:])
    if head in ("shock", "route") and rest and isinstance(rest[0], int):
        return f"[[{head}]] #{rest[0] + 1}"
    if head in ("estimation", "uncertainty", "baseline", "groups") and rest:
        return f"[{head}]"
    return ""


def _table_model(root: type[_Table], loc: Sequence[Any], raw: dict[str, Any]) -> type | None:
    """The model of the table a key sits in (for the valid keys), from its TOML path."""
    if not loc:
        return root
    head = loc[0]
    if head == "shock" and len(loc) >= 2:
        try:
            return SHOCK_TYPES.get(raw["shock"][loc[1]].get("type"))
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
    if head == "route":
        return RouteTable
    if head == "estimation":
        return FileEstimationTable if _estimation_tag(raw.get(head)) == "file" else StoreEstimation
    return {"uncertainty": UncertaintyTable, "baseline": BaselineTable}.get(head)


def _keys(model: type | None) -> list[str]:
    if model is None or not hasattr(model, "model_fields"):
        return []
    return [f.alias or k for k, f in model.model_fields.items()]


def _clean_loc(loc: Sequence[Any]) -> tuple[Any, ...]:
    """pydantic's loc without the union tags it inserts (``shock.0.agreement.actoin``)."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        prev = loc[i - 1] if i else None
        if isinstance(prev, int) and part in SHOCK_TYPES and loc[0] == "shock" and i == 2:
            continue
        if prev == "estimation" and part in ("store", "file") and i == 1:
            continue
        out.append(part)
    return tuple(out)


# What a number must be, in words, by key (every bounded key of both schemas).
RULES: dict[str, str] = {
    "sigma": f"must be > 1 (the trade elasticity 1 − σ is negative) and at most {SIGMA_MAX:g}; "
    "the literature's default is 7",
    "year": f"must be a year from {YEAR_MIN} to {YEAR_MAX}",
    "years": f"must be years from {YEAR_MIN} to {YEAR_MAX}",
    "effect": f"must be a partial effect within ±{EFFECT_BOUND:g} log points (e^5 ≈ 148× "
    "trade; estimated agreement effects lie within ±2)",
    "agreement_effect": f"must be a partial effect within ±{EFFECT_BOUND:g} log points (e^5 ≈ "
    "148× trade; estimated agreement effects lie within ±2)",
    "agreement_effect_se": "must be a standard error ≥ 0 and at most 10",
    "distance_elasticity_se": "must be a standard error ≥ 0 and at most 10",
    "percent": f"must be a change > -100 % (what changes must stay positive) and at most "
    f"+{PERCENT_MAX:,.0f} %",
    "current_km": f"must be a distance > 0 km and at most {KM_MAX:,.0f} km (the equator)",
    "new_km": f"must be a distance > 0 km and at most {KM_MAX:,.0f} km (the equator)",
    "usable_share": "must be a share of the year in [0, 1]",
    "elasticity": "must be < 0 and ≥ -10 (the PPML coefficient on ln distance, e.g. -0.9)",
    "distance_elasticity": "must be < 0 and ≥ -10 (the PPML coefficient on ln distance, e.g. -0.9)",
    "draws": f"must be a whole number of draws from 2 to {DRAWS_MAX:,}",
    "level": "must be an interval level in (0, 1), e.g. 0.9",
    "seed": "must be a whole number from 0 to 2^32 - 1",
    "n_jobs": "must be a whole number of workers from 1 to 64",
    "every": "must be a whole number of years from 1 to 20",
    "periods": "must be a whole number of years from 2 to 20",
}
_TYPE_ERRORS = {"float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"}
_NUMBER_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "finite_number",
    "float_type",
    "int_type",
    "float_parsing",
    "int_parsing",
}


def _message(err: dict[str, Any], loc: tuple[Any, ...], root: type, raw: dict[str, Any]) -> str:
    kind = err["type"]
    key = next((x for x in reversed(loc) if isinstance(x, str)), "")
    if kind == "extra_forbidden":
        table = "at the top level" if len(loc) == 1 else f"in {_label(loc[:-1]) or _label(loc)}"
        valid = _keys(_table_model(root, loc[:-1], raw))
        near = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        return f"unknown key {key!r} {table}{hint} Valid keys: {', '.join(valid)}"
    table = _label(loc)
    what = f"{table}: " if table else ""
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        got = raw["shock"][loc[1]].get("type") if loc and loc[0] == "shock" else None
        return (
            f"{table}: "
            + ("needs type = ..." if got is None else f"unknown shock type {got!r}")
            + f"; use one of {', '.join(repr(t) for t in SHOCK_TYPES)}"
        )
    if kind == "missing":
        return f"{what}needs {key!r}"
    rule = RULES.get(key)
    if rule and kind in _TYPE_ERRORS:
        # a number is expected, not text: say so, then the rule for the number
        return f"{what}{key} must be a number ({rule}); got {err.get('input')!r}"
    if rule and kind in _NUMBER_ERRORS:
        return f"{what}{key} {rule}, got {err.get('input')!r}"
    if kind == "literal_error":
        return f"{what}{key} {err['input']!r} is not allowed: {err['msg'].lower()}"
    return f"{what}{key}: {err['msg'].lower()}, got {err.get('input')!r}"


def _validate(model: type[_Table], raw: dict[str, Any], text: str, path: Path) -> _Table:
    return validate(
        model,
        raw,
        text,
        path,
        clean=_clean_loc,
        message=lambda err, loc: _message(err, loc, model, raw),
    )


def validate_scenario(raw: dict[str, Any], text: str, path: Path) -> ScenarioFile:
    """Check a parsed scenario TOML against :class:`ScenarioFile` (DataFormatError if not)."""
    return _validate(ScenarioFile, raw, text, path)  # type: ignore[return-value]


def validate_routes(raw: dict[str, Any], text: str, path: Path) -> None:
    """Check a route table (or a scenario file, whose routes its own schema checks)."""
    if "shock" in raw:
        validate_scenario(raw, text, path)
    else:
        _validate(RouteFile, raw, text, path)

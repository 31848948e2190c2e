"""Policy scenarios as Python objects and TOML files; running one end to end on a store."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import DataFormatError, InputError, UnknownCodeError
from bilat.reference import countries
from bilat.reference._toml import read_toml
from bilat.scenarios.dropped import dropped_from_panel
from bilat.scenarios.dropped import notes as dropped_notes
from bilat.scenarios.effects import (
    BOOK_EFFECT,
    AgreementEffect,
    DistanceElasticity,
    EstimationSpec,
    elasticity_from,
    estimate_effect_cached,
    supplied,
    supplied_elasticity,
)
from bilat.scenarios.filedata import FileBaseline, FileEstimation
from bilat.scenarios.ge import (
    AgreementChange,
    Baseline,
    CostChange,
    DistanceChange,
    TechnologyChange,
    simulate,
)
from bilat.scenarios.ge.members import canonical
from bilat.scenarios.ge.shocks import GroupTable, Shock, group_table, with_parameters
from bilat.scenarios.ge.solve import (
    DEFAULT_DEFICITS,
    DEFAULT_NORMALISATION,
    Deficits,
    Normalisation,
    check_option,
    check_sigma,
)
from bilat.scenarios.inputs import read_inputs
from bilat.scenarios.result import ScenarioResult, route_blocs
from bilat.scenarios.routes import Route, all_routes, find_route, parse_routes
from bilat.scenarios.schema import validate_scenario
from bilat.scenarios.toml_places import Where as _Where
from bilat.scenarios.toml_places import groups_table as _groups
from bilat.scenarios.uncertainty import UncertaintySpec, bootstrap, monte_carlo

if TYPE_CHECKING:
    from bilat.store import Store

# Kept for callers of the first version: the book's pair-fixed-effects estimate.
BOOK_RTA_EFFECT = BOOK_EFFECT.value


@dataclass(frozen=True)
class Scenario:
    """A counterfactual: data and year, shocks, σ, reference country, and the agreement effect.

    Agreement shocks without their own ``effect`` take the scenario's: ``effect`` (supplied or
    the book's), or one estimated when ``estimation`` is set (from the store, or from a data
    file with :class:`FileEstimation`). ``deficits`` (``multiplicative``, the default and the
    Advanced Guide's rule, or ``additive``, ge_gravity's default) and ``normalisation``
    (``reference``: the reference country's price index is 1; ``world_output``) go to every GE
    solve, Monte Carlo and bootstrap draws included. ``baseline_file``: take the baseline from
    a data file with home trade instead of the store.
    """

    name: str
    shocks: tuple[Shock, ...]
    year: int = 2016
    sigma: float = 7.0
    reference: str = "DEU"
    data: str = "penppml"  # the store's flows source (all pairs; home trade derived from GDP)
    focus: tuple[str, str] | None = None  # the pair the question is about, e.g. ("RUS", "KOR")
    exports_exceed_gdp: str = "floor"
    notes: tuple[str, ...] = field(default_factory=tuple)
    effect: AgreementEffect = BOOK_EFFECT
    estimation: EstimationSpec | FileEstimation | None = None
    uncertainty: UncertaintySpec | None = None
    groups: GroupTable = ()
    path: str | None = None  # the TOML file it was read from
    elasticity: DistanceElasticity | None = None  # δ supplied; None: estimated (GeoDist PPML)
    routes: tuple[Route, ...] = ()  # routes the file defines
    deficits: Deficits = DEFAULT_DEFICITS
    normalisation: Normalisation = DEFAULT_NORMALISATION
    baseline_file: FileBaseline | None = None  # None: the baseline comes from the store

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", check_sigma(self.sigma))
        object.__setattr__(self, "groups", group_table(self.groups))
        check_option(self.deficits, Deficits, "deficits")
        check_option(self.normalisation, Normalisation, "normalisation")

    def with_deficits(self, deficits: Deficits) -> Scenario:
        """The same scenario with another deficit rule ('multiplicative' or 'additive')."""
        return replace(self, deficits=check_option(deficits, Deficits, "deficits"))  # type: ignore[arg-type]

    def with_normalisation(self, normalisation: Normalisation) -> Scenario:
        """The same scenario with another normalisation ('reference' or 'world_output')."""
        return replace(
            self,
            normalisation=check_option(normalisation, Normalisation, "normalisation"),  # type: ignore[arg-type]
        )

    def with_sigma(self, sigma: float) -> Scenario:
        """The same scenario with another σ."""
        return replace(self, sigma=check_sigma(sigma))

    def with_estimation(self, spec: EstimationSpec | FileEstimation | None) -> Scenario:
        """The same scenario, estimating the agreement effect (store or file; None: don't)."""
        return replace(self, estimation=spec)

    def with_uncertainty(self, spec: UncertaintySpec | None) -> Scenario:
        """The same scenario with Monte Carlo intervals (None: point results only)."""
        return replace(self, uncertainty=spec)

    def with_elasticity(self, elasticity: DistanceElasticity | None) -> Scenario:
        """The same scenario with a supplied distance elasticity (None: estimate it)."""
        return replace(self, elasticity=elasticity)

    @property
    def uses_effect(self) -> bool:
        """True if some agreement shock takes the scenario's effect."""
        return any(isinstance(s, AgreementChange) and s.effect is None for s in self.shocks)

    @property
    def uses_elasticity(self) -> bool:
        """True if some distance shock takes the scenario's distance elasticity."""
        return any(isinstance(s, DistanceChange) and s.elasticity is None for s in self.shocks)


# ------------------------------------------------------------------------------ TOML files
def _names(
    values: Any, field_: str, where: _Where, defined: dict[str, frozenset[str]], k: int
) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataFormatError(
            where.path, f"[[shock]] #{k}: {field_!r} must be a list of countries or groups"
        )
    out = []
    for v in values:
        at = where.at(f"[[shock]] #{k} {field_!r}", v, "[[shock]]", k)
        out.append(canonical(v, defined, where=at))
    return tuple(out)


def _number(table: dict[str, Any], field_: str, k: int, where: _Where) -> float | None:
    v = table.get(field_)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DataFormatError(
            where.path,
            f"[[shock]] #{k}: {field_} must be a number, got {v!r}",
            line=where.line(field_, "[[shock]]", k),
            column=field_,
        )
    return float(v)


def _bad_distance(exc: InputError, k: int, where: _Where) -> DataFormatError:
    """A DistanceChange's InputError as a file/line/field error."""
    msg = str(exc)
    fields = ("usable_share", "current_km", "new_km", "percent", "elasticity")
    field_ = next((f for f in fields if f in msg), "percent")
    return DataFormatError(
        where.path,
        f"[[shock]] #{k}: {msg}",
        line=where.line(field_, "[[shock]]", k),
        column=field_,
    )


def _route_shock(
    table: dict[str, Any], k: int, where: _Where, routes: tuple[Route, ...]
) -> DistanceChange:
    name = table.get("route")
    if not isinstance(name, str):
        raise DataFormatError(
            where.path,
            f'[[shock]] #{k}: a route shock needs route = "ID" (see `bilat scenario routes`)',
            line=where.line("type", "[[shock]]", k),
            column="route",
        )
    known = (
        *routes,
        *(r for r in all_routes() if r.id.upper() not in {x.id.upper() for x in routes}),
    )
    route = find_route(name, known, where=where.at(f"[[shock]] #{k} 'route'", name, "[[shock]]", k))
    share = _number(table, "usable_share", k, where)
    try:
        shock = route.shock(usable_share=share)
    except InputError as exc:
        raise _bad_distance(exc, k, where) from None
    delta = _number(table, "elasticity", k, where)
    return shock if delta is None else replace(shock, elasticity=_delta(delta, k, where))


def _delta(value: float, k: int, where: _Where) -> float:
    try:
        return supplied_elasticity(value).value
    except InputError as exc:
        raise DataFormatError(
            where.path,
            f"[[shock]] #{k}: {exc}",
            line=where.line("elasticity", "[[shock]]", k),
            column="elasticity",
        ) from None


def _shock_from(
    table: dict[str, Any],
    k: int,
    where: _Where,
    defined: dict[str, frozenset[str]],
    routes: tuple[Route, ...] = (),
) -> Shock:
    kind = table.get("type")
    if kind == "route":
        return _route_shock(table, k, where, routes)
    if kind == "technology":
        return _technology_shock(table, k, where, defined)
    if "between" not in table:
        raise DataFormatError(
            where.path, f"[[shock]] #{k} needs 'between' (a list of countries or groups)"
        )
    a = _names(table["between"], "between", where, defined, k)
    b = _names(table["and"], "and", where, defined, k) if "and" in table else None
    groups = {g: m for g, m in defined.items() if g in (*a, *(b or ()))}
    if kind == "agreement":
        action = table.get("action", "form")
        if action not in ("form", "end"):
            raise DataFormatError(
                where.path,
                f"[[shock]] #{k}: action {action!r} is not 'form' or 'end'",
                line=where.line("action", "[[shock]]", k),
                column="action",
            )
        effect = table.get("effect")
        return AgreementChange(
            side_a=a,
            side_b=b,
            effect=None if effect is None else float(effect),
            action=action,
            groups=groups,
        )
    if kind == "trade_costs":
        if "percent" not in table:
            raise DataFormatError(
                where.path, f"[[shock]] #{k}: a trade_costs shock needs 'percent' (e.g. -10)"
            )
        return CostChange(side_a=a, side_b=b, percent=float(table["percent"]), groups=groups)
    if kind == "distance":
        delta = _number(table, "elasticity", k, where)
        share = _number(table, "usable_share", k, where)
        try:
            return DistanceChange(
                side_a=a,
                side_b=b,
                percent=_number(table, "percent", k, where),
                new_km=_number(table, "new_km", k, where),
                current_km=_number(table, "current_km", k, where),
                usable_share=1.0 if share is None else share,
                elasticity=None if delta is None else _delta(delta, k, where),
                groups=groups,
            )
        except InputError as exc:
            raise _bad_distance(exc, k, where) from None
    raise DataFormatError(
        where.path,
        f"[[shock]] #{k}: unknown shock type {kind!r}",
        line=where.line("type", "[[shock]]", k),
        column="type",
        fix="use 'agreement', 'trade_costs', 'distance', 'route' or 'technology'",
    )


def _technology_shock(
    table: dict[str, Any], k: int, where: _Where, defined: dict[str, frozenset[str]]
) -> TechnologyChange:
    """``type = "technology"``: ``countries`` (economies or groups) and ``percent``."""
    if "countries" not in table:
        raise DataFormatError(
            where.path,
            f"[[shock]] #{k}: a technology shock needs 'countries' (economies or groups)",
            line=where.line("type", "[[shock]]", k),
            column="countries",
        )
    names = _names(table["countries"], "countries", where, defined, k)
    pct = _number(table, "percent", k, where)
    if pct is None:
        raise DataFormatError(
            where.path,
            f"[[shock]] #{k}: a technology shock needs 'percent' (productivity change, e.g. 5)",
            line=where.line("type", "[[shock]]", k),
            column="percent",
        )
    try:
        return TechnologyChange(
            side_a=names, percent=pct, groups={g: m for g, m in defined.items() if g in names}
        )
    except InputError as exc:
        raise DataFormatError(
            where.path,
            f"[[shock]] #{k}: {exc}",
            line=where.line("percent", "[[shock]]", k),
            column="percent",
        ) from None


def _choice(raw: dict[str, Any], key: str, allowed: type, default: str, where: _Where) -> str:
    """A top-level option string (deficits, normalisation), its line named when wrong."""
    value = raw.get(key, default)
    try:
        return check_option(value, allowed, key)
    except InputError as exc:
        raise DataFormatError(where.path, str(exc), line=where.line(key), column=key) from None


def _estimation(raw: dict[str, Any], where: _Where) -> EstimationSpec | FileEstimation | None:
    """[estimation]: on the store (method, years, ...) or on a file (formula, term, ...)."""
    body = raw.get("estimation")
    if isinstance(body, dict) and "formula" in body:
        return _section(raw, "estimation", FileEstimation, where)
    return _section(raw, "estimation", EstimationSpec, where)


def _effect(raw: dict[str, Any], where: _Where) -> AgreementEffect:
    if "agreement_effect" not in raw:
        return BOOK_EFFECT
    try:
        value = float(raw["agreement_effect"])
        se = raw.get("agreement_effect_se")
        return supplied(value, None if se is None else float(se), f"given in {where.path.name}")
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            where.path,
            f"agreement_effect must be a number in log points: {exc}",
            line=where.line("agreement_effect"),
            column="agreement_effect",
        ) from None


def _elasticity(raw: dict[str, Any], where: _Where) -> DistanceElasticity | None:
    if "distance_elasticity" not in raw:
        if "distance_elasticity_se" in raw:
            raise DataFormatError(
                where.path,
                "distance_elasticity_se without distance_elasticity",
                line=where.line("distance_elasticity_se"),
                column="distance_elasticity_se",
            )
        return None
    try:
        se = raw.get("distance_elasticity_se")
        return supplied_elasticity(
            raw["distance_elasticity"],
            None if se is None else float(se),
            f"given in {where.path.name}",
        )
    except (InputError, TypeError, ValueError) as exc:
        field_ = "distance_elasticity_se" if "s.e." in str(exc) else "distance_elasticity"
        raise DataFormatError(
            where.path, str(exc), line=where.line(field_), column=field_
        ) from None


def _section(raw: dict[str, Any], name: str, cls: type, where: _Where) -> Any:
    body = raw.get(name)
    if body is None:
        return None
    if not isinstance(body, dict):
        raise DataFormatError(where.path, f"[{name}] must be a table")
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(body) - known)
    if unknown:
        raise DataFormatError(
            where.path,
            f"[{name}]: unknown field(s) {unknown}",
            line=where.line(unknown[0], f"[{name}]"),
            fix=f"fields are {', '.join(sorted(known))}",
        )
    args = {k: tuple(v) if isinstance(v, list) else v for k, v in body.items()}
    try:
        return cls(**args)
    except (InputError, TypeError) as exc:
        raise DataFormatError(where.path, f"[{name}]: {exc}") from None


def _country(value: Any, field_: str, where: _Where) -> str:
    try:
        return countries.lookup(str(value))
    except UnknownCodeError as exc:
        raise UnknownCodeError(
            "country", str(value), exc.suggestions, where=where.at(field_, str(value))
        ) from None


def load(path: str | Path) -> Scenario:
    """Read a scenario TOML file (see bilat/scenarios/data/*.toml for the layout)."""
    p = Path(path)
    if not p.exists():
        # a shipped scenario may be named without its folder or its .toml suffix
        name = p.name if p.suffix == ".toml" else f"{p.name}.toml"
        shipped = resources.files("bilat.scenarios") / "data" / name
        if shipped.is_file():
            p = Path(str(shipped))
        else:
            raise InputError(
                f"scenario file {path} not found; shipped ones: {', '.join(shipped_names())}"
            )
    raw, text = read_toml(p)
    # every key, type, bound and choice first (one schema, shared with the API's jobs)
    validate_scenario(raw, text, p)
    where = _Where(p, text)
    defined = _groups(raw.get("groups"), where)
    routes = parse_routes(raw, text, p, defined)
    shocks = tuple(
        _shock_from(t, k + 1, where, defined, routes) for k, t in enumerate(raw.get("shock", []))
    )
    if not shocks:
        raise DataFormatError(p, "no [[shock]] tables", fix="add at least one [[shock]]")
    focus = raw.get("focus")
    if focus is not None:
        if not (isinstance(focus, list) and len(focus) == 2):
            raise DataFormatError(p, "focus must be a pair of countries, e.g. ['RUS', 'KOR']")
        focus = tuple(_country(c, "focus", where) for c in focus)
    try:
        sigma = check_sigma(raw.get("sigma", 7.0))
    except InputError as exc:
        line = where.line("sigma")
        raise InputError(f"{p}" + (f", line {line}" if line else "") + f": {exc}") from None
    return Scenario(
        name=raw.get("name", p.stem),
        shocks=shocks,
        year=int(raw.get("year", 2016)),
        sigma=sigma,
        reference=_country(raw.get("reference", "DEU"), "reference", where),
        data=raw.get("data", "penppml"),
        focus=focus,
        exports_exceed_gdp=raw.get("exports_exceed_gdp", "floor"),
        notes=tuple(raw.get("notes", ())),
        effect=_effect(raw, where),
        estimation=_estimation(raw, where),
        uncertainty=_section(raw, "uncertainty", UncertaintySpec, where),
        groups=defined,
        path=str(p),
        elasticity=_elasticity(raw, where),
        routes=routes,
        deficits=_choice(raw, "deficits", Deficits, DEFAULT_DEFICITS, where),  # type: ignore[arg-type]
        normalisation=_choice(  # type: ignore[arg-type]
            raw, "normalisation", Normalisation, DEFAULT_NORMALISATION, where
        ),
        baseline_file=_section(raw, "baseline", FileBaseline, where),
    )


def shipped_names() -> list[str]:
    """Names of the scenario files shipped with bilat."""
    return sorted(
        f.name
        for f in (resources.files("bilat.scenarios") / "data").iterdir()
        if f.name.endswith(".toml")
    )


# ------------------------------------------------------------------------------ running
def open_store(store: Store | str | os.PathLike[str] | None) -> Store:
    """A Store from a Store, a path, or None (BILAT_STORE, else the per-user folder)."""
    from bilat.store import Store

    return store if isinstance(store, Store) else Store(store)


def baseline_for(
    scenario: Scenario, store: Store | str | os.PathLike[str] | None = None
) -> Baseline:
    """The scenario's baseline: its year's flows, calibrated, from its data file or the store.

    From the store, home trade is GDP minus exports; a ``[baseline]`` file has its own.
    """
    from bilat.scenarios.gravity import build_panel

    if scenario.baseline_file is not None:
        return scenario.baseline_file.baseline(scenario.year, scenario.reference, scenario.path)

    inputs = read_inputs(open_store(store), [scenario.year], source=scenario.data)
    panel = build_panel(
        inputs.flows,
        agreements=inputs.agreements,
        macro=inputs.gdp,
        need=("rta",),
        exports_exceed_gdp=scenario.exports_exceed_gdp,  # type: ignore[arg-type]
    )
    d = panel.data
    # keep economies that trade: a country with no exports and no imports has no resistance
    active = d[(d["exporter"] != d["importer"]) & (d["trade"] > 0)]
    keep = set(active["exporter"]) & set(active["importer"])
    d = d[d["exporter"].isin(keep) & d["importer"].isin(keep)]
    year_flows = inputs.flows[inputs.flows["year"] == scenario.year]
    gdp_year = inputs.gdp[inputs.gdp["year"] == scenario.year] if len(inputs.gdp) else inputs.gdp
    dropped = dropped_from_panel(
        set(year_flows["exporter"]) | set(year_flows["importer"]),
        set(panel.data["exporter"]),
        set(gdp_year["country"]) if len(gdp_year) else set(),
        scenario.year,
        home_from_gdp=panel.internal_trade == "gdp",
        exporters=set(year_flows.loc[year_flows["exporter"] != year_flows["importer"], "exporter"]),
        trading=keep,
    )
    base = Baseline.from_frame(
        d,
        reference=scenario.reference,
        agreements="rta",
        year=scenario.year,
        notes=(
            f"baseline: observed {scenario.year} flows ({scenario.data}, "
            f"{'all goods' if inputs.product == 'TOTAL' else 'manufacturing (MANUF)'}, release "
            f"{', '.join(inputs.releases)}, read from the store) calibrated exactly "
            "(t_ij^(1-σ) ∝ X_ij / (Y_i E_j)); pairs with no trade stay at zero",
            f"agreements in force: the store's agreements table (DESTA-derived), {scenario.year}",
            *panel.notes,
        ),
    )
    base = replace(base, dropped=dropped)
    if needs_distances(scenario):
        dist = read_distances(open_store(store))
        base = base.with_distances(
            dist, "pair distances: the store's GeoDist table (dist, km, population-weighted)"
        )
    return base


def needs_distances(scenario: Scenario) -> bool:
    """True if a distance shock gives a new distance in km without the current route's km."""
    return any(isinstance(s, DistanceChange) and s.ratio is None for s in scenario.shocks)


def read_distances(store: Store) -> Any:
    """GeoDist pair distances (exporter, importer, dist km) from the store."""
    from bilat.errors import NoDataError

    d = store.table("distances").select("exporter", "importer", "dist").execute()
    if d.empty:
        raise NoDataError(
            "the store has no distances (CEPII GeoDist), needed for new_km without current_km; "
            "load them with `bilat data bundle ../shared/data --store PATH` or give current_km"
        )
    return d


def agreement_effect(
    scenario: Scenario, store: Store | str | os.PathLike[str] | None = None
) -> AgreementEffect:
    """The effect the scenario's agreement shocks take: estimated if asked, else given/book."""
    if scenario.estimation is None:
        return scenario.effect
    if isinstance(scenario.estimation, FileEstimation):
        return scenario.estimation.effect(scenario.baseline_file, scenario.path)
    return estimate_effect_cached(
        open_store(store),
        scenario.estimation,
        year=scenario.year,
        source=scenario.data,
        exports_exceed_gdp=scenario.exports_exceed_gdp,  # type: ignore[arg-type]
    )


def distance_elasticity(
    scenario: Scenario, store: Store | str | os.PathLike[str] | None = None
) -> DistanceElasticity:
    """δ for the scenario's distance shocks: supplied, else a GeoDist PPML on the store.

    The estimation uses the scenario's [estimation] years and countries with method 'geodist'
    (default: the baseline year alone), so δ comes from the same data as the baseline.
    """
    if scenario.elasticity is not None:
        return scenario.elasticity
    spec = scenario.estimation
    if isinstance(spec, FileEstimation):
        raise InputError(
            "a distance shock on a file-based scenario needs distance_elasticity (the file's "
            "[estimation] gives the agreement effect only)"
        )
    spec = (
        EstimationSpec(method="geodist", years=(scenario.year,))
        if spec is None
        else replace(spec, method="geodist")
    )
    fit = estimate_effect_cached(
        open_store(store),
        spec,
        year=scenario.year,
        source=scenario.data,
        exports_exceed_gdp=scenario.exports_exceed_gdp,  # type: ignore[arg-type]
    )
    return elasticity_from(fit)


def run(
    scenario: Scenario,
    store: Store | str | os.PathLike[str] | None = None,
    *,
    baseline: Baseline | None = None,
    **solver: Any,
) -> ScenarioResult:
    """Solve a scenario on the store's data (or its data file, or a given baseline).

    With ``scenario.uncertainty``, intervals by normal draws or the pairs bootstrap.
    """
    estimates = isinstance(scenario.estimation, EstimationSpec) or (
        scenario.uses_elasticity and scenario.elasticity is None
    )
    from_store = baseline is None and scenario.baseline_file is None
    st = open_store(store) if from_store or estimates else None
    effect = agreement_effect(scenario, st) if scenario.uses_effect else None
    delta = distance_elasticity(scenario, st) if scenario.uses_elasticity else None
    base = baseline or baseline_for(scenario, st)
    shocks = with_parameters(
        scenario.shocks,
        effect.value if effect else None,
        delta.value if delta else None,
    )
    ge = simulate(
        base,
        shocks,
        sigma=scenario.sigma,
        description=scenario.name,
        deficits=scenario.deficits,
        normalisation=scenario.normalisation,
        **solver,
    )
    notes = list(scenario.notes)
    if delta is not None:
        notes.insert(0, str(delta))
        notes.insert(
            1,
            "distance to trade costs: T'_ij = T_ij·(s·(d'/d)^δ + 1 − s) with T = t^(1-σ), "
            "s the usable share of the year (the trade-cost index averages the year)",
        )
    if effect is not None:
        notes.insert(0, str(effect))
    # economies the baseline left out, and the groups of the shocks that lose them
    notes = dropped_notes(scenario, base) + notes
    ge = replace(ge, notes=ge.notes + tuple(notes))
    uncertainty = None
    if scenario.uncertainty is not None:
        uncertainty = _intervals(scenario, base, effect, delta)
    return ScenarioResult(
        scenario=scenario, ge=ge, effect=effect, uncertainty=uncertainty, elasticity=delta
    )


def _intervals(
    scenario: Scenario,
    base: Baseline,
    effect: AgreementEffect | None,
    delta: DistanceElasticity | None,
) -> Any:
    """Draws of the parameters the scenario's shocks take: normal (need an s.e.) or bootstrap."""
    spec = scenario.uncertainty
    if spec is not None and spec.method == "bootstrap":
        if effect is None or effect.sample is None or effect.cluster is None:
            raise InputError(
                "the pairs bootstrap re-estimates the agreement effect, so the scenario must "
                "estimate it ([estimation] with a cluster variable, or --estimate); a supplied "
                "or book effect can only be drawn with method = 'normal'"
            )
        return bootstrap(
            base,
            scenario.shocks,
            sample=effect.sample,
            formula=effect.fit.formula if effect.fit is not None else "",
            term=effect.term,
            cluster=effect.cluster,
            effect=effect.value,
            sigma=scenario.sigma,
            spec=spec,
            pairs=[scenario.focus] if scenario.focus else [],
            blocs=route_blocs(scenario, base),
            deficits=scenario.deficits,
            normalisation=scenario.normalisation,
        )
    missing = []
    if effect is not None and effect.std_error is None:
        missing.append("the agreement effect (give agreement_effect_se or estimate it)")
    if delta is not None and delta.std_error is None:
        missing.append("the distance elasticity (give distance_elasticity_se or estimate it)")
    if (effect is None and delta is None) or missing:
        raise InputError(
            "uncertainty needs an agreement effect or a distance elasticity with a standard "
            "error: "
            + (
                "; ".join(missing)
                if missing
                else "no shock of this scenario takes one (trade-cost shocks are fixed numbers)"
            )
        )
    # one GeoDist fit estimated both: draw them jointly with the fit's covariance
    joint = (
        delta.covariance_with_effect
        if delta is not None
        and effect is not None
        and effect.origin == "estimated"
        and effect.fit is not None
        and "ln_dist" in effect.fit.coefficients.index
        else None
    )
    return monte_carlo(
        base,
        scenario.shocks,
        effect=None if effect is None else effect.value,
        std_error=None if effect is None else effect.std_error,
        elasticity=None if delta is None else delta.value,
        elasticity_se=None if delta is None else delta.std_error,
        covariance=joint,
        sigma=scenario.sigma,
        spec=scenario.uncertainty,
        pairs=[scenario.focus] if scenario.focus else [],
        blocs=route_blocs(scenario, base),
        deficits=scenario.deficits,
        normalisation=scenario.normalisation,
    )


def check_uncertainty(scenario: Scenario) -> None:
    """InputError now, before any data are read, if the scenario's intervals cannot be drawn.

    The checks :func:`run` would make after the solve: the pairs bootstrap needs an effect bilat
    estimates; normal draws need a shock that takes the agreement effect or the distance
    elasticity, with a standard error. The API calls this at submission (a 422, not a failed
    job).
    """
    spec = scenario.uncertainty
    if spec is None:
        return
    if spec.method == "bootstrap":
        if not (scenario.uses_effect and scenario.estimation is not None):
            raise InputError(
                "the pairs bootstrap re-estimates the agreement effect, so the scenario must "
                "estimate it ([estimation] with a cluster variable, or --estimate) and have an "
                "agreement shock that takes it; a supplied or book effect can only be drawn "
                "with method = 'normal'"
            )
        return
    missing = []
    if scenario.uses_effect and scenario.estimation is None and scenario.effect.std_error is None:
        missing.append("the agreement effect (give agreement_effect_se or estimate it)")
    if (
        scenario.uses_elasticity
        and scenario.elasticity is not None
        and scenario.elasticity.std_error is None
    ):
        missing.append("the distance elasticity (give distance_elasticity_se or estimate it)")
    if missing or not (scenario.uses_effect or scenario.uses_elasticity):
        raise InputError(
            "uncertainty needs an agreement effect or a distance elasticity with a standard "
            "error: "
            + (
                "; ".join(missing)
                if missing
                else "no shock of this scenario takes one (trade-cost shocks and shocks with "
                "their own effect or elasticity are fixed numbers), so there is nothing to draw"
            )
        )


def focus_table(result: Any, pair: tuple[str, str]) -> Any:
    """Both directions of a pair and turnover: baseline USD and % changes (conditional, full)."""
    ge = getattr(result, "ge", result)
    return ge.bilateral(*pair)

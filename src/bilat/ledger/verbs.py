"""The registry of ledger verbs: from it the CLI's ledger commands (``bilat flows`` …) and the
API's ledger routes (``/api/flows`` …) are made, and the report takes its index sections.

A verb names its parameters once — their type (a vocabulary of ``ledger.vocabulary`` for a
choice), default, CLI spelling and help, API alias, bounds and description — the library
call that answers it (``answer``: a function of the session and the parsed options, importing
the ledger where it runs), its result type and its output formats. ``bilat.cli.verbs`` turns
each into a Typer command, ``bilat.api.routes.verbs`` into a FastAPI route; a verb registered
here (``register``) appears in both. A new index is one entry of ``INDICES``: the CLI's
``--index``, the API's ``/api/indices/{index}`` and the report's sections follow.

Plain Python: importing this module imports no pandas, ibis or duckdb (the CLI reads it at
start-up to build its commands; tests/test_startup.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from bilat.errors import InputError
from bilat.ledger import vocabulary as v

if TYPE_CHECKING:
    from bilat.ledger.results import LedgerResult
    from bilat.store.session import StoreSession

#: A parameter with no default: the caller must give it.
REQUIRED: Any = ...
#: The output formats of a ledger result (``bilat.cli.output``).
DATA_FORMATS = ("text", "json", "csv", "xlsx", "parquet")


def choices(vocabulary: Any, last: str = " or ") -> str:
    """'turnover, exports or imports' from a Literal's values."""
    values = [str(x) for x in get_args(vocabulary)]
    return ", ".join(values[:-1]) + last + values[-1] if len(values) > 1 else "".join(values)


@dataclass(frozen=True)
class Param:
    """One parameter of a verb, for both interfaces.

    ``kind`` is a Python type (``str``, ``int``, ``float``, ``bool``) or a ``Literal``
    vocabulary; ``optional`` adds ``| None``. At the CLI a vocabulary is taken as text and
    checked by the ledger (its message names the choices); at the API it is the ``Literal``
    itself (422 naming the field). ``flag`` is the CLI's spelling (``--base-year``; default
    ``--`` and the name with dashes; ``""``: a positional argument); ``alias`` the API's query
    name (``from``); ``path``: an API path parameter; ``bounds`` the API's constraints (``ge``,
    ``le``, ``gt``, ``min_length`` …). ``cli_default`` differs from ``default`` where the CLI
    has one the API has not (``--index intensity``). ``span``: one of year / from / to, which
    each interface turns into the ``years`` asked; ``economy``: a side of the relationship,
    which the API resolves first (422 with suggestions for an unknown one).
    """

    name: str
    kind: Any
    default: Any = REQUIRED
    help: str = ""
    description: str | None = None
    flag: str | None = None
    alias: str | None = None
    optional: bool = False
    path: bool = False
    bounds: Mapping[str, Any] = field(default_factory=dict)
    cli_default: Any = REQUIRED
    in_cli: bool = True
    in_api: bool = True
    span: bool = False
    economy: bool = False

    @property
    def cli_flag(self) -> str:
        return self.flag if self.flag is not None else "--" + self.name.replace("_", "-")

    @property
    def at_cli_default(self) -> Any:
        return self.default if self.cli_default is REQUIRED else self.cli_default

    @property
    def vocabulary(self) -> tuple[str, ...]:
        """The values of a ``Literal`` kind, else ()."""
        return tuple(get_args(self.kind)) if getattr(self.kind, "__origin__", None) else ()


# ---------------------------------------------------------------- the parameters, once
A = Param(
    "a",
    str,
    help="First economy: ISO3, name, alias, group (EAEU) or region.",
    description="Economy: ISO3 code, name, alias or demonym, or a group such as EAEU.",
    flag="",
    bounds={"min_length": 1, "max_length": 80},
    economy=True,
)
B = Param(
    "b",
    str,
    help="Second economy, as for the first.",
    description=A.description,
    flag="",
    bounds={"min_length": 1, "max_length": 80},
    economy=True,
)


def _span(name: str, words: str, **spelling: Any) -> Param:
    """One of year / from / to: an optional year of 1900–2100, the same words at both."""
    bounds = {"ge": 1900, "le": 2100}
    return Param(name, int, None, words, words, optional=True, bounds=bounds, span=True, **spelling)


YEAR = _span("year", "One year.")
FROM = _span("first", "First year of a span.", flag="--from", alias="from")
TO = _span("last", "Last year of a span.", flag="--to", alias="to")
SOURCE = Param(
    "source",
    str,
    None,
    help="Use only this source (e.g. penppml).",
    description="Use only this source (e.g. penppml); default: the ledger's choice.",
    optional=True,
    bounds={"pattern": r"^[A-Za-z0-9_.-]{1,40}$"},
)
BASIS = Param("basis", v.Basis, "auto", help=choices(v.Basis) + " (who reported).")
SPAN = (YEAR, FROM, TO)


# ---------------------------------------------------------------- the verbs
#: How a verb uses ``--products`` at the CLI: the ledger answers over those codes only
#: (``codes``), or its rows are cut to them afterwards (``restrict``); None: no option.
Products = Literal["codes", "restrict"] | None


@dataclass(frozen=True)
class Verb:
    """A ledger question asked the same way at the CLI and the API.

    ``summary`` is the CLI command's help, ``description`` the API route's (default the
    same). ``answer(session, **options)`` computes it: the options are the parameters by name
    (the span given as ``years``), plus ``products`` (HS codes) for a verb whose ``products``
    is ``codes``. ``what`` names it in a timeout message ("the flows query took longer …";
    ``{name}`` filled from the options); ``check`` refuses a combination of options
    (``ParamError`` naming the parameter), ``check_products`` one with ``--products``.
    ``direct(store_path, engine, **options)`` is a faster way to the same answer at the CLI
    (no ibis), or None when it does not apply.
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    answer: Callable[..., LedgerResult]
    description: str = ""
    result: str = "LedgerResult"
    formats: tuple[str, ...] = DATA_FORMATS
    products: Products = None
    what: str = ""
    check: Callable[[Mapping[str, Any]], None] | None = None
    check_products: Callable[[Mapping[str, Any]], None] | None = None
    direct: Callable[..., object | None] | None = None
    cli: bool = True
    api: bool = True
    path: str = ""

    @property
    def api_path(self) -> str:
        """The route: ``/api/<name>`` and its path parameters."""
        if self.path:
            return self.path
        tail = "".join(f"/{{{p.name}}}" for p in self.params if p.path and p.in_api)
        return f"/api/{self.name}{tail}"

    def query_name(self, options: Mapping[str, Any]) -> str:
        """What the query is called in a timeout message: "flows query", "rca query" …"""
        return (self.what or f"{self.name} query").format(**options)

    @property
    def api_description(self) -> str:
        return self.description or self.summary

    @property
    def spans(self) -> bool:
        return any(p.span for p in self.params)

    def refused(
        self, options: Mapping[str, Any], spelled: Callable[[Param], str]
    ) -> tuple[Param, str] | None:
        """None when ``check`` accepts ``options``; else the parameter it refuses and why, the
        parameter named as ``spelled`` names it (``--year`` at the CLI, ``year`` at the API)."""
        if self.check is None:
            return None
        try:
            self.check(options)
        except ParamError as exc:
            p = next(p for p in self.params if p.name == exc.param)
            return p, exc.template.format(**{exc.param: spelled(p)})
        return None


def signature(params: Iterable[tuple[str, Any, Any]]) -> inspect.Signature:
    """A keyword-only signature of ``(name, annotation, default)``, ``REQUIRED``: no default;
    Typer and FastAPI read a command's or a route's parameters from it."""
    return inspect.Signature(
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation,
                default=inspect.Parameter.empty if default is REQUIRED else default,
            )
            for name, annotation, default in params
        ]
    )


_VERBS: dict[str, Verb] = {}


def register(verb: Verb) -> Verb:
    """Add ``verb`` (replacing one of the same name): the CLI and the API built after this
    have it."""
    _VERBS[verb.name] = verb
    return verb


def unregister(name: str) -> None:
    """Remove a verb (a test's own)."""
    _VERBS.pop(name, None)


def verbs() -> tuple[Verb, ...]:
    """Every registered verb, in registration order (the CLI's help lists them so)."""
    return tuple(_VERBS.values())


def verb(name: str) -> Verb:
    """The verb called ``name``."""
    try:
        return _VERBS[name]
    except KeyError:
        raise InputError(f"no ledger verb {name!r}; verbs are {', '.join(_VERBS)}") from None


# ---------------------------------------------------------------- the answers
def _flows(s: StoreSession, a: str, b: str, **o: Any) -> LedgerResult:
    from bilat.ledger.flows import bilateral_flows

    return bilateral_flows(s, a, b, **o)


def _direct_flows(
    store: Any, engine: str | None, a: str, b: str, *, frequency: str, **o: Any
) -> object | None:
    """Two countries, all goods, annual: two parameterised queries, no ibis to import or
    compile (the usual question at the prompt); None for any other question."""
    if frequency != "annual":
        return None
    from bilat.errors import BilatError
    from bilat.ledger.flows_direct import direct_flows
    from bilat.settings import store_path
    from bilat.store import Store

    try:
        quick = direct_flows(Store(store_path(store), engine=engine), a, b, **o)
    except BilatError:  # the options are wrong: the ledger then says so
        return None
    return quick  # printed as its FlowsResult would be, without pandas


def _rank(s: StoreSession, a: str, b: str | None, *, years: Any, top: int, **o: Any) -> Any:
    from bilat.ledger.ranks import partner_rank, top_partners

    if b is None:
        return top_partners(s, a, years[0], n=top, **o)
    return partner_rank(s, a, b, years=years, **o)


def _rank_check(o: Mapping[str, Any]) -> None:
    if o["b"] is None and (not o["years"] or len(o["years"]) != 1):
        raise ParamError("year", "the top list needs one {year}")


def _composition(s: StoreSession, a: str, b: str, **o: Any) -> LedgerResult:
    from bilat.ledger.composition import composition

    return composition(s, a, b, **o)


def _mirror_check_products(o: Mapping[str, Any]) -> None:
    if o["totals"]:
        raise InputError("--totals and --products do not go together")


def _mirror(s: StoreSession, a: str, b: str, *, totals: bool, **o: Any) -> LedgerResult:
    from bilat.ledger.mirror import mirror_gaps

    return mirror_gaps(s, a, b, by_product=not totals, **o)


def _target(s: StoreSession, a: str, b: str, *, value: float, by: int, **o: Any) -> Any:
    from bilat.ledger.targets import target_tracker

    base_year = o.pop("base_year")
    return target_tracker(s, a, b, value, by, base_year, **o)


def _ix() -> Any:
    from bilat.ledger import indices

    return indices


#: The trade indices: name → its computation for A and B in a year. One entry here gives the
#: CLI's ``--index NAME``, the API's ``/api/indices/NAME`` and the report's section.
INDICES: dict[str, Callable[..., LedgerResult]] = {
    "rca": lambda s, a, b, year, source: _ix().rca(s, a, year, source=source),
    "complementarity": lambda s, a, b, year, source: _ix().complementarity(
        s, a, b, year, source=source
    ),
    "intensity": lambda s, a, b, year, source: _ix().trade_intensity(s, a, b, year, source=source),
    "grubel-lloyd": lambda s, a, b, year, source: _ix().grubel_lloyd(s, a, b, year, source=source),
    "hhi-product": lambda s, a, b, year, source: _ix().hhi(
        s, a, year, by="product", partner=b, source=source
    ),
    "hhi-market": lambda s, a, b, year, source: _ix().hhi(s, a, year, by="market", source=source),
}


def _index(s: StoreSession, a: str, b: str, *, index: str, year: int, source: str | None) -> Any:
    if index not in INDICES:
        raise InputError(f"index {index!r} is not one of {', '.join(INDICES)}")
    return INDICES[index](s, a, b, year, source)


class ParamError(InputError):
    """An option the verb refuses, naming it: ``{name}`` in the message becomes the CLI's
    ``--name`` or the API's query field."""

    def __init__(self, param: str, message: str) -> None:
        self.param, self.template = param, message
        super().__init__(message.format(**{param: param}))


def _index_kind() -> Any:
    return Literal[tuple(INDICES)]  # type: ignore[valid-type]


def _indices_verb() -> Verb:
    """The ``indices`` verb over the indices of ``INDICES`` as they are now."""
    return Verb(
        "indices",
        "One trade index for A and B, with its formula and the data used.",
        (
            A,
            B,
            Param(
                "year",
                int,
                help="Year of the indices.",
                description="Year of the index.",
                bounds={"ge": 1900, "le": 2100},
            ),
            Param(
                "index",
                _index_kind(),
                help=", ".join(INDICES) + ".",
                description="Which index.",
                path=True,
                cli_default="intensity",
            ),
            SOURCE,
        ),
        _index,
        description="One trade index for A and B (``summary.value``), with its formula and "
        "the data used.",
        result="IndexResult",
        what="{index} query",
    )


def register_index(name: str, compute: Callable[..., LedgerResult]) -> None:
    """Add an index: ``compute(session, a, b, year, source)``. The ``indices`` verb is made
    again, so the CLI and the API built after this accept ``name``."""
    INDICES[name] = compute
    register(_indices_verb())


def unregister_index(name: str) -> None:
    """Remove an index (a test's own)."""
    INDICES.pop(name, None)
    register(_indices_verb())


register(
    Verb(
        "flows",
        "A's exports to B, imports from B, turnover and balance (USD).",
        (
            A,
            B,
            *SPAN,
            Param("frequency", v.Frequency, "annual", help=choices(v.Frequency) + "."),
            BASIS,
            SOURCE,
        ),
        _flows,
        description="A's exports to B, imports from B, turnover and balance by period (USD).",
        result="FlowsResult",
        products="codes",
        direct=_direct_flows,
    )
)
register(
    Verb(
        "rank",
        "B's rank among A's partners (or A's top partners), with value and share.",
        (
            A,
            Param(
                "b",
                str,
                None,
                help="Partner to rank; omit for the top list.",
                description="Partner; omit for top list.",
                flag="",
                optional=True,
                bounds={"min_length": 1, "max_length": 80},
                economy=True,
            ),
            *SPAN,
            Param("by", v.By, "turnover", help=choices(v.By) + "."),
            Param(
                "top",
                int,
                10,
                help="How many partners in the top list.",
                description="Size of the top list.",
                bounds={"ge": 1, "le": 250},
            ),
            SOURCE,
        ),
        _rank,
        description="B's rank among A's country partners per year, or A's top partners in one "
        "year.",
        result="RankResult",
        products="codes",
        check=_rank_check,
    )
)
register(
    Verb(
        "composition",
        "What A and B trade, by HS level or by sector basket (nine bridges).",
        (
            A,
            B,
            *SPAN,
            Param("level", v.Level, "chapter", help=choices(v.Level) + "."),
            Param("direction", v.Direction, "exports", help=choices(v.Direction) + "."),
            Param(
                "top",
                int,
                None,
                help="Largest N groups per year.",
                description="Largest N per year.",
                optional=True,
                bounds={"ge": 1, "le": 500},
            ),
            SOURCE,
        ),
        _composition,
        description="What A and B trade, by HS level or by sector basket (nine bridges), "
        "values in USD.",
        result="CompositionResult",
        products="restrict",
    )
)
register(_indices_verb())
register(
    Verb(
        "mirror",
        "A's reported exports to B against B's reported imports from A, and the reverse.",
        (
            A,
            B,
            *SPAN,
            Param(
                "totals",
                bool,
                False,
                help="Totals only, not by product.",
                description="Totals only, not by product.",
            ),
            SOURCE,
        ),
        _mirror,
        description="A's reported exports to B against B's reported imports from A, and the "
        "reverse (USD).",
        result="MirrorResult",
        products="restrict",
        check_products=_mirror_check_products,
    )
)
register(
    Verb(
        "target",
        "Progress towards a target: required and actual CAGR, trend, verdict.",
        (
            A,
            B,
            Param(
                "value",
                float,
                help="Target in USD, e.g. 30e9.",
                description="Target in USD, e.g. 30e9.",
                bounds={"gt": 0, "le": 1e15},
            ),
            Param(
                "by",
                int,
                help="Year the target is for.",
                description="Year the target is for.",
                bounds={"ge": 1900, "le": 2100},
            ),
            Param(
                "base_year",
                int,
                help="Year the target starts from.",
                description="Year it starts from.",
                bounds={"ge": 1900, "le": 2100},
            ),
            Param("measure", v.Measure, "turnover", help=choices(v.Measure) + "."),
            SOURCE,
        ),
        _target,
        description="Progress towards a target: required and actual CAGR, trend, verdict "
        "(``summary``).",
        result="TargetResult",
    )
)


# ---------------------------------------------------------------- the report's sections
@dataclass(frozen=True)
class Ask:
    """What the report asks of every section: the two sides, the span (``years``; None: all),
    the one reference ``year`` of the point-in-time sections, the source, the HS codes of a
    partial report, and the target (``value``, ``year``, ``base_year``, ``measure``) if any."""

    a: Any
    b: Any
    years: tuple[int, ...] | None
    year: int
    source: str | None = None
    products: tuple[str, ...] | None = None
    target: Any = None


@dataclass(frozen=True)
class Section:
    """One section of the report (``report.profile``): its name there, how it is computed
    from the session and the report's ``Ask``, and when it is asked at all."""

    name: str
    build: Callable[[StoreSession, Ask], LedgerResult]
    when: Callable[[Ask], bool] | None = None


def _growth(s: StoreSession, q: Ask) -> LedgerResult:
    from bilat.ledger.growth import growth

    return growth(s, q.a, q.b, years=q.years, source=q.source, products=q.products)


def _ranked(swap: bool) -> Callable[[StoreSession, Ask], LedgerResult]:
    def build(s: StoreSession, q: Ask) -> LedgerResult:
        from bilat.ledger.ranks import partner_rank

        a, b = (q.b, q.a) if swap else (q.a, q.b)
        return partner_rank(s, a, b, years=q.years, source=q.source, products=q.products)

    return build


def _composed(**o: Any) -> Callable[[StoreSession, Ask], LedgerResult]:
    def build(s: StoreSession, q: Ask) -> LedgerResult:
        return _composition(s, q.a, q.b, years=(q.year,), source=q.source, **o)

    return build


def _indexed(index: str, swap: bool = False) -> Callable[[StoreSession, Ask], LedgerResult]:
    def build(s: StoreSession, q: Ask) -> LedgerResult:
        a, b = (q.b, q.a) if swap else (q.a, q.b)
        return INDICES[index](s, a, b, q.year, q.source)

    return build


def _mirrored(s: StoreSession, q: Ask) -> LedgerResult:
    from bilat.ledger.mirror import mirror_gaps

    return mirror_gaps(s, q.a, q.b, years=q.year, source=q.source)


def _tracked(s: StoreSession, q: Ask) -> LedgerResult:
    t = q.target
    return _target(
        s, q.a, q.b, value=t.value, by=t.year, base_year=t.base_year, measure=t.measure,
        source=q.source,
    )  # fmt: skip


#: The report's sections, in its order: over the span (growth, ranks; of the products only
#: when the report is), then each point-in-time section for the reference year, then the
#: target when one is set. An index of ``INDICES`` is a section by a line here.
SECTIONS: list[Section] = [
    Section("growth", _growth),
    Section("rank_b_in_a", _ranked(swap=False)),
    Section("rank_a_in_b", _ranked(swap=True)),
    Section("composition_exports", _composed(direction="exports")),
    Section("composition_imports", _composed(direction="imports")),
    Section("sectors", _composed(level="basket", direction="turnover")),
    Section("grubel_lloyd", _indexed("grubel-lloyd")),
    Section("hhi_products", _indexed("hhi-product")),
    Section("mirror", _mirrored),
    Section("complementarity", _indexed("complementarity")),
    Section("rca_a", _indexed("rca")),
    Section("rca_b", _indexed("rca", swap=True)),
    Section("intensity", _indexed("intensity")),
    Section("hhi_markets", _indexed("hhi-market")),
    Section("target", _tracked, when=lambda q: q.target is not None),
]


def report_sections(ask: Ask) -> tuple[Section, ...]:
    """The sections the report computes for ``ask``, in order."""
    return tuple(x for x in SECTIONS if x.when is None or x.when(ask))


__all__ = [
    "INDICES",
    "REQUIRED",
    "SECTIONS",
    "Ask",
    "Param",
    "ParamError",
    "Section",
    "Verb",
    "choices",
    "register",
    "register_index",
    "report_sections",
    "signature",
    "unregister",
    "unregister_index",
    "verb",
    "verbs",
]

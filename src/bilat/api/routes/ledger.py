"""JSON endpoints over the ledger: flows, ranks, composition, indices, mirror gaps, targets,
and the whole profile. Every figure is in current US dollars unless the field says otherwise."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from bilat.api import serialize
from bilat.api.context import ApiContext
from bilat.api.errors import FieldError, field
from bilat.api.models import ErrorOut, LedgerOut, ProfileOut
from bilat.api.routes._common import (
    EconomyParam,
    FromParam,
    SourceParam,
    ToParam,
    YearParam,
    answer,
    context,
    economy,
    pair,
    years,
)

ERRORS = {
    404: {"model": ErrorOut, "description": "The store has no data for what was asked."},
    422: {"model": ErrorOut, "description": "A parameter is not valid (the field is named)."},
    504: {"model": ErrorOut, "description": "The query took too long and was stopped."},
}
router = APIRouter(prefix="/api", tags=["ledger"], responses=ERRORS)
Ctx = Annotated[ApiContext, Depends(context)]


@router.get("/flows", response_model=LedgerOut)
async def flows(
    ctx: Ctx,
    a: EconomyParam,
    b: EconomyParam,
    year: YearParam = None,
    first: FromParam = None,
    last: ToParam = None,
    frequency: Literal["annual", "half", "quarter", "month"] = "annual",
    basis: Literal["auto", "reconciled", "exporter", "importer"] = "auto",
    source: SourceParam = None,
) -> dict:
    """A's exports to B, imports from B, turnover and balance by period (USD)."""
    from bilat.ledger.flows import bilateral_flows

    ea, eb = pair(a, b)
    ys = years(year, first, last)
    return await answer(
        ctx,
        ("flows", ea.code, eb.code, ys, frequency, basis, source),
        lambda s: serialize.ledger(
            bilateral_flows(s, ea, eb, years=ys, frequency=frequency, basis=basis, source=source)
        ),
        "flows query",
    )


@router.get("/rank", response_model=LedgerOut)
async def rank(
    ctx: Ctx,
    a: EconomyParam,
    b: Annotated[
        str | None, Query(min_length=1, max_length=80, description="Partner; omit for top list.")
    ] = None,
    year: YearParam = None,
    first: FromParam = None,
    last: ToParam = None,
    by: Literal["turnover", "exports", "imports"] = "turnover",
    top: Annotated[int, Query(ge=1, le=250, description="Size of the top list.")] = 10,
    source: SourceParam = None,
) -> dict:
    """B's rank among A's country partners per year, or A's top partners in one year."""
    from bilat.ledger.ranks import partner_rank, top_partners

    ys = years(year, first, last)
    if b is None:
        ea = economy(a, "a")
        if ys is None or len(ys) != 1:
            raise FieldError(("query", "year"), "the top list needs one year")
        return await answer(
            ctx,
            ("top", ea.code, ys[0], by, top, source),
            lambda s: serialize.ledger(top_partners(s, ea, ys[0], n=top, by=by, source=source)),
            "rank query",
        )
    ea, eb = pair(a, b)
    return await answer(
        ctx,
        ("rank", ea.code, eb.code, ys, by, source),
        lambda s: serialize.ledger(partner_rank(s, ea, eb, years=ys, by=by, source=source)),
        "rank query",
    )


@router.get("/composition", response_model=LedgerOut)
async def composition(
    ctx: Ctx,
    a: EconomyParam,
    b: EconomyParam,
    year: YearParam = None,
    first: FromParam = None,
    last: ToParam = None,
    level: Literal["section", "chapter", "heading", "product", "basket"] = "chapter",
    direction: Literal["exports", "imports", "turnover"] = "exports",
    top: Annotated[int | None, Query(ge=1, le=500, description="Largest N per year.")] = None,
    source: SourceParam = None,
) -> dict:
    """What A and B trade, by HS level or by sector basket (nine bridges), values in USD."""
    from bilat.ledger.composition import composition as build

    ea, eb = pair(a, b)
    ys = years(year, first, last)
    return await answer(
        ctx,
        ("composition", ea.code, eb.code, ys, level, direction, top, source),
        lambda s: serialize.ledger(
            build(s, ea, eb, years=ys, level=level, direction=direction, top=top, source=source)
        ),
        "composition query",
    )


IndexName = Literal[
    "rca", "complementarity", "intensity", "grubel-lloyd", "hhi-product", "hhi-market"
]


@router.get("/indices/{index}", response_model=LedgerOut)
async def indices(
    ctx: Ctx,
    index: Annotated[IndexName, Path(description="Which index.")],
    a: EconomyParam,
    b: EconomyParam,
    year: Annotated[int, Query(ge=1900, le=2100, description="Year of the index.")],
    source: SourceParam = None,
) -> dict:
    """One trade index for A and B (``summary.value``), with its formula and the data used."""
    from bilat.ledger import indices as ix

    ea, eb = pair(a, b)
    builders = {
        "rca": lambda s: ix.rca(s, ea, year, source=source),
        "complementarity": lambda s: ix.complementarity(s, ea, eb, year, source=source),
        "intensity": lambda s: ix.trade_intensity(s, ea, eb, year, source=source),
        "grubel-lloyd": lambda s: ix.grubel_lloyd(s, ea, eb, year, source=source),
        "hhi-product": lambda s: ix.hhi(s, ea, year, by="product", partner=eb, source=source),
        "hhi-market": lambda s: ix.hhi(s, ea, year, by="market", source=source),
    }
    build = builders[index]
    return await answer(
        ctx,
        ("index", index, ea.code, eb.code, year, source),
        lambda s: serialize.ledger(build(s)),
        f"{index} query",
    )


@router.get("/mirror", response_model=LedgerOut)
async def mirror(
    ctx: Ctx,
    a: EconomyParam,
    b: EconomyParam,
    year: YearParam = None,
    first: FromParam = None,
    last: ToParam = None,
    totals: Annotated[bool, Query(description="Totals only, not by product.")] = False,
    source: SourceParam = None,
) -> dict:
    """A's reported exports to B against B's reported imports from A, and the reverse (USD)."""
    from bilat.ledger.mirror import mirror_gaps

    ea, eb = pair(a, b)
    ys = years(year, first, last)
    return await answer(
        ctx,
        ("mirror", ea.code, eb.code, ys, totals, source),
        lambda s: serialize.ledger(
            mirror_gaps(s, ea, eb, years=ys, by_product=not totals, source=source)
        ),
        "mirror query",
    )


@router.get("/target", response_model=LedgerOut)
async def target(
    ctx: Ctx,
    a: EconomyParam,
    b: EconomyParam,
    value: Annotated[float, Query(gt=0, le=1e15, description="Target in USD, e.g. 30e9.")],
    by: Annotated[int, Query(ge=1900, le=2100, description="Year the target is for.")],
    base_year: Annotated[int, Query(ge=1900, le=2100, description="Year it starts from.")],
    measure: Literal["turnover", "exports", "imports"] = "turnover",
    source: SourceParam = None,
) -> dict:
    """Progress towards a target: required and actual CAGR, trend, verdict (``summary``)."""
    from bilat.ledger.targets import target_tracker

    ea, eb = pair(a, b)
    return await answer(
        ctx,
        ("target", ea.code, eb.code, value, by, base_year, measure, source),
        lambda s: serialize.ledger(
            target_tracker(s, ea, eb, value, by, base_year, measure=measure, source=source)
        ),
        "target query",
    )


@router.get("/profile", response_model=ProfileOut)
async def profile(
    ctx: Ctx,
    a: EconomyParam,
    b: EconomyParam,
    year: YearParam = None,
    first: FromParam = None,
    last: ToParam = None,
    source: SourceParam = None,
    products: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Only these products in composition and mirror: HS codes or names, "
            "comma-separated ('27,4403', 'mineral fuels'); see /api/products/search.",
        ),
    ] = None,
    charts: Annotated[
        bool,
        Query(
            description="Also the profile's charts (Plotly JSON, or a note saying what is not "
            "covered) with each chart's rows as CSV: what the web profile draws."
        ),
    ] = False,
) -> dict:
    """The one-page profile of A–B: flows, growth, ranks, composition, sectors, indices, mirror."""
    from bilat.report import profile as build

    ea, eb = pair(a, b)
    ys = years(year, first, last)
    sel = None
    if products is not None:
        from bilat.errors import InputError
        from bilat.reference.products import resolve_products

        try:
            sel = resolve_products(products)
        except InputError as exc:
            raise field(("query", "products"), exc) from None

    def with_charts(prof: object, body: dict) -> dict:
        if not charts:
            return body
        from bilat.report.charts import charts as draw

        return {**body, "charts": [c.to_dict() for c in draw(prof)]}  # type: ignore[arg-type]

    def run(s: object) -> dict:
        if sel is None:
            prof = build(s, ea, eb, years=ys, source=source)
            return with_charts(prof, serialize.profile(prof))
        from bilat.report.products import codes_in, data_revisions, restrict_profile

        revisions = data_revisions(s, source)
        tables = s.hs_tables()  # this store's concordances, else the bundle's
        # flows, growth and ranks of those products only (partial figures, labelled so)
        codes = codes_in(sel, revisions, tables)[0]
        prof = restrict_profile(
            build(s, ea, eb, years=ys, source=source, products=codes), sel, revisions, tables
        )
        return with_charts(prof, {**serialize.profile(prof), "products": sel.to_dict()})

    return await answer(
        ctx,
        ("profile", ea.code, eb.code, ys, source, sel.codes if sel else None, charts),
        run,
        "profile",
    )

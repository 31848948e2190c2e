"""JSON endpoints over the ledger: a route per verb of the registry (flows, ranks, composition,
indices, mirror gaps, targets: ``routes/verbs.py``), and the whole profile. Every figure is in
current US dollars unless the field says otherwise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bilat.api import serialize
from bilat.api.context import ApiContext
from bilat.api.errors import field
from bilat.api.models import ErrorOut, ProfileOut
from bilat.api.routes._common import (
    EconomyParam,
    FromParam,
    SourceParam,
    ToParam,
    YearParam,
    answer,
    context,
    pair,
    years,
)
from bilat.api.routes.verbs import add_routes

ERRORS = {
    404: {"model": ErrorOut, "description": "The store has no data for what was asked."},
    422: {"model": ErrorOut, "description": "A parameter is not valid (the field is named)."},
    504: {"model": ErrorOut, "description": "The query took too long and was stopped."},
}
Ctx = Annotated[ApiContext, Depends(context)]


def make_router() -> APIRouter:
    """The ledger's routes: one per registered verb (``routes/verbs.py``: /api/flows, /api/rank
    …), then the whole profile. Made when the app is, so a verb registered before sees its
    route."""
    router = APIRouter(prefix="/api", tags=["ledger"], responses=ERRORS)
    add_routes(router)
    router.get("/profile", response_model=ProfileOut)(profile)
    return router


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

"""About the server and its data: health, datasets in the store, economies to pick from."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bilat.api.context import ApiContext
from bilat.api.models import DatasetOut, EconomyChoice, HealthOut
from bilat.api.routes._common import context
from bilat.api.serialize import clean

router = APIRouter(prefix="/api", tags=["meta"])
Ctx = Annotated[ApiContext, Depends(context)]


@router.get("/health", response_model=HealthOut)
def health(ctx: Ctx) -> dict:
    """Up, with the store generation and how often the answer cache was hit."""
    from bilat import __version__

    return {
        "status": "ok",
        "version": __version__,
        "generation": ctx.store.generation,
        "cache_hits": ctx.cache.hits,
        "cache_misses": ctx.cache.misses,
    }


@router.get("/datasets", response_model=list[DatasetOut])
async def datasets(ctx: Ctx) -> list[dict]:
    """What the store holds: table, source, dataset, release, rows and years covered."""
    frame = await ctx.runner.run(lambda s: s.datasets(), what="dataset listing")
    frame = frame.drop(columns=["files"], errors="ignore")
    frame["release"] = frame["release"].astype(str)
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return clean(records)


@router.get("/economies", response_model=list[EconomyChoice])
async def economies(
    q: Annotated[
        str | None,
        Query(max_length=80, description="Only those whose code, name or alias contains this."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> list[dict]:
    """Countries and groups with their aliases, for autocomplete (e.g. ``q=korea``)."""
    from bilat.api.catalogue import economies as all_economies

    rows = await asyncio.to_thread(all_economies)
    if q:
        needle = q.strip().casefold()
        rows = tuple(
            r
            for r in rows
            if any(
                needle in str(t).casefold()
                for t in (r["code"], r["name"], *r["aliases"])  # type: ignore[misc]
            )
        )
    return list(rows[:limit])

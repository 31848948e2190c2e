"""Product search for the pages' autocomplete and for clients: HS codes from words (issue 22)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bilat.api.errors import field
from bilat.errors import InputError

router = APIRouter(prefix="/api/products", tags=["products"])


class ProductMatchOut(BaseModel):
    """One HS code found: its level, official description and revision, and what matched."""

    code: str = Field(description="HS code ('2711', '27') or section numeral ('V').")
    level: Literal["section", "chapter", "heading", "subheading"]
    description: str
    revision: str
    score: float = Field(description="0–100; higher is a better match.")
    matched: str = Field(description="The text that matched: a common name or the HS text.")
    via: Literal["code", "name", "description"]
    why: str = Field(description="For a common name, why it means this code.")


class ProductSearchOut(BaseModel):
    """Ranked HS codes for a query, best first."""

    query: str
    revision: str
    matches: list[ProductMatchOut]


@router.get("/search", response_model=ProductSearchOut)
async def search(
    q: Annotated[
        str,
        Query(min_length=1, max_length=120, description="Words or a code: 'LNG', 'crude oil'."),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="How many codes.")] = 10,
    level: Annotated[
        list[Literal["section", "chapter", "heading", "subheading"]] | None,
        Query(description="Only these levels (repeat the parameter)."),
    ] = None,
    revision: Annotated[
        str, Query(pattern=r"^[A-Za-z0-9 ]{2,8}$", description="HS revision: HS22 … HS92.")
    ] = "HS22",
) -> dict:
    """HS sections, chapters, headings and subheadings for a product name, with typos tolerated."""
    from bilat.reference.products import search as find

    try:
        # a few ms of CPU once the index is built; the first call builds it (≈0.2 s)
        result = await asyncio.to_thread(find, q, limit=limit, levels=level, revision=revision)
    except InputError as exc:
        name = "revision" if "revision" in str(exc).lower() else "q"
        raise field(("query", name), exc) from None
    return result.to_dict()

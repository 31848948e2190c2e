"""``POST /api/claims/check``: an article's trade claims checked against the store."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends

from bilat.api import serialize
from bilat.api.context import ApiContext
from bilat.api.models import ClaimsIn, ClaimsOut, ErrorOut
from bilat.api.routes._common import answer, context

router = APIRouter(
    prefix="/api/claims",
    tags=["claims"],
    responses={
        413: {"model": ErrorOut, "description": "The body is over the size limit."},
        422: {"model": ErrorOut, "description": "The body is not valid (the field is named)."},
        504: {"model": ErrorOut, "description": "Checking took too long and was stopped."},
    },
)


@router.post("/check", response_model=ClaimsOut)
async def check(body: ClaimsIn, ctx: Annotated[ApiContext, Depends(context)]) -> dict:
    """Find each quantitative trade claim in the text and check it against the store."""
    from bilat.claims import check as run_check

    # surrogatepass: a lone surrogate (refused by the model) can never make this a 500
    digest = hashlib.sha256(body.text.encode("utf-8", "surrogatepass")).hexdigest()
    return await answer(
        ctx,
        ("claims", digest, body.published, body.is_html),
        lambda s: serialize.claims(
            run_check(body.text, data=s, published=body.published, is_html=body.is_html)
        ),
        "claim check",
        lane="claims",  # its own threads: a burst of articles never queues the ledger's reads
    )

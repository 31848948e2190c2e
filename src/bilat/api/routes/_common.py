"""Parameters every ledger route shares, resolved once with errors that name the field."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Annotated, Any

from fastapi import Path, Query, Request

from bilat.api.context import ApiContext
from bilat.api.errors import FieldError, field
from bilat.errors import InputError
from bilat.ledger import verbs
from bilat.ledger.economies import Economy
from bilat.ledger.verbs import Param
from bilat.store.session import StoreSession


def annotation(p: Param) -> Any:
    """The FastAPI annotation of a registry parameter (``bilat.ledger.verbs``): its type (a
    vocabulary as its ``Literal``) with its bounds, alias and description."""
    kind = p.kind | None if p.optional else p.kind
    where = Path if p.path else Query
    extra: dict[str, Any] = dict(p.bounds)
    if p.alias:
        extra["alias"] = p.alias
    if p.description is not None:
        extra["description"] = p.description
    return Annotated[kind, where(**extra)] if extra else kind


# the parameters every ledger route shares, as the verb registry defines them once
EconomyParam = annotation(verbs.A)
YearParam, FromParam, ToParam = (annotation(p) for p in verbs.SPAN)
SourceParam = annotation(verbs.SOURCE)


def context(request: Request) -> ApiContext:
    """The shared context of the app serving ``request``."""
    return request.app.state.ctx


def economy(text: str, name: str) -> Economy:
    """The economy for query field ``name``; 422 naming the field (with suggestions) if unknown."""
    from bilat.ledger import economies

    try:
        return economies.resolve(text)
    except InputError as exc:
        raise field(("query", name), exc) from None


def pair(a: str, b: str) -> tuple[Economy, Economy]:
    """Both sides, resolved; 422 on ``b`` when both are the same economy."""
    ea, eb = economy(a, "a"), economy(b, "b")
    if ea.code == eb.code:
        raise FieldError(("query", "b"), f"both sides are {ea.code}: give two different economies")
    return ea, eb


def years(year: int | None, first: int | None, last: int | None) -> tuple[int, ...] | None:
    """The years asked: one year, a span, or None for every year the data have."""
    if year is not None and (first is not None or last is not None):
        raise FieldError(("query", "year"), "give year or from/to, not both")
    if year is not None:
        return (year,)
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise FieldError(("query", "from" if first is None else "to"), "from and to go together")
    if last < first:
        raise FieldError(("query", "to"), f"to ({last}) is before from ({first})")
    if last - first > 80:
        raise FieldError(("query", "to"), "a span of at most 80 years")
    return tuple(range(first, last + 1))


async def answer(
    ctx: ApiContext,
    key: tuple[Hashable, ...],
    build: Callable[[StoreSession], Any],
    what: str,
    lane: str = "ledger",
) -> Any:
    """``build(session)`` on the query pool's ``lane``, cached by key and store generation."""
    generation = ctx.store.generation
    return await ctx.cache.get(
        (generation, *key), lambda: ctx.runner.run(build, what=what, lane=lane)
    )

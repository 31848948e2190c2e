"""The API's ledger routes, made from the verb registry (``bilat.ledger.verbs``): one GET route
per verb (``/api/flows`` …), its query and path parameters from the verb's parameters, with
their bounds, aliases and ``Literal`` vocabularies (422 naming the field otherwise).

Each route resolves the economies (422 with suggestions for an unknown one), turns year /
from / to into the years asked, and answers the verb on the query pool, cached by the store
generation and the parameters (``_common.answer``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from bilat.api import serialize
from bilat.api.context import ApiContext
from bilat.api.errors import FieldError
from bilat.api.routes._common import annotation, answer, context, economy, pair, years
from bilat.ledger import verbs as registry
from bilat.ledger.verbs import REQUIRED, Verb, signature

Ctx = Annotated[ApiContext, Depends(context)]


def _signature(verb: Verb) -> Any:
    shown = [p for p in verb.params if p.in_api]
    # path parameters first, as a route's path names them
    ordered = [p for p in shown if p.path] + [p for p in shown if not p.path]
    return signature(
        [("ctx", Ctx, REQUIRED), *((p.name, annotation(p), p.default) for p in ordered)]
    )


def options(verb: Verb, given: Mapping[str, Any]) -> dict[str, Any]:
    """The verb's options from a request: economies resolved, the span as ``years``; a verb's
    refusal (``check``) is a 422 naming the query field."""
    out = {p.name: given[p.name] for p in verb.params if p.in_api and not p.span}
    sides = [p.name for p in verb.params if p.economy and p.in_api]
    if len(sides) == 2 and given[sides[1]] is not None:
        out[sides[0]], out[sides[1]] = pair(given[sides[0]], given[sides[1]])
    elif sides:
        out[sides[0]] = economy(given[sides[0]], sides[0])
    if verb.spans:
        out["years"] = years(given.get("year"), given.get("first"), given.get("last"))
    refused = verb.refused(out, lambda p: p.alias or p.name)
    if refused is not None:
        p, why = refused
        raise FieldError(("path" if p.path else "query", p.alias or p.name), why)
    return out


def _key(verb: Verb, opts: Mapping[str, Any]) -> tuple[Any, ...]:
    """What the answer cache tells apart: the verb and every option (economies by code)."""
    return (verb.name, *(getattr(v, "code", v) for v in opts.values()))


def endpoint(verb: Verb) -> Callable[..., Any]:
    """The route function of ``verb`` (its signature made from the parameters)."""

    async def ledger_route(ctx: ApiContext, **given: Any) -> dict:
        opts = options(verb, given)
        return await answer(
            ctx,
            _key(verb, opts),
            lambda s: serialize.ledger(verb.answer(s, **opts)),
            verb.query_name(opts),
        )

    ledger_route.__signature__ = _signature(verb)  # type: ignore[attr-defined]
    ledger_route.__name__ = verb.name
    ledger_route.__doc__ = verb.api_description
    return ledger_route


def add_routes(router: APIRouter, verbs: tuple[Verb, ...] | None = None) -> None:
    """A GET route on ``router`` for each verb (default: every registered verb)."""
    from bilat.api.models import LedgerOut

    for verb in registry.verbs() if verbs is None else verbs:
        if verb.api:
            router.get(verb.api_path.removeprefix(router.prefix), response_model=LedgerOut)(
                endpoint(verb)
            )


__all__ = ["add_routes", "endpoint", "options"]

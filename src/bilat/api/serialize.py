"""Library results turned into JSON-ready dicts matching ``bilat.api.models`` (NaN → null)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bilat.ledger.results import LedgerResult
from bilat.render.jsonable import jsonable


def clean(obj: Any) -> Any:
    """NaN and infinities as null, numpy scalars plain (``bilat.render.jsonable``)."""
    return jsonable(obj)


def ledger(result: LedgerResult) -> dict[str, Any]:
    """A ledger result as ``LedgerOut``: its ``to_dict``, the shape the CLI prints too."""
    return jsonable(result.to_dict())


def economy(e: Any) -> dict[str, str]:
    """An Economy as ``EconomyOut``."""
    return {"code": e.code, "name": e.name, "kind": e.kind}


def profile(p: Any) -> dict[str, Any]:
    """A report Profile as ``ProfileOut``: ``report.formats.to_dict``, the shape of the
    CLI's ``bilat report --format json``."""
    from bilat.report.formats import to_dict

    return jsonable(to_dict(p))


def claims(result: Any) -> dict[str, Any]:
    """A claims CheckResult as ``ClaimsOut`` (the cleaned text, so spans can be highlighted)."""
    body = result.to_dict()
    body["text"] = result.text
    body["counts"] = dict(Counter(result.verdicts))
    return clean(body)


def scenario(result: Any) -> dict[str, Any]:
    """A ScenarioResult as ``ScenarioResultOut``."""
    body = result.to_dict()
    body.pop("file", None)  # a path on the server: of no use to a client
    return clean(json.loads(json.dumps(body, default=str)))

"""Library results turned into JSON-ready dicts matching ``bilat.api.models`` (NaN → null)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from typing import Any

from bilat.ledger.results import LedgerResult

_BASE_FIELDS = {f.name for f in dataclasses.fields(LedgerResult)}


def clean(obj: Any) -> Any:
    """NaN and infinities become None, numpy scalars plain Python: JSON has no NaN."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "item") and not isinstance(obj, str):
        return clean(obj.item())
    if obj is not None and not isinstance(obj, str | int | bool):
        return str(obj)  # timestamps, pd.NA's relatives: readable rather than a 500
    return obj


def _summary(result: LedgerResult) -> dict[str, Any]:
    """The result's own headline fields (value, verdict, by …); an Economy shows as its code."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        if f.name in _BASE_FIELDS:
            continue
        value = getattr(result, f.name)
        code = getattr(value, "code", None)
        out[f.name] = code if code is not None else value
    return out


def ledger(result: LedgerResult) -> dict[str, Any]:
    """A ledger result as ``LedgerOut``."""
    body = result.to_dict()
    body["summary"] = _summary(result)
    return clean(body)


def economy(e: Any) -> dict[str, str]:
    """An Economy as ``EconomyOut``."""
    return {"code": e.code, "name": e.name, "kind": e.kind}


def profile(p: Any) -> dict[str, Any]:
    """A report Profile as ``ProfileOut``."""
    return {
        "a": economy(p.a),
        "b": economy(p.b),
        "years": list(p.years),
        "year": p.year,
        "flows": ledger(p.flows),
        "sections": {name: ledger(r) for name, r in p.sections.items()},
        "missing": dict(p.missing),
    }


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

"""Library errors as HTTP answers: 422 naming the field, 404 for no data, 504 for timeouts."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bilat.api.context import QueryTimeout
from bilat.errors import (
    BilatError,
    InputError,
    NoDataError,
    NotCoveredError,
    SolverError,
    StoreError,
    UnknownCodeError,
)


class FieldError(InputError):
    """An input error tied to one request field (``loc`` as FastAPI reports it)."""

    def __init__(self, loc: tuple[str, ...], message: str, suggestions: list[str] | None = None):
        self.loc, self.suggestions = loc, list(suggestions or [])
        super().__init__(f"{loc[-1]}: {message}")
        self.message = message


def field(loc: tuple[str, ...], exc: InputError) -> FieldError:
    """Tie a library input error to the request field it came from."""
    return FieldError(loc, str(exc), getattr(exc, "suggestions", None))


def _status(exc: BilatError) -> int:
    if isinstance(exc, QueryTimeout):
        return 504
    if isinstance(exc, NoDataError):
        return 404
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, SolverError):
        return 422
    return 422  # InputError, UnknownCodeError and the rest: the request cannot be answered


async def _bilat_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BilatError)
    if isinstance(exc, FieldError):
        item = {"loc": list(exc.loc), "msg": exc.message, "type": "value_error"}
        if exc.suggestions:
            item["suggestions"] = exc.suggestions
        return JSONResponse({"detail": [item]}, status_code=422)
    detail: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, NotCoveredError):  # what exists instead, as the CLI's JSON shows it
        detail["coverage"] = exc.to_dict()
    if isinstance(exc, UnknownCodeError) and exc.suggestions:
        detail["suggestions"] = exc.suggestions
    return JSONResponse(detail, status_code=_status(exc))


#: Characters of a request's own input echoed back in a 422 (a 100 KB query string is not).
ECHO_CHARS = 200


def _safe(value: Any, depth: int = 0) -> Any:
    """``value`` as strict JSON can hold it: NaN, Infinity and 1e999 as text, lone surrogates
    escaped, long text cut to ``ECHO_CHARS``, deep or long containers shortened."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value if not isinstance(value, int) or abs(value) < 2**63 else str(value)[:40]
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # 'nan', 'inf'
    if isinstance(value, str):
        text = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return text if len(text) <= ECHO_CHARS else f"{text[:ECHO_CHARS]}… ({len(text):,} chars)"
    if depth > 4:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())[:20]
        return {str(_safe(k, depth + 1)): _safe(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple):
        return [_safe(v, depth + 1) for v in list(value)[:20]]
    return _safe(str(value), depth + 1)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, with the input it echoes made safe: NaN/Infinity in a body no longer
    turn the answer into a 500, and a huge query string is not sent back whole."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        item = {k: v for k, v in err.items() if k in ("type", "loc", "msg", "input")}
        if "ctx" in err:
            item["ctx"] = {k: str(v)[:ECHO_CHARS] for k, v in err["ctx"].items()}
        errors.append(_safe(item))
    return JSONResponse({"detail": errors}, status_code=422)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(BilatError, _bilat_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

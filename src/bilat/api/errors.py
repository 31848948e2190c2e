"""Library errors as HTTP answers: 422 naming the field, 404 for no data, 504 for timeouts."""

from __future__ import annotations

from fastapi import FastAPI, Request
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


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(BilatError, _bilat_error)

"""One exception family for everything a user can get wrong.

Each class also inherits the matching built-in, so callers can catch either
``BilatError`` or, say, ``ValueError``. Messages name the file, line or field and the fix.
"""

from __future__ import annotations

from pathlib import Path


class BilatError(Exception):
    """Base of every error bilat raises on purpose."""


class InputError(BilatError, ValueError):
    """An argument or a value given by the user is not valid."""


class UnknownCodeError(InputError, LookupError):
    """A country, group or product code that bilat does not know."""

    def __init__(self, kind: str, code: str, suggestions: list[str] | None = None, where: str = ""):
        self.kind, self.code, self.suggestions = kind, code, list(suggestions or [])
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else ""
        )
        loc = f"{where}: " if where else ""
        super().__init__(f"{loc}unknown {kind} {code!r}{hint}")


class DataFormatError(InputError):
    """A source file that cannot be read as the format it claims to be."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        fix: str = "",
    ):
        self.path, self.line, self.column, self.problem = str(path), line, column, problem
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        msg = f"{where}: {problem}"
        if fix:
            stop = "" if problem.endswith((".", "?", "!")) else "."
            msg += f"{stop} {fix[:1].upper()}{fix[1:]}"
        super().__init__(msg)


class StoreError(BilatError, RuntimeError):
    """The store is missing, locked or inconsistent."""


class NoDataError(BilatError, LookupError):
    """The store has no data for what was asked (a year, a pair, a granularity)."""


class SolverError(BilatError, RuntimeError):
    """A numerical solver did not converge; carries its diagnostics."""

    def __init__(self, message: str, diagnostics: dict[str, float] | None = None):
        self.diagnostics = dict(diagnostics or {})
        super().__init__(message)


class NotCoveredError(NoDataError):
    """The store's data do not cover the question asked (its period, economies, flow or products).

    Never answered from other data: ``exists`` says what the store does hold near the question
    (partial sources, other years) and ``nearest`` gives figures of the nearest covered periods,
    as context only. ``to_dict()`` is the JSON shape every interface shows.
    """

    def __init__(
        self,
        question: str,
        *,
        reason: str = "",
        exists: list[str] | None = None,
        nearest: list[dict] | None = None,
        hint: str = "",
    ):
        self.question, self.reason = question, reason
        self.exists, self.nearest, self.hint = list(exists or []), list(nearest or []), hint
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [f"not covered: {self.question}"]
        if self.reason:
            parts[0] += f" ({self.reason})"
        if self.nearest:
            figures = "; ".join(n["text"] for n in self.nearest)
            parts.append(f"nearest covered: {figures}")
        if self.exists:
            parts.append("in the store: " + "; ".join(self.exists))
        if self.hint:
            parts.append(self.hint)
        return ". ".join(parts)

    def with_nearest(self, nearest: list[dict]) -> NotCoveredError:
        """The same answer with context figures of the nearest covered periods."""
        return NotCoveredError(
            self.question, reason=self.reason, exists=self.exists, nearest=nearest, hint=self.hint
        )

    def to_dict(self) -> dict:
        """JSON-ready: ``status`` = ``not_covered`` plus the question and what exists."""
        return {
            "status": "not_covered",
            "question": self.question,
            "reason": self.reason,
            "exists": self.exists,
            "nearest": self.nearest,
            "hint": self.hint,
            "message": str(self),
        }

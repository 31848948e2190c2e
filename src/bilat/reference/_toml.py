"""Reading bilat's hand-written TOML files with errors that name the file, line and field.

:func:`read_toml` parses; :func:`validate` checks the parsed file against a pydantic model
(unknown keys refused with the closest valid one, wrong types, missing keys), every problem
located by :func:`key_lines`. The scenario and route schemas (``bilat.scenarios.schema``) use
the same key locating with messages of their own; baskets and groups use :func:`validate`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from bilat.errors import DataFormatError

M = TypeVar("M", bound=BaseModel)

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text; syntax errors become DataFormatError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFormatError(path, "file not found", fix="Check the path") from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            path, f"not UTF-8 text ({exc.reason})", fix="Save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = _AT.search(str(exc))
        line = int(m.group(1)) if m else None
        problem = _AT.sub("", str(exc)).strip()
        raise DataFormatError(
            path, f"not valid TOML: {problem}", line=line, fix="Fix the TOML syntax on that line"
        ) from None


def line_of(text: str, needle: str, after: str | None = None) -> int | None:
    """1-based line of the first ``needle`` (a quoted value) after the line holding ``after``."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        for i, ln in enumerate(lines):
            if after in ln:
                start = i
                break
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    return None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_KEY = re.compile(r"""^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_-]+)\s*=""")


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """1-based line of every table header and ``key =`` of a TOML text, by TOML path.

    ``[[shock]]`` tables are numbered from 0 as in the parsed list: ("shock", 1, "percent").
    Keys inside multi-line arrays are not keys (their lines do not start with ``name =``).
    """
    out: dict[tuple[Any, ...], int] = {}
    counts: dict[str, int] = {}
    table: tuple[Any, ...] = ()
    depth = 0  # open brackets of a multi-line array value
    for n, line in enumerate(text.splitlines(), start=1):
        # brackets inside strings and comments do not open or close an array
        stripped = _STRING.sub("", line).split("#", 1)[0]
        if depth == 0:
            m = _HEADER.match(line)
            if m and "=" not in line.split("]", 1)[0]:
                name = m.group(2).strip().strip("\"'")
                if m.group(1) == "[[":
                    k = counts.get(name, 0)
                    counts[name] = k + 1
                    table = (name, k)
                else:
                    table = tuple(name.split("."))
                out.setdefault(table, n)
                continue
            km = _KEY.match(line)
            if km:
                out.setdefault((*table, km.group(1).strip("\"'")), n)
        depth += stripped.count("[") - stripped.count("]")
        depth = max(depth, 0)
    return out


# ------------------------------------------------------------------ pydantic validation
class Table(BaseModel):
    """A table of a hand-written TOML file: unknown keys refused, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _unwrap(annotation: Any) -> Any:
    """The annotation without ``Annotated`` and ``None``: ``Model | None`` -> ``Model``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            # a model or container before a plain type (``str | list[str]``: the list)
            args.sort(key=lambda a: typing.get_origin(_unwrap(a)) is None and not _is_model(a))
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _model_at(root: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model of the table at TOML path ``loc``: fields by name, then a list's items or a
    dict's values (``sectors.gas`` -> the sector table)."""
    current: Any = root
    for part in loc:
        ann = _unwrap(current)
        if _is_model(ann) and issubclass(ann, RootModel):  # a file of tables: {id: table}
            ann = _unwrap(ann.model_fields["root"].annotation)
        if _is_model(ann):
            field = next(
                (f for name, f in ann.model_fields.items() if part in (name, f.alias)), None
            )
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(ann) in (list, dict):
            current = typing.get_args(ann)[-1]
        else:
            return None
    ann = _unwrap(current)
    return ann if _is_model(ann) else None


def _keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _where(loc: Sequence[Any]) -> str:
    """A TOML path as a reader finds it: ``[sectors.gas]``, ``members #2``."""
    parts = [f"#{p + 1}" if isinstance(p, int) else str(p) for p in loc]
    return ".".join(parts).replace(".#", " #")


def _problem(err: dict[str, Any], loc: tuple[Any, ...], root: type[BaseModel]) -> str:
    kind = err["type"]
    key = next((x for x in reversed(loc) if isinstance(x, str)), "")
    where = _where(loc[:-1])
    if kind == "extra_forbidden":
        valid = _keys(_model_at(root, loc[:-1]))
        near = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        table = f"in {where}" if where else "at the top level"
        return f"unknown key {key!r} {table}{hint} Valid keys: {', '.join(valid)}"
    what = f"{_where(loc)}: " if loc else ""
    if kind == "missing":
        return f"{where + ': ' if where else ''}needs {key!r}"
    return f"{what}{err['msg'].lower()}, got {err.get('input')!r}"


def validate(
    model: type[M],
    raw: dict[str, Any],
    text: str,
    path: Path,
    *,
    clean: Callable[[Sequence[Any]], tuple[Any, ...]] = tuple,
    message: Callable[[dict[str, Any], tuple[Any, ...]], str] | None = None,
) -> M:
    """``raw`` (a parsed TOML file) checked against ``model``; DataFormatError naming the
    file, the line and the key of the first problem, and listing the others.

    ``clean`` turns pydantic's error location into the file's TOML path (the scenario schema
    drops its union tags); ``message`` words one problem (default: unknown keys with the
    closest valid one, missing keys, pydantic's own words for the rest).
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        say = message or (lambda err, loc: _problem(err, loc, model))
        lines = key_lines(text)
        located = []
        for err in exc.errors(include_url=False):
            loc = clean(err["loc"])
            line = None
            for cut in range(len(loc), 0, -1):
                line = lines.get(tuple(loc[:cut]))
                if line is not None:
                    break
            located.append((line or 0, loc, err))
        # a misspelt key first: it usually explains a "missing" one in the same table; then
        # the earliest line of the file
        located.sort(key=lambda t: (t[2]["type"] != "extra_forbidden", t[0]))
        line, loc, err = located[0]
        problem = say(err, loc)
        # every other problem too, so one edit fixes the file
        others = [(f"line {n}: " if n else "") + say(e, lc) for n, lc, e in located[1:]]
        if others:
            problem += ". Also: " + "; ".join(others[:9])
            if len(others) > 9:
                problem += f"; and {len(others) - 9} more"
        key = loc[-1] if loc and isinstance(loc[-1], str) else None
        column = None if err["type"] == "extra_forbidden" else key
        raise DataFormatError(path, problem, line=line or None, column=column) from None

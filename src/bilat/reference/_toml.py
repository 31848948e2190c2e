"""Reading bilat's hand-written TOML tables with errors that name the file, line and field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from bilat.errors import DataFormatError

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

"""Where a value sits in a scenario or route TOML file (for messages naming file, line and
field), and the file's own ``[groups]`` table: shared by ``scenario.py`` and ``routes.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.reference import countries


class Where:
    """Names the file, line and field of a value in a scenario TOML, for error messages."""

    def __init__(self, path: Path, text: str):
        self.path, self.lines = path, text.splitlines()

    def line(self, needle: str, after: str | None = None, nth: int = 1) -> int | None:
        start, seen = 0, 0
        if after is not None:
            for k, ln in enumerate(self.lines):
                if ln.strip().startswith(after):
                    seen += 1
                    if seen == nth:
                        start = k
                        break
        for k in range(start, len(self.lines)):
            if needle in self.lines[k]:
                return k + 1
        return None

    def at(self, field_: str, value: str, after: str | None = None, nth: int = 1) -> str:
        """'file, line n, field f' for a quoted value (either quote style)."""
        line = self.line(f'"{value}"', after, nth) or self.line(f"'{value}'", after, nth)
        return f"{self.path}" + (f", line {line}" if line else "") + f", field {field_}"


def groups_table(raw: Any, where: Where) -> dict[str, frozenset[str]]:
    """The scenario's own [groups] table: name → ISO3 members (validated)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataFormatError(where.path, "[groups] must be a table of name = [ISO3, ...]")
    out: dict[str, frozenset[str]] = {}
    for name, codes in raw.items():
        if not isinstance(codes, list) or not codes:
            raise DataFormatError(
                where.path, f"[groups] {name} must be a non-empty list of countries"
            )
        iso = set()
        for c in codes:
            try:
                iso.add(countries.lookup(str(c)))
            except UnknownCodeError as exc:
                raise UnknownCodeError(
                    "country", str(c), exc.suggestions, where=where.at(f"[groups] {name}", str(c))
                ) from None
        out[str(name)] = frozenset(iso)
    return out

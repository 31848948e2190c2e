"""One base for every ledger result: a tidy table plus where its numbers came from."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# pandas is imported where a table is handled, not here: a figure's provenance and number
# formatting serve the start-up path too (``ledger.flows_direct``), which has no pandas.

_MAX_ROWS = 25
_MAX_TEXT = 48  # characters of a description shown in text output (HS wording runs long)


def _shorten_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Long text cells cut to ``_MAX_TEXT`` characters, for terminal tables only."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: (
                    v[: _MAX_TEXT - 1] + "…" if isinstance(v, str) and len(v) > _MAX_TEXT else v
                )
            )
    return out


def format_number(value: float) -> str:
    """USD-sized numbers with thousands separators, small ratios with four significant digits."""
    if is_missing(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def is_missing(value: object) -> bool:
    """None, NaN, or pandas' NA / NaT (as ``pandas.isna`` of a scalar)."""
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        import pandas as pd  # NA, NaT: only a pandas value can be one

        return bool(pd.isna(value))


@dataclass(frozen=True)
class Provenance:
    """Where a figure comes from: source, release, years and which side reported it."""

    source: str
    release: str
    years: tuple[int, ...] = ()
    basis: str = ""
    notes: tuple[str, ...] = ()
    #: the products the figures cover, in words: "all goods", "HS 27, 44" …
    products: str = ""

    def __str__(self) -> str:
        span = ""
        if self.years:
            from bilat.store.coverage import describe_years

            span = f", {describe_years(self.years)}"
        products = f"; {self.products}" if self.products else ""
        basis = f"; basis: {self.basis}" if self.basis else ""
        return f"{self.source} (release {self.release}{span}{products}{basis})"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "source": self.source,
            "release": self.release,
            "years": list(self.years),
            "products": self.products,
            "basis": self.basis,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class LedgerResult:
    """A frozen result: ``table`` (tidy pandas frame), ``provenance`` and a one-line ``title``.

    Subclasses add read-only properties that select from ``table``; the table itself is
    never changed after construction (``to_frame`` hands out a copy).
    """

    title: str
    table: pd.DataFrame = field(repr=False)
    provenance: Provenance
    formula: str = ""
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """A copy of the tidy result table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: title, formula, notes, provenance and the table's records."""
        import pandas as pd

        frame = self.table.astype(object).where(pd.notna(self.table), None)
        return {
            "title": self.title,
            "formula": self.formula,
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            "rows": frame.to_dict(orient="records"),
        }

    def _footer(self) -> list[str]:
        lines = []
        if self.formula:
            lines.append(f"Formula: {self.formula}")
        lines.append(f"Data: {self.provenance}")
        lines.extend(f"Note: {n}" for n in (*self.notes, *self.provenance.notes))
        return lines

    def __str__(self) -> str:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 30):
            shown = _shorten_text(self.table.head(_MAX_ROWS))
            body = (
                shown.to_string(index=False, float_format=format_number, na_rep="–")
                if len(shown)
                else "(no rows)"
            )
            if len(self.table) > _MAX_ROWS:
                body += f"\n… {len(self.table) - _MAX_ROWS} more rows (see .to_frame())"
        return "\n".join([self.title, body, *self._footer()])

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}; {len(self.table)} rows; {self.provenance}>"

    def _repr_html_(self) -> str:
        foot = "".join(f"<p><small>{html.escape(line)}</small></p>" for line in self._footer())
        return (
            f"<div><strong>{html.escape(self.title)}</strong>"
            f"{self.table.to_html(index=False, na_rep='–')}{foot}</div>"
        )

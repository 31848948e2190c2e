"""One base for every ledger result: a tidy table plus where its numbers came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# pandas is imported where a table is handled, not here: a figure's provenance serves the
# start-up path too (``ledger.flows_direct``), which builds its table last.

_MAX_ROWS = 25


def format_number(value: float) -> str:
    """A number in a result's text: four significant digits, from a thousand up whole and
    grouped (``bilat.render.numbers.number``: one rule for the CLI, the report and pages)."""
    from bilat.render.numbers import number

    return number(value)


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


_BASE_FIELDS = ("title", "table", "provenance", "formula", "notes")


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
        """The one JSON shape of a result, for the CLI and the API alike: title, formula,
        notes, provenance, the table's records, and the result's own headline fields (an
        index's value, a target's verdict …; an economy as its code) under ``summary``.
        Values are raw; ``bilat.render.jsonable`` makes them strict JSON."""
        import dataclasses

        import pandas as pd

        frame = self.table.astype(object).where(pd.notna(self.table), None)
        head: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in _BASE_FIELDS:
                continue
            value = getattr(self, f.name)
            code = getattr(value, "code", None)
            head[f.name] = code if code is not None else value
        return {
            "title": self.title,
            "formula": self.formula,
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            "rows": frame.to_dict(orient="records"),
            "summary": head,
        }

    def _footer(self) -> list[str]:
        lines = []
        if self.formula:
            lines.append(f"Formula: {self.formula}")
        lines.append(f"Data: {self.provenance}")
        lines.extend(f"Note: {n}" for n in (*self.notes, *self.provenance.notes))
        return lines

    def __str__(self) -> str:
        # numbers in words and a table fitted to 100 columns, as the CLI prints it
        from bilat.render.tables import fit

        if not len(self.table):
            body = "(no rows)"
        else:
            shown = fit(self.table, 100, max_rows=_MAX_ROWS, see_all="see .to_frame()")
            body = "\n".join([shown.text, *shown.notes])
        return "\n".join([self.title, body, *self._footer()])

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}; {len(self.table)} rows; {self.provenance}>"

    def _repr_html_(self) -> str:
        from bilat.render.html import fragment, section_of

        return fragment(section_of(self, _MAX_ROWS))

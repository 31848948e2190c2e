"""Tables that fit the terminal: numbers in words, plain headers, the latest years first when
rows are cut, secondary columns dropped (and said so) when the width is short.

Width: ``COLUMNS`` when set, else the terminal's, else 100 (a pipe or a file). Rendering is
Rich's (wrapping of long text cells, alignment); what to keep is decided here.

A table is a pandas frame or a ``Columns`` of plain Python values: the start-up path
(``bilat flows`` of two countries) renders its few rows without importing pandas, through the
same code, so the characters are the same (``tests/ledger/test_flows_direct.py``).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from bilat.render import numbers
from bilat.render.terminal import PIPE_WIDTH, terminal_width

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PIPE_WIDTH", "Columns", "Fitted", "fit", "table_text", "terminal_width", "wrap"]

_TEXT_MAX = 60  # characters of a text cell (HS descriptions run to 250)
_TEXT_MIN = 20  # a text column wraps, but not narrower than this
_GAP = 3  # between columns: padding, the blank rule, padding


def wrap(text: str, width: int, indent: str = "") -> str:
    """A paragraph wrapped to ``width`` (long words such as paths are kept whole only when
    they fit; otherwise cut)."""
    return textwrap.fill(
        text, width=width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=True
    )


@dataclass(frozen=True)
class Fitted:
    """A table as text for ``width`` columns, with what was left out."""

    text: str
    dropped: tuple[str, ...] = ()
    rows_shown: int = 0
    rows_total: int = 0
    notes: tuple[str, ...] = field(default=())


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


Cells = dict[str, list[str]]  # column → its cells as text (plain lists: cheaper than a frame)


def _min_widths(cells: Cells, heads: Sequence[str], numeric: Sequence[bool]) -> list[int]:
    """Each column's narrowest: numbers whole; text and headers wrapped at words (text cells
    to no fewer than ``_TEXT_MIN`` characters)."""
    out = []
    for col, head, num in zip(cells, heads, numeric, strict=True):
        longest = max((len(v) for v in cells[col]), default=0)
        word = max((len(w) for w in head.split()), default=0)
        out.append(max(longest, word) if num else max(word, min(longest, _TEXT_MIN)))
    return out


def _widths(cells: Cells, heads: Sequence[str], numeric: Sequence[bool], width: int) -> list[int]:
    """Each column's width: natural when the table fits; else the widest column above its
    narrowest loses a character at a time (text wraps first, since it is widest)."""
    least = _min_widths(cells, heads, numeric)
    widths = [
        max(len(head), max((len(v) for v in cells[col]), default=0))
        for col, head in zip(cells, heads, strict=True)
    ]
    room = width - _GAP * (len(widths) - 1)
    while sum(widths) > room:
        slack = [w - m for w, m in zip(widths, least, strict=True)]
        if max(slack) <= 0:
            break
        i = max(range(len(widths)), key=lambda k: (slack[k] > 0, widths[k]))
        widths[i] -= 1
    return widths


def _render(cells: Cells, heads: Sequence[str], numeric: Sequence[bool], width: int) -> str:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    for head, num, w in zip(heads, numeric, _widths(cells, heads, numeric, width), strict=True):
        table.add_column(
            head, justify="right" if num else "left", width=w, overflow="fold", header_style=""
        )
    for row in zip(*cells.values(), strict=True):
        table.add_row(*row)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        emoji=False,
        highlight=False,
        markup=False,  # a "[HS 27]" in a cell is text
    )
    with console.capture() as cap:
        console.print(table)
    return "\n".join(line.rstrip() for line in cap.get().splitlines()).strip("\n")


def _min_width(cells: Cells, heads: Sequence[str], numeric: Sequence[bool]) -> int:
    """The narrowest the whole table can be."""
    return sum(_min_widths(cells, heads, numeric)) + _GAP * (len(heads) - 1)


@dataclass(frozen=True)
class Columns:
    """A table as plain columns: names in order, each column's values as a Python list, and
    whether it is numeric (right-aligned, never shortened).

    ``of_frame`` takes a pandas frame (numeric by its dtypes, as pandas says); ``of_rows``
    takes rows of plain values (a column is numeric when every value present is an int or a
    float, not a bool: what pandas infers for such a column).
    """

    names: tuple[str, ...]
    values: Mapping[str, list[Any]]
    numeric: Mapping[str, bool]

    @classmethod
    def of_rows(cls, names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> Columns:
        values = {c: [r[c] for r in rows] for c in names}
        return cls(tuple(names), values, {c: _numeric(v) for c, v in values.items()})

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> Columns:
        import pandas as pd

        df = frame.reset_index(drop=True)
        numeric = {
            c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
            for c in df.columns
        }
        return cls(tuple(df.columns), {c: df[c].tolist() for c in df.columns}, numeric)

    def __len__(self) -> int:
        return len(self.values[self.names[0]]) if self.names else 0

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def map(self, name: str, fn: Callable[[Any], Any]) -> Columns:
        """The same table with ``fn`` applied to each value of column ``name``."""
        values = {**self.values, name: [fn(v) for v in self.values[name]]}
        return Columns(self.names, values, self.numeric)

    def select(self, names: Sequence[str], order: Sequence[int] | None = None) -> Columns:
        """Some columns (and, with ``order``, some rows in that order)."""
        pick = (lambda v: [v[i] for i in order]) if order is not None else list
        return Columns(
            tuple(names),
            {c: pick(self.values[c]) for c in names},
            {c: self.numeric[c] for c in names},
        )


def _numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )


def as_columns(table: pd.DataFrame | Columns) -> Columns:
    """A frame's columns as ``Columns`` (a ``Columns`` as it is)."""
    return table if isinstance(table, Columns) else Columns.of_frame(table)


def _latest_first(years: Sequence[Any]) -> list[int]:
    """Row positions by year, latest first, ties in their order, missing years last (as
    pandas' stable descending sort)."""
    present = [i for i, y in enumerate(years) if not numbers.is_missing(y)]
    present.sort(key=lambda i: years[i], reverse=True)  # reverse keeps ties in order
    return present + [i for i, y in enumerate(years) if numbers.is_missing(y)]


def fit(
    frame: pd.DataFrame | Columns,
    width: int,
    *,
    headers: Mapping[str, str] | None = None,
    secondary: Sequence[str] = (),
    max_rows: int = 15,
    kinds: Mapping[str, str] | None = None,
    see_all: str = "--format csv",
) -> Fitted:
    """``frame`` (a pandas frame or ``Columns``) as text no wider than ``width``.

    Cells are formatted by column (``numbers.cell``; ``kinds`` overrides the column's kind);
    columns empty throughout, and a ``period`` that is annual throughout, are left out;
    when the table is too wide the ``secondary`` columns go first (in the order given),
    then others from the right, and a note names them and how to see them (``see_all``);
    with more than ``max_rows`` rows a table with a ``year`` shows the latest years first.
    """
    headers = dict(headers or {})
    kinds = dict(kinds or {})
    notes: list[str] = []
    table = as_columns(frame)
    keep = [
        c
        for c in table.names
        if not all(numbers.is_missing(v) for v in table.values[c])
        and not all(str(v) == "" for v in table.values[c])
        and not (c == "period" and all(str(v) == "A" for v in table.values[c]))
    ]
    total = len(table)
    order = None
    if total > max_rows:
        if "year" in keep:
            years = table.values["year"]
            order = _latest_first(years)
            seen = {y for y in years if not numbers.is_missing(y)}
            earlier = "earlier years' " if len(seen) > 1 else ""
            notes.append(f"… {total - max_rows} more rows ({earlier}rows: {see_all})")
        else:
            order = list(range(total))
            notes.append(f"… {total - max_rows} more rows ({see_all})")
        order = order[:max_rows]
    table = table.select(keep, order)
    numeric = table.numeric

    def fmt(col: str, v: object) -> str:
        how = kinds.get(col)
        if how == "money" and not numbers.is_missing(v):
            return numbers.money(v)  # type: ignore[arg-type]
        if how == "fraction" and not numbers.is_missing(v):
            return numbers.share(v)  # type: ignore[arg-type]
        if how == "number" and not numbers.is_missing(v) and not isinstance(v, str):
            return numbers.number(v)  # type: ignore[arg-type]
        text = numbers.cell(col, v)
        return _shorten(text, _TEXT_MAX) if not numeric[col] else text

    cells: Cells = {c: [fmt(c, v) for v in table.values[c]] for c in table.names}
    columns = list(cells)
    # a secondary column with one value throughout says it once, as a note
    for c in [c for c in secondary if c in columns]:
        if len(table) > 1 and len(set(cells[c])) == 1:
            columns.remove(c)
            notes.insert(0, f"{headers.get(c, c.replace('_', ' '))}: {cells[c][0]}")
    order_out = [c for c in secondary if c in columns]
    order_out += [c for c in reversed(columns) if c not in order_out and c != columns[0]]
    dropped: list[str] = []

    def heads(cols: list[str]) -> list[str]:
        return [headers.get(c, c.replace("_", " ")) for c in cols]

    while len(columns) > 1:
        nums = [numeric[c] for c in columns]
        if _min_width({c: cells[c] for c in columns}, heads(columns), nums) <= width:
            break
        victim = order_out.pop(0)
        columns.remove(victim)
        dropped.append(victim)
    if dropped:
        names = ", ".join(headers.get(c, c.replace("_", " ")) for c in dropped)
        notes.append(f"not shown for width: {names} ({see_all}, or a wider terminal)")
    shown = {c: cells[c] for c in columns}
    text = _render(shown, heads(columns), [numeric[c] for c in columns], width)
    return Fitted(text, tuple(dropped), len(table), total, tuple(notes))


def table_text(frame: pd.DataFrame, width: int = PIPE_WIDTH) -> str:
    """A result table (scenario effects, coefficients) as text: every row, the index as its
    first columns, USD in words, percent changes and other figures to four significant digits
    (a welfare change of 0.0047 % is not "0.0 %")."""
    import pandas as pd

    flat = frame.reset_index() if frame.index.name or frame.index.names[0] else frame
    kinds = {
        c: "money" if str(c).endswith("_usd") else "number"
        for c in flat.columns
        if pd.api.types.is_float_dtype(flat[c])
    }
    fitted = fit(flat, width, max_rows=max(len(flat), 1), kinds=kinds)
    return "\n".join([fitted.text, *fitted.notes])

"""Numbers as people read them on the HTML report and the web pages: "15.33 bn USD", "3.6 %".

A stop-gap with the rules of issue 19 (item 1) until the shared formatting module of
``wip-output`` lands; the merger points these names at it. The pages' JavaScript
(``bilat.usd``, ``bilat.pct`` in ``api/static/common.js``) follows the same rules.
Raw values stay raw wherever data leave bilat (JSON, CSV downloads).
"""

from __future__ import annotations

import math

from bilat.ledger.results import format_number

MINUS = "\u2212"  # a real minus sign, as typeset figures use
_NONE = "–"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def money(value: float | None, unit: str = "USD") -> str:
    """``15326241792`` → "15.33 bn USD", ``482_700_000`` → "482.7 mn USD", below a million
    with thousands separators ("12,345 USD"); a missing value is "–"."""
    if _missing(value):
        return _NONE
    v = float(value)  # type: ignore[arg-type]
    a = abs(v)
    if a >= 1e12:
        text = f"{v / 1e12:.2f} tn"
    elif a >= 1e9:
        text = f"{v / 1e9:.2f} bn"
    elif a >= 1e6:
        text = f"{v / 1e6:.1f} mn"
    else:
        text = f"{v:,.0f}"
    return _signed(text) + f" {unit}"


def percent(value: float | None, digits: int = 1) -> str:
    """A value already in percent: ``3.64`` → "3.6 %", ``-37.6`` → "−37.6 %"."""
    if _missing(value):
        return _NONE
    return _signed(f"{float(value):.{digits}f}") + " %"  # type: ignore[arg-type]


def share(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.03641`` → "3.6 %"."""
    if _missing(fraction):
        return _NONE
    return percent(float(fraction) * 100.0, digits)  # type: ignore[arg-type]


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th", 22 → "22nd"."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank(n: int | None, of: int | None = None) -> str:
    """ "6th of 221" (or "6th" without the count); a missing rank is "–"."""
    if _missing(n):
        return _NONE
    return ordinal(int(n)) + (f" of {int(of)}" if of is not None and not _missing(of) else "")  # type: ignore[arg-type]


def number(value: float | None) -> str:
    """An index or ratio: four significant digits ("0.2364", "1.87"); large ones grouped
    (the ledger's ``format_number``, with a real minus sign)."""
    if _missing(value):
        return _NONE
    return _signed(format_number(float(value)))  # type: ignore[arg-type]


# Columns of the ledger's tables by what they hold (the tables' own column names). Ledger
# changes and shares are fractions (``pct_change`` −0.376 is −37.6 %).
_MONEY = {
    "exports",
    "imports",
    "turnover",
    "balance",
    "value",
    "total",
    "change",
    "gap",
    "previous",
    "exporter_reported",
    "importer_reported",
    "x_ab",
    "x_a",
    "m_b",
    "m_w",
    "x_ak",
    "x_wk",
    "x_w",
}
_FRACTION = {"share", "pct_change", "gap_pct", "annualised", "x_share", "m_share"}
_COUNT = {"year", "rank", "partners", "previous_year"}


def cell(column: str, value: object) -> str:
    """One ledger table cell as shown on a page: money, shares and changes (fractions shown as
    percent), ranks, years, text."""
    if _missing(value):
        return _NONE
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float):
        return str(value)
    col = column.lower()
    if col in _COUNT:
        return str(int(value))
    if col in _MONEY or col.endswith("_usd") or col.startswith(("exports_", "imports_")):
        return money(value)
    if col in _FRACTION or col.endswith("_share"):
        return share(value)
    return number(value)

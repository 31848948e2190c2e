"""Numbers as people read them: "15.33 bn USD", "482.7 mn USD", "3.6 %", "−37.6 %", "6th of 221".

Digits, grouping and ordinal forms come from babel (CLDR data, English); the scale words
("bn", "mn", "tn") are the ones trade reports use. These rules are for text, HTML and the web
pages only: JSON, CSV, Parquet and Excel keep the raw values.

Money has four significant digits in its scale ("15.33 bn", "482.7 mn", "1.011 bn"); shares
and changes one decimal in percent; index values four significant digits ("0.2364"); ranks
as English ordinals; years as integers. A missing value is "–", never 0.
"""

from __future__ import annotations

import functools
import math
import sys
from numbers import Integral, Real

from babel import Locale
from babel.numbers import format_decimal

__all__ = [
    "MINUS",
    "MISSING",
    "cell",
    "is_missing",
    "kind",
    "money",
    "number",
    "ordinal",
    "percent",
    "rank",
    "share",
    "year",
]

LOCALE = "en"
MINUS = "\u2212"  # a real minus sign, as typeset figures use
MISSING = "–"
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "mn"))


@functools.cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


def is_missing(value: object) -> bool:
    """None, NaN, pd.NA and NaT are missing (shown as "–")."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str | int):
        return False
    # pd.NA and NaT exist only once pandas is loaded: a table of plain values (the start-up
    # path) is not worth importing it for
    pd = sys.modules.get("pandas")
    if pd is None:
        return False
    try:
        return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False
    except (TypeError, ValueError):
        return False


def _signed(text: str) -> str:
    if not text.startswith("-"):
        return text
    # a value that rounds to zero has no sign ("0.0 %", not "−0.0 %")
    return text[1:] if not text.strip("-0.,") else MINUS + text[1:]


def _sig4(value: float) -> str:
    return format_decimal(value, "@@@@", locale=LOCALE)


def money(value: float | None, unit: str = "USD") -> str:
    """``15326241792`` → "15.33 bn USD", ``482_700_000`` → "482.7 mn USD"; below a million
    with thousands separators ("12,345 USD"); ``unit=""`` leaves the unit off."""
    if is_missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    suffix = f" {unit}" if unit else ""
    for i, (size, word) in enumerate(_SCALES):
        if abs(v) >= size or (abs(v) >= 1e6 and i == len(_SCALES) - 1):
            text = _sig4(v / size)
            # 999.96 mn rounds to "1000 mn": say "1.000 bn" instead
            if i > 0 and abs(float(text.lstrip("-"))) >= 1000:
                up, word = _SCALES[i - 1]
                text = _sig4(v / up)
            return _signed(text) + f" {word}" + suffix
    return _signed(format_decimal(round(v), "#,##0", locale=LOCALE)) + suffix


def percent(value: float | None, digits: int = 1) -> str:
    """A value already in percent: ``3.64`` → "3.6 %", ``-37.6`` → "−37.6 %"."""
    if is_missing(value):
        return MISSING
    return share(float(value) / 100.0, digits)  # type: ignore[arg-type]


def share(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.03641`` → "3.6 %", ``-0.37619`` → "−37.6 %"."""
    if is_missing(fraction):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(float(fraction) * 100.0, pattern, locale=LOCALE)  # type: ignore[arg-type]
    return _signed(text) + " %"


_SUFFIX = {"one": "st", "two": "nd", "few": "rd", "other": "th"}


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th", 22 → "22nd" (CLDR's English ordinal rules)."""
    n = int(n)
    return f"{n}{_SUFFIX[_locale().ordinal_form(n)]}"


def rank(n: int | None, of: int | None = None) -> str:
    """ "6th of 221" (or "6th" without the count); a missing rank is "–"."""
    if is_missing(n):
        return MISSING
    tail = f" of {int(of)}" if of is not None and not is_missing(of) else ""  # type: ignore[arg-type]
    return ordinal(int(n)) + tail  # type: ignore[arg-type]


def year(value: object) -> str:
    """2016.0 → "2016"."""
    if is_missing(value):
        return MISSING
    return str(int(value))  # type: ignore[call-overload]


def number(value: float | None) -> str:
    """An index or ratio: four significant digits ("0.2364", "1.87", "0.02143"); from a
    thousand up, whole and grouped ("12,345")."""
    if is_missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    if math.isinf(v):
        return "∞" if v > 0 else MINUS + "∞"
    if abs(v) >= 1000:
        return _signed(format_decimal(round(v), "#,##0", locale=LOCALE))
    if v == 0:
        return "0"
    return _signed(format_decimal(v, "@@##", locale=LOCALE))


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
    "path_needed",
    "projection",
    "baseline",
    "counterfactual",
}
_FRACTION = {"share", "pct_change", "gap_pct", "annualised", "x_share", "m_share"}
_COUNT = {"year", "rank", "partners", "previous_year", "groups", "n"}
_PERCENT = {"change_pct", "pct"}


def kind(column: str) -> str:
    """What a ledger column holds: "money", "fraction", "percent", "count" or "number"."""
    col = column.lower()
    if col in _COUNT or col.endswith("_year"):
        return "count"
    if col in _PERCENT or (col.endswith("_pct") and col not in _FRACTION):
        return "percent"
    if col in _FRACTION or col.endswith("_share"):
        return "fraction"
    flows = col.startswith(("exports_", "imports_")) and not col.endswith("_by")
    if col in _MONEY or col.endswith("_usd") or flows:
        return "money"
    return "number"


def cell(column: str, value: object) -> str:
    """One ledger table cell as people read it: money, shares and changes (fractions shown as
    percent), ranks and years as integers, yes/no, text as it is."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, Real):
        return str(value)
    how = kind(column)
    if how == "number" and isinstance(value, Integral):
        return _signed(format_decimal(int(value), "#,##0", locale=LOCALE))  # a count
    if how == "count":
        return str(int(value))  # type: ignore[call-overload]
    if how == "money":
        return money(value)  # type: ignore[arg-type]
    if how == "fraction":
        return share(value)  # type: ignore[arg-type]
    if how == "percent":
        return percent(value)  # type: ignore[arg-type]
    return number(value)  # type: ignore[arg-type]

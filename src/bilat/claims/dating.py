"""The publication date of an article, found in its text when the caller does not give it.

Relative periods ("last year", "in the first five months of this year", "in March") need the
date the article was written. In order of trust:

1. the date given by the caller (``--published``);
2. a date line at the top of the page: the search tool's ``date 2019-09-24`` prefix, a dateline
   ("MOSCOW, March 21, 2019", "(Sputnik - 02nd July, 2021)"), "Feb. 12, 2018 - 16:39",
   "2019/02/19";
3. the latest year the text states as the period of a figure. Where some figure of that year covers
   only part of it ("in January-May 2022", "the first quarter of 2017"), the article is taken to be
   from that year: its "this year" is that year. Where every figure of that year is the whole
   year ("trade came to $85.95 billion in 2014"), the year is over when the article is written,
   so it is taken to be from the next one: "last year" is the year stated. So too where the text
   gives a part of a year both with that year and without one ("in the first quarter" beside
   "190 billion yuan in the first quarter of 2021"): the named one is the earlier year. Either way
   the date is the end of the year (``precision="year"``). Target years ("by 2030") are not used.

The answer says which of these it came from, so a reader can see why "last year" became 2021.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from bilat.claims.periods import MONTHS as _MONTHS
from bilat.claims.text import Document

__all__ = ["Dating", "find_published"]

Precision = Literal["day", "month", "year"]


_MON = {k[:3]: v for k, v in _MONTHS.items()}
_MONTH_RX = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
# Only the head of the page is searched: a date further down is an event, not the article's date.
_HEAD = 400
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\bdate (?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(r"\b(?P<y>20\d\d|19\d\d)[-/](?P<m>[01]\d)[-/](?P<d>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH_RX} (?P<d>[0-3]?\d)(?:st|nd|rd|th)?, ?(?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)? {_MONTH_RX},? (?P<y>(?:19|20)\d\d)\b"),
)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Dating:
    """A publication date and where it came from (``given``, ``date line``, ``latest year``)."""

    date: dt.date
    source: str
    precision: Precision

    def describe(self) -> str:
        """One line for a reader: 'published 2019-09-24 (date line)'."""
        shown = str(self.date.year) if self.precision == "year" else self.date.isoformat()
        return f"published {shown} ({self.source})"


def _date_line(text: str) -> dt.date | None:
    head = text[:_HEAD]
    for rx in _DATE_PATTERNS:
        m = rx.search(head)
        if not m:
            continue
        gd = m.groupdict()
        month = int(gd["m"]) if gd.get("m") else _MON[gd["mon"].lower()[:3]]
        try:
            return dt.date(int(gd["y"]), month, int(gd["d"]))
        except ValueError:
            continue
    return None


def _latest_year(doc: Document, today: dt.date) -> tuple[int, bool] | None:
    """The latest year a figure is given for, and whether that year is over when the article is
    written: every figure of it covers the whole year, or the text also gives the same part of a
    year without naming the year ("in the first quarter" beside "in the first quarter of 2021":
    a writer names the year of the figure compared with, not of the current one; quarters and
    halves only)."""
    from bilat.claims.periods import find_periods, is_annual, year_of

    whole: dict[int, bool] = {}
    shapes: dict[int, set[str]] = {}
    bare: set[str] = set()
    for s in doc.sentences:
        for p in find_periods(s.text):
            if p.role not in {"point", "range"} or not p.period:
                continue
            if "????" in p.period:
                said = s.text[p.start : p.end + 14].lower()
                # quarters and halves only: a bare month or month range is most often the
                # passage's own ("In the ten-month period", "in October")
                if re.fullmatch(r"\?{4}-[QH]\d", p.period) and not re.search(
                    r"this year|of the year|the current", said
                ):
                    bare.add(p.period.replace("????", ""))
                continue
            y = year_of(p.period)
            # "since the beginning of 2021", "so far in 2021": part of that year
            part = re.search(
                r"(?:beginning|start)(?: of)?\s*$|so far(?: in)?\s*$",
                s.text[max(0, p.start - 30) : p.start],
                re.IGNORECASE,
            )
            if y is not None and y <= today.year:
                whole[y] = whole.get(y, True) and is_annual(p.period) and not part
                shapes.setdefault(y, set()).add(p.period.replace(str(y), ""))
    if not whole:
        return None
    y = max(whole)
    return y, whole[y] or bool(shapes[y] & bare)


def find_published(
    doc: Document, given: dt.date | None = None, *, today: dt.date | None = None
) -> Dating | None:
    """The article's publication date: given, else from a date line, else the latest year."""
    if given is not None:
        return Dating(given, "given", "day")
    today = today or dt.date.today()
    d = _date_line(doc.text)
    if d is not None and d <= today:
        return Dating(d, "date line", "day")
    latest = _latest_year(doc, today)
    if latest is None:
        return None
    y, over = latest
    if over and y + 1 <= today.year:
        return Dating(dt.date(y + 1, 12, 31), "the year after the latest year given", "year")
    return Dating(dt.date(y, 12, 31), "latest year the text gives a figure for", "year")

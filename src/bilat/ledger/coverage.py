"""What the data cover, as the ledger needs it: one ``YearScope`` per (source, year).

A store records coverage at ingestion (``StoreSession.coverage``); an ibis flows table given
directly (a notebook's or a test's) has its coverage derived from its rows, by the same rules
(``bilat.store.coverage``). The ledger answers a question only from a source-year that covers
it; otherwise it raises ``NotCoveredError`` naming what exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from bilat.store.coverage import YearScope, describe_years

if TYPE_CHECKING:
    from bilat.store.session import Data

Scopes = Mapping[tuple[str, int], YearScope]


def scopes(s: Data) -> Scopes:
    """The coverage of a session's data (``StoreSession.coverage``)."""
    return s.coverage()


def partial_notes(sc: Scopes, years: Iterable[int] | None, sources: Iterable[str]) -> list[str]:
    """'comtrade: HS 27, 44 only, 1988–2017' for each source with partial products in ``years``."""
    want = set(years) if years else None
    out = []
    for source in sorted(set(sources)):
        ys = [
            y
            for (s, y), scope in sc.items()
            if s == source
            and (not scope.all_goods or not scope.bilateral)
            and (want is None or y in want)
        ]
        if not ys:
            continue
        kinds = sorted({_words(sc[(source, y)]) for y in ys})
        out.append(f"{source}: {'; '.join(kinds)}, {describe_years(ys)}")
    return out


def _words(scope: YearScope) -> str:
    text = scope.describe()
    return text if scope.bilateral else f"{text}, exports to the world only (no partners)"


def nearest(available: Iterable[int], asked: Iterable[int], k: int = 1) -> list[int]:
    """The covered years nearest to the asked ones: the closest before and after each."""
    avail = sorted(set(available))
    want = sorted(set(asked))
    out: set[int] = set()
    for y in want:
        before = [a for a in avail if a < y][-k:]
        after = [a for a in avail if a > y][:k]
        out |= set(before) | set(after)
    return sorted(out - set(want))

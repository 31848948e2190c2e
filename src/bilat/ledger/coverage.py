"""What the data cover, as the ledger needs it: one ``YearScope`` per (source, year).

A store records coverage at ingestion (``Store.coverage``); an ibis flows table given directly
(a notebook's or a test's) has its coverage derived from its rows, by the same rules
(``bilat.store.coverage``). The ledger answers a question only from a source-year that covers
it; otherwise it raises ``NotCoveredError`` naming what exists.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from bilat.store.coverage import YearScope, describe_years, of_tables, year_scopes

Scopes = Mapping[tuple[str, int], YearScope]
T = TypeVar("T")

if TYPE_CHECKING:
    import ibis.expr.types as ir


def _is_table(data: object) -> bool:
    """Is ``data`` an ibis table? Without importing ibis (400 ms at start-up) when nothing has:
    then it cannot be one."""
    if "ibis" not in sys.modules:
        return False
    import ibis.expr.types as ir

    return isinstance(data, ir.Table)


def scopes(data: object) -> Scopes:
    """The coverage of ``data`` (a Store, the API's read-only store, or an ibis flows table)."""
    if not _is_table(data):
        cov = getattr(data, "coverage", None)
        if callable(cov):
            return cov()
        table = getattr(data, "table", None)
        data = table("flows") if callable(table) else data
    if not _is_table(data):
        return {}
    key = data.op()
    hit = _TABLE_SCOPES.get(key)
    if hit is None:
        hit = _TABLE_SCOPES[key] = _of_table(data)
        if len(_TABLE_SCOPES) > 32:
            _TABLE_SCOPES.popitem(last=False)
    return hit


_TABLE_SCOPES: OrderedDict[object, Scopes] = OrderedDict()


def _of_table(t: ir.Table) -> Scopes:
    """Coverage of an ibis flows table (detail rows), by source and year."""
    import pyarrow as pa

    from bilat.ledger._data import run
    from bilat.schema import TOTAL

    keys = ["year", "period", "exporter", "importer", "flow", "reported_by", "non_country"]
    cols = [*keys, "source", "release"]
    product = t["product"]
    totals = run(t.select(*cols, product=(product == TOTAL).ifelse(TOTAL, "SUM")).distinct())
    # of the chapters only which ones each source holds per year (of_tables reads no more)
    chapters = run(
        t.filter(product.re_search("^[0-9]{2,}$"))
        .select("source", "release", "year", product=product.substr(0, 2))
        .distinct()
    )
    codes = run(t.select("source", "product").distinct())
    entries = []
    for (source, release), frame in totals.groupby(["source", "release"]):
        ch = chapters[(chapters.source == source) & (chapters.release == release)]
        cov = of_tables(
            pa.Table.from_pandas(frame, preserve_index=False),
            pa.Table.from_pandas(ch, preserve_index=False),
            codes[codes.source == source]["product"].astype(str),
        )
        entries.append((str(source), "", str(release), cov))
    return year_scopes(entries)


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


def remember(sc: Scopes, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, remembered per coverage object (one per store state) and ``key``.

    The ledger's answers that a question reuses — a pair's every-year flows for a not-covered
    answer's context, a pair's product rows asked again under another basis — are kept here;
    the coverage object is held with them so that its ``id`` stays unique while they live.
    """
    full = (id(sc), *key)
    hit = _MEMO.get(full)
    if hit is not None:
        _MEMO.move_to_end(full)
        return hit[0]  # type: ignore[return-value]
    value = compute()
    _MEMO[full] = (value, sc)
    if len(_MEMO) > _MEMO_KEPT:
        _MEMO.popitem(last=False)
    return value


_MEMO: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
_MEMO_KEPT = 128

"""What a flows partition covers, derived from its own rows at ingestion (never declared by hand).

For each year a partition holds: its product scope (``all`` goods, a set of HS chapters, or
``manufacturing``), the digits its product codes have, the periods (annual, months …), the
flows (X, M …), who reported (exporter, importer, reconciled), which economies report, and
whether it is bilateral or only with the world. The store records this in the manifest beside
the partition; the ledger reads it to answer only from data that cover the question.

Rules (docs/coverage.md):
- *all goods*: the source's own all-goods rows (``TOTAL``), or product detail holding every HS
  chapter 01–97 but 77 (reserved). Detail missing any chapter is *partial*, never all goods.
- a non-HS aggregate (``MANUF``, the Advanced Guide's manufacturing) is its own scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pyarrow as pa

from bilat.schema import MANUFACTURING, TOTAL

#: The chapters of the HS (01–97; 77 is reserved for future use and holds no goods).
HS_CHAPTERS: frozenset[str] = frozenset(f"{i:02d}" for i in range(1, 98) if i != 77)


@dataclass(frozen=True)
class YearScope:
    """What one source holds for one year (over all its datasets)."""

    source: str
    year: int
    products: str  # "all", "partial" or "manufacturing"
    chapters: frozenset[str]  # chapters with product detail (empty for totals alone)
    periods: frozenset[str]
    flows: frozenset[str]
    reported_by: frozenset[str]
    # economies whose own statistics are in the source that year (exporters of rows reported
    # by the exporter, importers of rows reported by the importer); empty for reconciled data
    reporters: frozenset[str]
    bilateral: bool
    exporters: frozenset[str] = frozenset()
    importers: frozenset[str] = frozenset()
    datasets: tuple[str, ...] = ()
    releases: tuple[str, ...] = ()
    digits: tuple[int, ...] = ()  # digits of the product codes (2 chapter, 4 heading, 6)

    @property
    def all_goods(self) -> bool:
        return self.products == "all"

    def covers_products(self, chapters: Iterable[str]) -> bool:
        """True when the source's detail holds every one of ``chapters`` (2-digit) this year."""
        need = set(chapters)
        return bool(need) and (need <= self.chapters)

    def describe(self) -> str:
        """'all goods', 'HS 27, 44 only' or 'manufacturing only'."""
        return describe_products(self.products, self.chapters)


def describe_products(products: str, chapters: Iterable[str]) -> str:
    """Plain words for a product scope."""
    if products == "all":
        return "all goods"
    if products == "manufacturing":
        return "manufacturing only"
    chs = sorted(chapters)
    if not chs:
        return "no product detail"
    if len(chs) > 8:
        return f"{len(chs)} of {len(HS_CHAPTERS)} HS chapters only"
    return f"HS {', '.join(chs)} only"


def describe_years(years: Iterable[int]) -> str:
    """'1988–2017', 'every 4th year, 1964–2016', '1992, 1996–2017' …"""
    ys = sorted(set(int(y) for y in years))
    if not ys:
        return "no years"
    if len(ys) == 1:
        return str(ys[0])
    steps = {b - a for a, b in pairwise(ys)}
    if steps == {1}:
        return f"{ys[0]}–{ys[-1]}"
    if len(steps) == 1 and len(ys) > 2:
        (step,) = steps
        return f"every {_ordinal(step)} year, {ys[0]}–{ys[-1]}"
    runs: list[list[int]] = [[ys[0], ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def frequency_of(periods: Iterable[str]) -> str:
    """'annual', 'monthly', 'quarterly', 'half-yearly' or a mix joined by '+'."""
    kinds = set()
    for p in periods:
        kinds.add({"A": "annual", "M": "monthly", "Q": "quarterly", "H": "half-yearly"}[p[0]])
    order = ("annual", "half-yearly", "quarterly", "monthly")
    return "+".join(k for k in order if k in kinds) or "none"


def _unique(col: pa.ChunkedArray | pa.Array) -> list:
    import pyarrow.compute as pc

    return [v for v in pc.unique(col).to_pylist() if v is not None]


def of_tables(totals: pa.Table, chapters: pa.Table, codes: Iterable[str] = ()) -> list[dict]:
    """Per-year coverage (JSON-ready dicts) of one partition from its derived tables.

    ``totals``: the partition's pair_totals rows; ``chapters``: its pair_chapters rows (both with
    their constant columns put back), both small (per pair, not per product); ``codes``: the
    distinct product codes of the detail (for the digits of its codes and non-HS aggregates).
    """
    # pyarrow.compute here, not at import: reading the recorded coverage (every command that
    # opens a store) needs none of it, computing it (ingestion) does
    import pyarrow.compute as pc

    codes = set(codes) - {TOTAL}
    # codes, or the writer's kinds of code: a digit string n stands for HS codes of n digits
    digits = sorted({int(c) if len(c) == 1 else len(c) for c in codes if c.isdigit()})
    out = []
    years = sorted(_unique(totals.column("year"))) if totals.num_rows else []
    for year in years:
        t = totals.filter(pc.equal(totals.column("year"), year))
        c = chapters.filter(pc.equal(chapters.column("year"), year))
        products = set(_unique(t.column("product")))
        chs = sorted(str(x) for x in _unique(c.column("product")))
        if TOTAL in products or set(chs) >= HS_CHAPTERS:
            scope = "all"
        elif not chs and MANUFACTURING in codes:
            scope = "manufacturing"
        else:
            scope = "partial"
        reporters: set[str] = set()
        for side in ("exporter", "importer"):
            mine = t.filter(pc.equal(t.column("reported_by"), side))
            if mine.num_rows:
                reporters |= set(_unique(mine.column(side)))
        bilateral = (
            bool(pc.any(pc.invert(t.column("non_country"))).as_py()) if t.num_rows else False
        )
        # the codes in each role: reconciled data cover a direction only between codes that
        # appear in it (BACI's exports to the world hold no flow *from* the world)
        exporters = sorted(_unique(t.column("exporter")))
        importers = sorted(_unique(t.column("importer")))
        out.append(
            {
                "year": int(year),
                "products": scope,
                "chapters": [] if scope == "all" else chs,
                "periods": sorted(_unique(t.column("period"))),
                "flows": sorted(_unique(t.column("flow"))),
                "reported_by": sorted(_unique(t.column("reported_by"))),
                "reporters": sorted(reporters),
                "bilateral": bilateral,
                "digits": digits,
                "exporters": exporters,
                "importers": importers,
            }
        )
    return out


def of_files(
    detail: Path, totals: Path, chapters: Path, codes: Iterable[str] | None = None
) -> list[dict]:
    """Per-year coverage of a partition from its staged (or live) files.

    ``codes``: the kinds of product code the writer saw (``StagedPart.codes``); without them
    (a store written before) the detail's product column is read for them.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from bilat.schema import PAIR_TOTALS_SCHEMA
    from bilat.store.constants import of_file, read_file

    if codes is None:
        fixed = of_file(detail)
        if "product" in fixed:
            codes = {fixed["product"]}
        else:  # the dictionary of the product column: a few thousand codes at most
            col = pq.read_table(detail, columns=["product"], read_dictionary=["product"])
            codes = set()
            for chunk in col.column(0).chunks:
                values = chunk.dictionary if hasattr(chunk, "dictionary") else pc.unique(chunk)
                codes |= set(values.to_pylist())
    # of pair_chapters only the chapters per year are needed (it has a row per pair and chapter)
    if {"year", "product"} & set(of_file(chapters)):  # a constant column: read it all
        from bilat.schema import PAIR_CHAPTERS_SCHEMA

        few = read_file(chapters, PAIR_CHAPTERS_SCHEMA)
    else:
        few = pq.read_table(chapters, columns=["year", "product"], read_dictionary=["product"])
    return of_tables(read_file(totals, PAIR_TOTALS_SCHEMA), few, codes)


def year_scopes(
    entries: Iterable[tuple[str, str, str, list[Mapping]]],
) -> dict[tuple[str, int], YearScope]:
    """Merge per-partition coverage into one scope per (source, year).

    ``entries``: ``(source, dataset, release, coverage)`` per flows partition. Datasets of one
    source for one year add up (Comtrade's HS 27 file and its HS 44 file: HS 27, 44).
    """
    merged: dict[tuple[str, int], dict] = {}
    for source, dataset, release, coverage in entries:
        for c in coverage:
            key = (source, int(c["year"]))
            m = merged.setdefault(
                key,
                {
                    "all": False,
                    "manuf": False,
                    "chapters": set(),
                    "periods": set(),
                    "flows": set(),
                    "reported_by": set(),
                    "reporters": set(),
                    "bilateral": False,
                    "datasets": set(),
                    "releases": set(),
                    "digits": set(),
                    "exporters": set(),
                    "importers": set(),
                },
            )
            m["all"] |= c["products"] == "all"
            m["manuf"] |= c["products"] == "manufacturing"
            m["chapters"] |= set(c["chapters"])
            for k in ("periods", "flows", "reported_by", "reporters"):
                m[k] |= set(c[k])
            for k in ("exporters", "importers"):
                m[k] |= set(c.get(k, ()))
            m["bilateral"] |= bool(c["bilateral"])
            m["digits"] |= set(c.get("digits", ()))
            m["datasets"].add(dataset)
            m["releases"].add(release)
    out = {}
    for (source, year), m in merged.items():
        if m["all"] or m["chapters"] >= HS_CHAPTERS:
            products = "all"
        elif m["manuf"] and not m["chapters"]:
            products = "manufacturing"
        else:
            products = "partial"
        out[(source, year)] = YearScope(
            source=source,
            year=year,
            products=products,
            chapters=frozenset(m["chapters"]),
            periods=frozenset(m["periods"]),
            flows=frozenset(m["flows"]),
            reported_by=frozenset(m["reported_by"]),
            reporters=frozenset(m["reporters"]),
            bilateral=m["bilateral"],
            datasets=tuple(sorted(m["datasets"])),
            releases=tuple(sorted(m["releases"])),
            digits=tuple(sorted(m["digits"])),
            exporters=frozenset(m["exporters"]),
            importers=frozenset(m["importers"]),
        )
    return out


def summary(coverage: list[Mapping]) -> dict[str, str]:
    """Plain-words summary of a partition's (or dataset's) per-year coverage, for listings."""
    if not coverage:
        return {"products": "-", "years": "-", "frequency": "-", "reporting": "-"}
    scopes = {}
    for c in coverage:
        scopes.setdefault((c["products"], tuple(c["chapters"])), []).append(c["year"])
    products = "; ".join(
        describe_products(p, chs) + ("" if len(scopes) == 1 else f" ({describe_years(ys)})")
        for (p, chs), ys in sorted(scopes.items(), key=lambda kv: min(kv[1]))
    )
    periods = set().union(*(set(c["periods"]) for c in coverage))
    by = set().union(*(set(c["reported_by"]) for c in coverage))
    if by == {"reconciled"}:
        reporting = "reconciled"
    else:
        sides = "+".join(sorted(by - {"reconciled"}))
        n = len(set().union(*(set(c["reporters"]) for c in coverage)))
        reporting = f"{sides} ({n} reporters)"
    if not any(c["bilateral"] for c in coverage):
        reporting += "; world only"
    return {
        "products": products,
        "years": describe_years(c["year"] for c in coverage),
        "frequency": frequency_of(periods),
        "reporting": reporting,
    }

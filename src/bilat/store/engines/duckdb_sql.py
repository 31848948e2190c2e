"""Hand-written DuckDB SQL for the questions a user asks cold at the prompt, with bound
parameters (no user text is ever pasted into SQL).

Building and compiling an Ibis expression needs ibis and pandas imported (0.8 s of a new
process) and costs more than the answer itself; these queries read the store's serving copy
(``Store.serving_sql``) and return plain Python rows. They compute what the Ibis expressions
of ``bilat.ledger._data`` and ``bilat.ledger.flows`` compute for two single countries;
``tests/ledger/test_flows_direct.py`` holds the two to the same answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from bilat.store.engines import USD_SUM_TYPE

if TYPE_CHECKING:
    import duckdb

# A country pair's rows of economy_totals: A's run (one look-up on the sorted economy column),
# narrowed to flows between A and B. ``$source`` NULL: every source.
_PAIR_ROWS = """
    FROM serving.economy_totals
    WHERE economy = $a
      AND ((exporter = $a AND importer = $b) OR (exporter = $b AND importer = $a))
      AND ($source IS NULL OR source = $source)
"""

# What each source holds for the pair, per (source, totals or summed detail, year):
# ledger._data._summary on economy_totals.
_SUMMARY = f"""
    SELECT source, product = 'TOTAL' AS is_total, CAST(year AS INTEGER) AS year,
           SUM(detail_rows) AS n, COUNT(DISTINCT product) AS n_products,
           LIST(DISTINCT release) AS releases, LIST(DISTINCT reported_by) AS reported_by
    {_PAIR_ROWS}
    GROUP BY ALL
"""

# The six report sums per (year, period) of one source at one level of detail, NULL where
# nobody reported: ledger.flows.report_sums. Re-exports and re-imports never count.
_KIND = {
    "reconciled": "reported_by = 'reconciled'",
    "exporter": "reported_by = 'exporter' AND flow = 'X'",
    "importer": "reported_by = 'importer' AND flow = 'M'",
}
_DIRECTION = {"ab": "exporter = $a AND importer = $b", "ba": "exporter = $b AND importer = $a"}


class SourceYear(NamedTuple):
    """One row of the pair summary."""

    source: str
    is_total: bool
    year: int
    n: int
    n_products: int
    releases: list[str]
    reported_by: list[str]


class PeriodSums(NamedTuple):
    """One (year, period) of a pair: the value of each (direction, reporting side), or None."""

    year: int
    period: str
    sums: dict[str, float | None]


def pair_summary(
    con: duckdb.DuckDBPyConnection, a: str, b: str, source: str | None
) -> list[SourceYear]:
    """What each source holds for the pair A–B (ISO3 codes), per source, detail and year."""
    rows = con.execute(_SUMMARY, {"a": a, "b": b, "source": source}).fetchall()
    return [SourceYear(*r) for r in rows]


def pair_sums(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    source: str,
    totals: bool,
    years: tuple[int, ...] | None,
    reported_by: tuple[str, ...],
) -> list[PeriodSums]:
    """A→B and B→A sums of ``source`` (its own totals, or its summed detail) by year and
    period, in that order; the sides the source does not have are None without a sum."""
    only_reconciled = reported_by == ("reconciled",)
    cols, names = [], []
    for direction, cond in _DIRECTION.items():
        for basis, kind in _KIND.items():
            names.append(f"{direction}_{basis}")
            if basis not in reported_by:
                cols.append("CAST(NULL AS DOUBLE)")
                continue
            keep = cond if only_reconciled else f"{cond} AND {kind}"
            # exact decimals, as the ledger's usd_sum: the same sum in any order
            cols.append(
                f"CAST(SUM(CAST(CASE WHEN {keep} THEN value_usd END AS {USD_SUM_TYPE})) AS DOUBLE)"
            )
    product = "product = 'TOTAL'" if totals else "product <> 'TOTAL'"
    year_filter = "AND list_contains($years, CAST(year AS INTEGER))" if years else ""
    sql = f"""
        SELECT CAST(year AS INTEGER) AS year, period, {", ".join(cols)}
        {_PAIR_ROWS} AND {product} {year_filter}
        GROUP BY year, period
        ORDER BY year, period
    """
    params: dict[str, object] = {"a": a, "b": b, "source": source}
    if years:
        params["years"] = [int(y) for y in years]
    out = []
    for row in con.execute(sql, params).fetchall():
        out.append(PeriodSums(row[0], row[1], dict(zip(names, row[2:], strict=True))))
    return out

"""Report benchmark: bilat's ledger report for one pair next to three hand-written ways.

The report: A's exports to and imports from B per year (flows), B's rank among A's partners and
A's among B's by turnover per year (ranks), A's exports to B by HS chapter per year
(composition), A's top 10 HS6 exports to B per year (top products), and the Herfindahl index of
A's exports to B over chapters per year (HHI), every year the store holds. bilat answers
through its public ledger functions on the ``Store``; the other ways compute the same numbers
over the store's raw Parquet detail (the flows files its manifest lists): plain pandas (one
year file at a time), one hand-written DuckDB SQL query per piece, and a Polars lazy scan.
Each way runs in its own subprocess (peak RSS from ``os.wait4``); "first" is the pair's first
report in the process (for the first pair: a fresh process, so connection, Parquet footers and
bilat's remembered source choices and compiled SQL all start empty), "again" the best of
``--repeat`` more, with its CPU time (all threads), which the shared machine's load inflates
less than wall time. The four must agree (rtol 1e-9).

    python benchmarks/gen_store.py /tmp/bilat-50m --rows 50e6
    python benchmarks/bench_report.py /tmp/bilat-50m/store --pair RUS-KOR --pair auto-small
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilat.store.session import DataLike

WAYS = ("bilat", "pandas", "duckdb", "polars")
TOP = 10


def _detail_files(store: Path) -> tuple[list[str], bool]:
    """The flows files of reconciled rows, and whether they hold ``reported_by`` on each row
    (stores written before bilat kept a file's constant columns once, in its metadata)."""
    from bilat.store.manifest import load

    m = load(store / "manifest.json")
    parts = [p for p in m.partitions.values() if p.table == "flows"]
    per_row = {"reported_by" not in p.constants for p in parts}
    if len(per_row) > 1:
        raise SystemExit("the raw ways need every flows file to keep reported_by alike")
    files = [
        str(store / p.file)
        for p in sorted(parts, key=lambda p: p.file)
        if p.constants.get("reported_by", "reconciled") == "reconciled"
    ]
    return files, per_row == {True}


# ---------------------------------------------------------------- the four ways


def report_bilat(store: DataLike, a: str, b: str) -> dict:
    """The report through bilat's ledger functions."""
    from bilat.ledger.composition import composition
    from bilat.ledger.flows import bilateral_flows
    from bilat.ledger.ranks import partner_rank

    flows = bilateral_flows(store, a, b).table.fillna({"exports": 0.0, "imports": 0.0})
    r_ab = partner_rank(store, a, b).table
    r_ba = partner_rank(store, b, a).table
    chap = composition(store, a, b, level="chapter", direction="exports").table
    top = composition(store, a, b, level="product", direction="exports", top=TOP).table
    top = top[top.value > 0]
    chap = chap[chap.value > 0]
    hhi = (chap.share**2).groupby(chap.year.to_numpy()).sum()
    # plain lists: iterating pandas' Arrow-backed columns one value at a time is slow
    years, codes, values = chap.year.tolist(), chap.code.tolist(), chap.value.tolist()
    return {
        "flows": {
            int(y): [x, m]
            for y, x, m in zip(
                flows.year.tolist(), flows.exports.tolist(), flows.imports.tolist(), strict=True
            )
        },
        "rank_b_in_a": dict(zip(r_ab.year.tolist(), r_ab["rank"].tolist(), strict=True)),
        "rank_a_in_b": dict(zip(r_ba.year.tolist(), r_ba["rank"].tolist(), strict=True)),
        "chapters": {f"{y}/{c}": v for y, c, v in zip(years, codes, values, strict=True)},
        "top": _top(top.year.tolist(), top.code.tolist(), top.value.tolist()),
        "hhi": {int(y): float(v) for y, v in hhi.items()},
    }


def _top(years, codes, values) -> dict:
    out: dict[int, list] = {}
    for y, c, v in zip(years, codes, values, strict=False):
        out.setdefault(int(y), []).append([str(c), float(v)])
    return {y: sorted(rows, key=lambda r: -r[1])[:TOP] for y, rows in out.items()}


def _ranks(turnover) -> dict:
    """Rank (1 = largest, ties share the better rank) of ``target`` per year, from a frame of
    year, partner, turnover, target (bool)."""
    out = {}
    for y, g in turnover.groupby("year"):
        mine = g[g.target]
        if len(mine):
            out[int(y)] = int((g.turnover > mine.turnover.iloc[0]).sum()) + 1
    return out


def report_pandas(
    files: list[str], a: str, b: str, others: list[str], per_row: bool = False
) -> dict:
    """Plain pandas: read each year's file (needed columns only), filter, group.

    ``per_row``: the files hold ``reported_by`` on each row (else every file is reconciled)."""
    import pandas as pd

    cols = ["year", "exporter", "importer", "product", "value_usd"]
    flows, part_a, part_b, pair = {}, [], [], []
    for f in files:
        d = pd.read_parquet(f, columns=cols + ["reported_by"] * per_row)
        keep = d["product"] != "TOTAL"
        d = d[keep & (d.reported_by == "reconciled")] if per_row else d[keep]
        ab = d[(d.exporter == a) & (d.importer == b)]
        ba = d[(d.exporter == b) & (d.importer == a)]
        for y in set(ab.year) | set(ba.year):
            flows[int(y)] = [
                float(ab[ab.year == y].value_usd.sum()),
                float(ba[ba.year == y].value_usd.sum()),
            ]
        pair.append(ab)
        for who, parts in ((a, part_a), (b, part_b)):
            x = d[d.exporter == who].groupby(["year", "importer"]).value_usd.sum()
            m = d[d.importer == who].groupby(["year", "exporter"]).value_usd.sum()
            x.index.names = m.index.names = ["year", "partner"]
            parts.append(x.add(m, fill_value=0).rename("turnover").reset_index())
    ranks = {}
    for name, parts, other in (("rank_b_in_a", part_a, b), ("rank_a_in_b", part_b, a)):
        t = pd.concat(parts)
        t = t[~t.partner.isin(others)]
        ranks[name] = _ranks(t.assign(target=t.partner == other))
    ab = pd.concat(pair)
    chap = ab.assign(code=ab["product"].str[:2]).groupby(["year", "code"]).value_usd.sum()
    prod = ab.groupby(["year", "product"]).value_usd.sum().reset_index()
    prod = prod.sort_values("value_usd", ascending=False).groupby("year").head(TOP)
    shares = chap / chap.groupby(level="year").transform("sum")
    return {
        "flows": flows,
        **ranks,
        "chapters": {f"{y}/{c}": float(v) for (y, c), v in chap.items() if v > 0},
        "top": _top(prod.year, prod["product"], prod.value_usd),
        "hhi": {int(y): float(v) for y, v in (shares**2).groupby(level="year").sum().items()},
    }


_SQL_FLOWS = """
SELECT year,
       sum(value_usd) FILTER (WHERE exporter = $a AND importer = $b) AS x,
       sum(value_usd) FILTER (WHERE exporter = $b AND importer = $a) AS m
FROM detail
WHERE ((exporter = $a AND importer = $b) OR (exporter = $b AND importer = $a))
GROUP BY year"""
_SQL_RANKS = """
WITH t AS (
  SELECT year, CASE WHEN exporter = $me THEN importer ELSE exporter END AS partner,
         sum(value_usd) AS turnover
  FROM detail WHERE exporter = $me OR importer = $me GROUP BY ALL),
r AS (SELECT year, partner, rank() OVER (PARTITION BY year ORDER BY turnover DESC) AS rk
      FROM t WHERE NOT list_contains($others, partner))
SELECT year, rk FROM r WHERE partner = $other"""
_SQL_CHAPTERS = """
SELECT year, substr(product, 1, 2) AS code, sum(value_usd) AS v
FROM detail WHERE exporter = $a AND importer = $b GROUP BY ALL"""
_SQL_TOP = """
SELECT year, product, v FROM (
  SELECT year, product, sum(value_usd) AS v FROM detail
  WHERE exporter = $a AND importer = $b GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY year ORDER BY v DESC) <= 10"""


def report_duckdb(con: object, a: str, b: str, others: list[str]) -> dict:
    """Hand-written DuckDB SQL over a view of the raw detail files."""
    q = con.execute  # type: ignore[attr-defined]
    flows = {int(y): [x or 0.0, m or 0.0] for y, x, m in q(_SQL_FLOWS, {"a": a, "b": b}).fetchall()}
    r_ab = dict(q(_SQL_RANKS, {"me": a, "other": b, "others": others}).fetchall())
    r_ba = dict(q(_SQL_RANKS, {"me": b, "other": a, "others": others}).fetchall())
    chap = q(_SQL_CHAPTERS, {"a": a, "b": b}).fetchall()
    top = q(_SQL_TOP, {"a": a, "b": b}).fetchall()
    totals: dict[int, float] = {}
    for y, _, v in chap:
        totals[y] = totals.get(y, 0.0) + v
    hhi: dict[int, float] = {}
    for y, _, v in chap:
        hhi[int(y)] = hhi.get(int(y), 0.0) + (v / totals[y]) ** 2
    return {
        "flows": flows,
        "rank_b_in_a": {int(y): int(r) for y, r in r_ab.items()},
        "rank_a_in_b": {int(y): int(r) for y, r in r_ba.items()},
        "chapters": {f"{y}/{c}": v for y, c, v in chap if v > 0},
        "top": _top(*zip(*top, strict=False)) if top else {},
        "hhi": hhi,
    }


def report_polars(
    files: list[str], a: str, b: str, others: list[str], per_row: bool = False
) -> dict:
    """A Polars lazy scan of the raw detail, one collect per piece (``per_row``: as pandas)."""
    import polars as pl

    keep = pl.col("product") != "TOTAL"
    if per_row:
        keep = keep & (pl.col("reported_by") == "reconciled")
    lf = pl.scan_parquet(files).filter(keep)
    ab = lf.filter((pl.col("exporter") == a) & (pl.col("importer") == b))
    ba = lf.filter((pl.col("exporter") == b) & (pl.col("importer") == a))
    fx = ab.group_by("year").agg(pl.col("value_usd").sum().alias("x"))
    fm = ba.group_by("year").agg(pl.col("value_usd").sum().alias("m"))
    flows = fx.join(fm, on="year", how="full", coalesce=True).fill_null(0.0)
    ranks = {}
    for name, me, other in (("rank_b_in_a", a, b), ("rank_a_in_b", b, a)):
        t = (
            lf.filter((pl.col("exporter") == me) | (pl.col("importer") == me))
            .with_columns(
                partner=pl.when(pl.col("exporter") == me)
                .then(pl.col("importer"))
                .otherwise(pl.col("exporter"))
            )
            .group_by(["year", "partner"])
            .agg(pl.col("value_usd").sum().alias("turnover"))
            .filter(~pl.col("partner").is_in(others))
            .with_columns(rk=pl.col("turnover").rank("min", descending=True).over("year"))
            .filter(pl.col("partner") == other)
        )
        ranks[name] = t
    chap = ab.group_by(["year", pl.col("product").str.slice(0, 2).alias("code")]).agg(
        pl.col("value_usd").sum().alias("v")
    )
    top = (
        ab.group_by(["year", "product"])
        .agg(pl.col("value_usd").sum().alias("v"))
        .filter(pl.col("v").rank("ordinal", descending=True).over("year") <= TOP)
    )
    flows_df, r1, r2, chap_df, top_df = pl.collect_all(
        [flows, ranks["rank_b_in_a"], ranks["rank_a_in_b"], chap, top]
    )
    chap_df = chap_df.with_columns(share=pl.col("v") / pl.col("v").sum().over("year"))
    hhi = chap_df.group_by("year").agg((pl.col("share") ** 2).sum().alias("h"))
    return {
        "flows": {int(y): [x, m] for y, x, m in flows_df.select("year", "x", "m").iter_rows()},
        "rank_b_in_a": {int(y): int(r) for y, r in r1.select("year", "rk").iter_rows()},
        "rank_a_in_b": {int(y): int(r) for y, r in r2.select("year", "rk").iter_rows()},
        "chapters": {f"{y}/{c}": v for y, c, v in chap_df.select("year", "code", "v").iter_rows()},
        "top": _top(*top_df.select("year", "product", "v").to_dict(as_series=False).values()),
        "hhi": {int(y): h for y, h in hhi.iter_rows()},
    }


# ---------------------------------------------------------------- one way, in the child


def _non_countries(files: list[str]) -> list[str]:
    """Trading-partner codes in the files that are not countries (areas n.e.s., aggregates).

    The report ranks among country partners only (``bilat.ledger.ranks``); the references apply
    the same rule with their own arithmetic, so the codes to leave out come from the same list."""
    import duckdb

    from bilat.reference.countries import is_country

    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    codes = duckdb.sql(
        f"SELECT DISTINCT exporter FROM read_parquet([{listed}]) "
        f"UNION SELECT DISTINCT importer FROM read_parquet([{listed}])"
    ).fetchall()
    return sorted(c for (c,) in codes if not is_country(c))


def child(way: str, store_path: Path, pairs: list[tuple[str, str]], repeat: int) -> dict:
    """Time the report of each pair: first call (cold), best of ``repeat`` more (warm)."""
    if way == "bilat":
        import importlib

        for mod in ("composition", "flows", "ranks"):  # imports are not the report's cost
            importlib.import_module(f"bilat.ledger.{mod}")
        from bilat.store import Store

        store = Store(store_path)
        run = lambda a, b: report_bilat(store, a, b)  # noqa: E731
    elif way == "pandas":
        files, per_row = _detail_files(store_path)
        others = _non_countries(files)
        run = lambda a, b: report_pandas(files, a, b, others, per_row)  # noqa: E731
    elif way == "duckdb":
        import duckdb

        files, per_row = _detail_files(store_path)
        con = duckdb.connect()
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        where = "WHERE reported_by = 'reconciled'" if per_row else ""
        con.execute(f"CREATE VIEW detail AS SELECT * FROM read_parquet([{listed}]) {where}")
        others = _non_countries(files)
        run = lambda a, b: report_duckdb(con, a, b, others)  # noqa: E731
    elif way == "polars":
        files, per_row = _detail_files(store_path)
        others = _non_countries(files)
        run = lambda a, b: report_polars(files, a, b, others, per_row)  # noqa: E731
    else:
        raise SystemExit(f"unknown way {way}")
    out = {}
    for a, b in pairs:
        t0 = time.perf_counter()
        result = run(a, b)
        cold = time.perf_counter() - t0
        warm, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            run(a, b)
            warm.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[f"{a}-{b}"] = {
            "cold": cold,
            "warm": min(warm) if warm else cold,
            "cpu": min(cpu) if cpu else float("nan"),
            "result": result,
        }
    return out


def measure(way: str, store: Path, pairs: list[tuple[str, str]], repeat: int) -> dict:
    """Run one way in its own process; its timings, results and peak RSS (MB)."""
    cmd = [sys.executable, __file__, str(store), "--child", way, "--repeat", str(repeat)]
    for a, b in pairs:
        cmd += ["--pair", f"{a}-{b}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{way} failed (status {status})")
    return {"pairs": json.loads(stdout), "peak_rss_mb": usage.ru_maxrss / 1024}


# ---------------------------------------------------------------- checking and printing


def _same(x: object, y: object, rtol: float = 1e-9) -> bool:
    if isinstance(x, dict) and isinstance(y, dict):
        return set(map(str, x)) == set(map(str, y)) and all(
            _same(x[k], {str(k2): v for k2, v in y.items()}[str(k)]) for k in x
        )
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y, strict=True))
    if isinstance(x, float) or isinstance(y, float):
        return abs(float(x) - float(y)) <= rtol * max(abs(float(x)), abs(float(y)), 1.0)
    return x == y


def small_pair(store: Path, avoid: set[str]) -> tuple[str, str]:
    """A pair trading every year with few product rows (from pair_totals: a look-up)."""
    import duckdb

    from bilat.store.manifest import load

    files = [str(store / f) for f in load(store / "manifest.json").live_files("pair_totals")]
    row = duckdb.execute(
        """SELECT exporter, importer FROM read_parquet(?)
           WHERE exporter < importer GROUP BY ALL
           HAVING count(DISTINCT year) = (SELECT count(DISTINCT year) FROM read_parquet(?))
           ORDER BY sum(detail_rows) LIMIT 1""",
        [files, files],
    ).fetchone()
    return row[0], row[1]


def pair_rows(store: Path, a: str, b: str) -> int:
    """Detail rows of the pair (both directions), from pair_totals."""
    import duckdb

    from bilat.store.manifest import load

    files = [str(store / f) for f in load(store / "manifest.json").live_files("pair_totals")]
    return duckdb.execute(
        """SELECT sum(detail_rows) FROM read_parquet(?)
           WHERE (exporter = ? AND importer = ?) OR (exporter = ? AND importer = ?)""",
        [files, a, b, b, a],
    ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store folder (e.g. made by gen_store.py)")
    parser.add_argument(
        "--pair", action="append", help="A-B in ISO3, or auto-small (repeatable; RUS-KOR)"
    )
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per pair (best kept)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    store = args.store.resolve()
    pairs = []
    for p in args.pair or ["RUS-KOR"]:
        if p == "auto-small":
            pairs.append(small_pair(store, set()))
        else:
            a, b = p.split("-")
            pairs.append((a, b))
    if args.child:
        print(json.dumps(child(args.child, store, pairs, args.repeat)))
        return
    from bilat.store import Store
    from bilat.store.manifest import load

    if not Store(store).derived_ready:
        # a store built by an older bilat lacks a derived table: the ledger would read the
        # detail instead, and the figures would not describe this version
        raise SystemExit(
            f"{store} was built by an older bilat (its derived tables are incomplete): "
            "delete its folder and run gen_store.py again (make bench-report does)"
        )
    rows = sum(
        p.rows for p in load(store / "manifest.json").partitions.values() if p.table == "flows"
    )
    copy = Store(store).serving_copy
    print(f"{store}: {rows:,} flow rows, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(
        f"bilat reads its serving copy {copy.name}"
        if copy
        else "bilat reads the Parquet files (no current serving copy: `bilat data index`)"
    )
    results = {w: measure(w, store, pairs, args.repeat) for w in args.ways.split(",")}
    ref = results.get("bilat") or next(iter(results.values()))
    for a, b in pairs:
        key = f"{a}-{b}"
        print(f"\n{key}: {pair_rows(store, a, b):,} detail rows of the pair")
        best_other = min(
            (r["pairs"][key]["warm"] for w, r in results.items() if w != "bilat"), default=None
        )
        print(
            "| way | first (s) | again (s) | again, CPU (s) | best other / this "
            "| peak RSS (MB) | same numbers |"
        )
        print("|---|---:|---:|---:|---:|---:|---|")
        for w, r in results.items():
            p = r["pairs"][key]
            ratio = f"{best_other / p['warm']:.1f}×" if best_other else "-"
            same = _same(ref["pairs"][key]["result"], p["result"])
            print(
                f"| {w} | {p['cold']:.3f} | {p['warm']:.3f} | {p['cpu']:.3f} | {ratio} | "
                f"{r['peak_rss_mb']:,.0f} | {'yes' if same else 'NO'} |"
            )
            if not same:
                for part in p["result"]:
                    if not _same(ref["pairs"][key]["result"][part], p["result"][part]):
                        print(f"    differs from bilat in {part}")


if __name__ == "__main__":
    main()

"""Ingestion benchmark: bilat's validated BACI ingestion next to the raw CSV -> Parquet converters.

Each way runs in its own subprocess on the same file; we time the conversion inside the child
(imports excluded) and read the child's peak resident memory from ``os.wait4``. The raw converters
do no validation, no code mapping and write only BACI's six columns; bilat validates every row,
maps codes to ISO3, converts to USD and writes the 14 canonical columns through the store.

    python benchmarks/gen_baci.py /tmp/BACI_HS92_Y2019_V202201.csv          # 10 million rows
    python benchmarks/bench_ingest.py /tmp/BACI_HS92_Y2019_V202201.csv
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAYS = ("bilat", "bilat-serving", "bilat-direct", "duckdb", "pyarrow", "pandas")
RAW = ("duckdb", "pyarrow")
DESCRIPTION = {
    "bilat": "bilat Store.ingest, all validation (Parquet store)",
    "bilat-serving": "the same, then the serving copy (DuckDB)",
    "bilat-direct": "bilat reader -> ParquetWriter, dictionary text (proposed store path)",
    "duckdb": "DuckDB read_csv -> COPY parquet",
    "pyarrow": "PyArrow CSV reader -> ParquetWriter",
    "pandas": "pandas read_csv -> to_parquet",
}


# ---------------------------------------------------------------- one way, in the child


def _run_bilat(src: Path, out: Path) -> int:
    from bilat.store import Store

    # the store itself: validated detail and derived tables in Parquet, manifest swapped
    (res,) = Store(out / "store").ingest([src], format="baci", serving=False)
    return res.rows


def _run_bilat_serving(src: Path, out: Path) -> int:
    from bilat.store import Store

    # what `bilat data add` does: the same, then the serving copy that fast look-ups read
    (res,) = Store(out / "store").ingest([src], format="baci")
    return res.rows


def _run_bilat_direct(src: Path, out: Path) -> int:
    # the same validated reader, written the way the store could write it: text columns kept
    # dictionary-encoded (no hashing per row), statistics only where queries filter, and
    # values handed to the encoder 64k at a time (1k by default)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bilat.sources.baci import BaciReader

    stats = ["year", "exporter", "importer", "product", "value_usd", "quantity", "non_country"]
    pending: list[pa.RecordBatch] = []
    writer: pq.ParquetWriter | None = None
    rows = 0

    def flush() -> None:
        nonlocal writer, pending
        table = pa.Table.from_batches(pending).unify_dictionaries()
        if writer is None:
            writer = pq.ParquetWriter(
                out / "direct.parquet",
                table.schema,
                compression="zstd",
                store_schema=False,
                write_statistics=stats,
                write_batch_size=64 * 1024,
            )
        writer.write_table(table, row_group_size=table.num_rows)
        pending = []

    for batch in BaciReader(dictionary=True).batches(src):
        pending.append(batch)
        rows += batch.num_rows
        if sum(b.num_rows for b in pending) >= 1_000_000:  # row groups of ~1 M rows
            flush()
    if pending:
        flush()
    if writer is not None:
        writer.close()
    return rows


def _run_duckdb(src: Path, out: Path) -> int:
    import duckdb

    con = duckdb.connect()
    target = str(out / "duckdb.parquet").replace("'", "''")
    sql = f"COPY (SELECT * FROM read_csv(?, header = true)) TO '{target}' (FORMAT parquet)"
    return con.execute(sql, [str(src)]).fetchone()[0]  # COPY returns the rows written


def _run_pyarrow(src: Path, out: Path) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    # the same typed columns and block size bilat's reader uses, so that the difference is the work
    types = {"t": pa.int16(), "i": pa.int16(), "j": pa.int16(), "k": pa.int32()}
    types |= {"v": pa.float64(), "q": pa.float64()}
    reader = pacsv.open_csv(
        src,
        read_options=pacsv.ReadOptions(block_size=4 << 20),
        convert_options=pacsv.ConvertOptions(column_types=types),
    )
    rows = 0
    with pq.ParquetWriter(out / "pyarrow.parquet", reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _run_pandas(src: Path, out: Path) -> int:
    import pandas as pd

    df = pd.read_csv(src)
    df.to_parquet(out / "pandas.parquet")
    return len(df)


def child(way: str, src: Path, out: Path) -> None:
    """Run one way and print ``{"rows": ..., "seconds": ...}`` as JSON."""
    run = globals()[f"_run_{way.replace('-', '_')}"]
    # import the libraries before the clock starts: we time conversion, not interpreter start-up
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    if way.startswith("bilat"):
        import bilat.store  # noqa: F401
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    rows = run(src, out)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu}))


def _cpu_seconds() -> float:
    """User + system CPU time of this process, all threads (less sensitive to load than wall)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- the parent


def measure(way: str, src: Path) -> dict:
    """Run ``way`` in a subprocess; rows, seconds and its peak RSS in MB."""
    out = Path(tempfile.mkdtemp(prefix=f"bench-{way}-", dir=src.parent))
    try:
        proc = subprocess.Popen(
            [sys.executable, __file__, str(src), "--child", way, str(out)],
            stdout=subprocess.PIPE,
            text=True,
        )
        stdout = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{way} failed with exit code {proc.returncode}")
        result = json.loads(stdout.strip().splitlines()[-1])
        size = sum(f.stat().st_size for f in out.rglob("*.parquet"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    # Linux reports ru_maxrss in kilobytes
    return {**result, "peak_rss_mb": usage.ru_maxrss / 1024, "parquet_mb": size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a BACI-format CSV made by gen_baci.py")
    parser.add_argument(
        "--ways", default=",".join(WAYS), help="comma-separated subset of " + ", ".join(WAYS)
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each way, interleaved; the table shows the median run (and the best)",
    )
    parser.add_argument("--child", nargs=2, metavar=("WAY", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        way, out = args.child
        child(way, args.path, Path(out))
        return
    ways = args.ways.split(",")
    size = args.path.stat().st_size / 1e6
    print(f"{args.path.name}: {size:,.0f} MB, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    # interleaved repeats: on a shared machine the load drifts, so each way sees the same drift
    runs: dict[str, list[dict]] = {w: [] for w in ways}
    for _ in range(args.repeat):
        for w in ways:
            runs[w].append(measure(w, args.path))
            r = runs[w][-1]
            print(
                f"  {w}: {r['seconds']:.2f} s, {r['cpu_seconds']:.1f} CPU s, "
                f"{r['peak_rss_mb']:,.0f} MB (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    for label, pick in (("median run", _median), ("best run", _best)):
        print(f"\n{label} of {args.repeat} per way (wall and CPU each taken separately):")
        _table({w: pick(rs) for w, rs in runs.items()})
    raw = [w for w in ways if w in RAW]
    for w in (w for w in ways if w not in RAW and raw):
        # each round's ratio to the fastest raw way of the same round: the load they shared
        for measure_ in ("seconds", "cpu_seconds"):
            ratios = [
                min(runs[r][i][measure_] for r in raw) / runs[w][i][measure_]
                for i in range(args.repeat)
            ]
            print(
                f"{w} rows per {'CPU ' if measure_ == 'cpu_seconds' else ''}second / fastest "
                f"raw, round by round: {', '.join(f'{x:.0%}' for x in ratios)}; "
                f"median {statistics.median(ratios):.0%}"
            )


def _best(runs: list[dict]) -> dict:
    """The fastest run, with the least CPU seconds of any run."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
    return best


def _median(runs: list[dict]) -> dict:
    """The median of each measure over the runs (a shared machine's load drifts)."""
    out = dict(runs[0])
    for k in ("seconds", "cpu_seconds", "peak_rss_mb", "parquet_mb"):
        out[k] = statistics.median(r[k] for r in runs)
    return out


def _table(results: dict[str, dict]) -> None:
    fastest_raw = max(
        (results[w]["rows"] / results[w]["seconds"] for w in RAW if w in results), default=None
    )
    # rows per CPU second: the work each way does, less sensitive to the machine's other load
    # than wall time (the ratio the target is set in is the wall-time one)
    fastest_raw_cpu = max(
        (results[w]["rows"] / results[w]["cpu_seconds"] for w in RAW if w in results),
        default=None,
    )
    print(
        "| way | rows | seconds | rows/s | vs fastest raw | CPU s | rows per CPU s vs fastest "
        "raw | peak RSS MB | Parquet MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w, r in results.items():
        rate = r["rows"] / r["seconds"]
        ratio = f"{rate / fastest_raw:.0%}" if fastest_raw else "-"
        per_cpu = r["rows"] / r["cpu_seconds"]
        cpu_ratio = f"{per_cpu / fastest_raw_cpu:.0%}" if fastest_raw_cpu else "-"
        print(
            f"| {DESCRIPTION[w]} | {r['rows']:,} | {r['seconds']:.2f} | {rate / 1e6:.2f} M "
            f"| {ratio} | {r['cpu_seconds']:.1f} | {cpu_ratio} | {r['peak_rss_mb']:,.0f} "
            f"| {r['parquet_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()

"""Fault injection (issue 20): an ingestion is killed (SIGKILL, no clean-up) at every stage,
then the same file is added again; the store must never show partial data, and once the file is
back in, queries must take the fast path (the serving copy) with nothing left behind.

Stages: while staging (killed from outside once Parquet bytes are in staging), while moving
staged files into place, at the manifest swap (its temporary file written and synced, not yet
renamed), and at the end of the serving-copy build (the copy complete, not yet renamed). The
child process kills itself at the exact system call by wrapping ``os.replace``: the fault is
injected at the operating-system boundary, bilat's own code runs unchanged.

Failed before the fix at the serving stage: the file was "unchanged", the copy never rebuilt,
queries stayed on the slow path and the temporary copy stayed on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bilat.store import Store

HEADER = "t,i,j,k,v,q\n"
CODES = [4, 8, 12, 36, 40, 56, 76, 124, 156, 251, 276, 392, 410, 643, 699, 842]
PRODUCTS = 6_000  # per pair: 240 pairs x 6,000 products = 1.44M distinct rows

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    stage, root, path = sys.argv[1:4]
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        s, d = str(src), str(dst)
        if (
            (stage == "move" and "/staging/" in s and "/data/" in d)
            or (stage == "manifest" and d.endswith("/manifest.json"))
            or (stage == "serving" and "/serving/tmp-" in s)
        ):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst, *args, **kwargs)

    os.replace = replace
    from bilat.store import Store
    Store(root).ingest([path])
    """
)


def big_baci(path: Path) -> float:
    """A BACI file of 1.44M distinct flows; returns its total in USD (worked from the rows)."""
    lines, total = [HEADER], 0.0
    pairs = [(a, b) for a in CODES for b in CODES if a != b]
    for n, (i, j) in enumerate(pairs):
        value = 1.0 + n % 7  # thousand USD, the same for each of the pair's products
        total += value * 1000 * PRODUCTS
        lines.append("".join(f"2018,{i},{j},{10000 + k * 10},{value},1\n" for k in range(PRODUCTS)))
    path.write_text("".join(lines))
    return total


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> tuple[Path, float]:
    folder = tmp_path_factory.mktemp("faults")
    path = folder / "BACI_HS92_Y2018_V202201.csv"
    return path, big_baci(path)


def state(root: Path) -> tuple[bytes, list[str]]:
    manifest = (root / "manifest.json").read_bytes() if (root / "manifest.json").exists() else b""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return manifest, files


def flows_usd(store: Store) -> float:
    return float(store.table("flows").value_usd.sum().execute() or 0.0)


def reads_copy(store: Store) -> bool:
    """True when the derived tables' views read the serving copy (the fast path; the flows
    detail itself is never in the copy)."""
    [(sql,)] = store.backend.con.sql(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'economy_totals' AND temporary"
    ).fetchall()
    return "serving" in sql


def kill_while_staging(root: Path, path: Path) -> None:
    env = {**os.environ, "BILAT_STORE": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", "data", "add", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    staging = root / "staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size > 0 for p in staging.rglob("*.parquet")):
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"ended before the kill: {proc.stderr.read()!r}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def kill_at(stage: str, root: Path, path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, stage, str(root), str(path)],
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["staging", "move", "manifest", "serving"])
def test_killed_at_each_stage_then_added_again_takes_the_fast_path(tmp_path, source, stage):
    path, total = source
    root = tmp_path / "store"
    small = tmp_path / "BACI_HS92_Y2016_V202201.csv"
    small.write_text(HEADER + "2016,643,410,270900,1500.5,10.0\n")
    Store(root).ingest([small])
    before = state(root)
    if stage == "staging":
        kill_while_staging(root, path)
    else:
        kill_at(stage, root, path)

    # nothing partial is ever visible: the old data alone, or (killed after the manifest
    # swap) all of the new file
    reader = Store(root)
    seen = flows_usd(reader)
    committed = stage == "serving"
    assert seen == pytest.approx(1_500_500.0 + (total if committed else 0.0))
    if not committed:
        assert state(root)[0] == before[0]  # the manifest is byte for byte the old one

    # the same file again: in, and on the fast path, with nothing left behind
    store = Store(root)
    [res] = store.ingest([path])
    assert res.status == ("unchanged" if committed else "added")
    assert flows_usd(store) == pytest.approx(1_500_500.0 + total)
    assert store.serving_copy is not None and reads_copy(Store(root))
    serving = sorted(p.name for p in (root / "serving").iterdir())
    assert serving == [store.serving_copy.name]  # no temporary copy left
    assert not (root / "staging").exists()
    listed = sorted(p["file"] for p in json.loads(state(root)[0])["partitions"].values())
    on_disk = sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))
    assert on_disk == listed

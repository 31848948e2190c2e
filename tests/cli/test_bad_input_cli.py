"""The CLI on bad input (issue 20): one clean error line, never a traceback; text from files and
paths is printed as text (no Rich markup, no emoji codes). These failed before the fix."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from bilat.cli.main import app

HEADER = "t,i,j,k,v,q\n"
GOOD = "2016,643,410,270900,1500.5,10.0\n2016,410,643,870323,250.25,2.0\n"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_markup_in_a_path_is_printed_not_parsed(tmp_path):
    folder = tmp_path / "x[" / "]y"  # the path's text holds "[/]"
    folder.mkdir(parents=True)
    bad = folder / "BACI_HS92_Y2016_V202201.csv"
    bad.write_text(HEADER + "2016,643,410,270900,-1,1\n")
    out = run("data", "add", str(bad), "--store", str(tmp_path / "store"))
    assert out.exit_code == 3, out.output  # 3: bad input data
    assert out.exception is None or isinstance(out.exception, SystemExit)
    assert "x[/]y" in out.output and "negative value" in out.output


def test_emoji_code_in_a_path_stays_text(tmp_path):
    src = tmp_path / "a:x:b_BACI_HS92_Y2016_V202201.csv"
    src.write_text(HEADER + GOOD)
    out = run("data", "add", str(src), "--store", str(tmp_path / "store"))
    assert out.exit_code == 0, out.output
    assert "a:x:b_BACI" in out.output and "❌" not in out.output


def test_markup_in_an_error_about_a_cell(tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,[/],2016,657\n")
    out = run(
        "data", "add", str(src), "--map", "exporter=exp,importer=imp,year=year,value_usd=usd",
        "--store", str(tmp_path / "store"),
    )  # fmt: skip
    assert out.exit_code == 3, out.output  # 3: bad input data
    assert "unknown country code '[/]'" in out.output


def test_data_list_on_a_corrupt_manifest_is_one_line(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text('{"format_version": 1, "generation": 3, "files": ')
    out = run("data", "list", "--store", str(store))
    assert out.exit_code == 2
    assert isinstance(out.exception, SystemExit)  # not a traceback
    assert "manifest" in out.output and "unreadable" in out.output


def test_unit_inf_is_refused(tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,KOR,2016,657\n")
    out = run(
        "data", "add", str(src), "--map", "exporter=exp,importer=imp,year=year,value_usd=usd",
        "--unit", "inf", "--store", str(tmp_path / "store"),
    )  # fmt: skip
    assert out.exit_code == 2 and "unit must be a positive, finite" in out.output


def test_replace_lets_a_smaller_file_of_the_same_release_in(bundle, tmp_path):
    real = bundle / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    store = str(tmp_path / "store")
    assert run("data", "add", str(real), "--store", store).exit_code == 0
    head = tmp_path / "comtrade_hs27_2015.csv"
    head.write_text("".join(lines[:501]))
    out = run("data", "add", str(head), "--store", store)
    assert out.exit_code == 2
    assert f"{len(lines) - 501:,} rows would go" in out.output and "--replace" in out.output
    out = run("data", "add", str(head), "--replace", "--store", store)
    assert out.exit_code == 0 and "replaced" in out.output
    manifest = json.loads((Path(store) / "manifest.json").read_text())
    assert sum(p["rows"] for p in manifest["partitions"].values() if p["table"] == "flows") == 500


def test_markup_in_an_article_is_printed_as_text(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Russia-South Korea trade [/] was US$15 billion in 2016 :x:.", "utf-8")
    out = run("claims", "check", str(article), "--store", str(tmp_path / "store"))
    assert out.exit_code == 0, out.output
    assert "[/]" in out.output and ":x:" in out.output and "❌" not in out.output

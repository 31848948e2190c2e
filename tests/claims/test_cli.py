"""``bilat claims check``: the command prints, writes JSON and HTML, and reads stdin."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

runner = CliRunner()
ARTICLE = (
    "MOSCOW (Wire) - Russia-South Korea trade was US$15 billion in 2016. Korea was Russia's "
    "seventh-largest partner in 2016. The sides want to lift trade to $30 billion by 2020."
)


def test_json_from_stdin_with_an_empty_store(tmp_path):
    r = runner.invoke(
        app, ["claims", "check", "-", "--format", "json", "--store", str(tmp_path)], input=ARTICLE
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert [c["kind"] for c in got["claims"]] == ["value", "rank", "target"]
    assert [c["verdict"] for c in got["claims"]] == ["no data", "no data", "not checkable"]


def test_html_to_a_file(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.html"
    r = runner.invoke(
        app,
        [
            "claims",
            "check",
            str(art),
            "--format",
            "html",
            "--out",
            str(out),
            "--store",
            str(tmp_path / "s"),
        ],
    )
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<details id="claim-') == 3 and "US$15 billion" in page


def test_bad_date_and_missing_file_are_clean_errors(tmp_path):
    r = runner.invoke(
        app,
        ["claims", "check", "-", "--published", "June 2017", "--store", str(tmp_path)],
        input=ARTICLE,
    )
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output
    r = runner.invoke(
        app, ["claims", "check", str(tmp_path / "nope.txt"), "--store", str(tmp_path)]
    )
    assert r.exit_code == 2 and "no such file" in r.output


@pytest.mark.bundle
def test_text_table_against_the_bundle_store(bundle_store):
    r = runner.invoke(
        app, ["claims", "check", "-", "--store", str(bundle_store.root)], input=ARTICLE
    )
    assert r.exit_code == 0, r.output
    assert "15.33 bn USD" in r.output and "contradicted" in r.output and "6th" in r.output

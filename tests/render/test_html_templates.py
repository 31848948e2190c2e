"""HTML through templates only: no module builds tags from strings (issue 17 item 6), and the
templates escape what they show."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bilat.render.html import Section, fragment, page, table

SRC = Path(__file__).parents[2] / "src" / "bilat"
# a tag written inside a Python string: '<p>', "<table", f"<li>{…}"
TAG = re.compile(
    r"""["'](?:[^"'\n]*?)<(?:p|ul|li|table|tr|td|th|h[1-6]|div|span|a|b|code|br|html|body)[\s>/]"""
)


def test_no_html_built_from_strings():
    offenders = []
    for path in SRC.rglob("*.py"):
        for k, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            text = line.strip()
            # Plotly hover templates are Plotly's markup, not pages; comments and messages
            # that name a placeholder such as '<code> - <name>' are text
            if text.startswith("#") or "hovertemplate" in text or "is not '<code>" in text:
                continue
            if TAG.search(line) and "re.compile" not in line and "(?P<" not in line:
                offenders.append(f"{path.relative_to(SRC)}:{k}: {line.strip()}")
    assert offenders == []


def test_fragment_escapes_and_formats():
    frame = pd.DataFrame({"year": [2016], "turnover": [15_326_241_792.0], "name": ["<b>Korea</b>"]})
    html = fragment(Section("Trade <RUS>", [table(frame)], footer=["Data: penppml"]))
    assert "Trade &lt;RUS&gt;" in html and "&lt;b&gt;Korea&lt;/b&gt;" in html
    assert ">15.33 bn USD<" in html and 'data-value="15326241792.0"' in html
    assert ">2016<" in html


def test_page_is_offline():
    html = page("p", [Section("t", [])])
    assert html.startswith("<!DOCTYPE html>") and "<script src=" not in html

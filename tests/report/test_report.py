"""The profile and its renderers; the HTML page opened in headless Chromium."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pandas as pd
import pytest

from bilat.report import Target, profile, render


@pytest.fixture(scope="module")
def rus_kor(bundle_flows):
    return profile(bundle_flows, "RUS", "KOR", target=Target(30e9, 2020, 2016))


pytestmark = pytest.mark.bundle


def test_profile_gathers_every_piece(rus_kor):
    expected = {
        "growth",
        "rank_b_in_a",
        "rank_a_in_b",
        "composition_exports",
        "sectors",
        "grubel_lloyd",
        "mirror",
        "complementarity",
        "intensity",
        "target",
    }
    assert expected <= set(rus_kor.sections), rus_kor.missing
    assert rus_kor.flows.value(2016, "turnover") == pytest.approx(15_326_241_792)
    assert rus_kor.sections["rank_b_in_a"].rank(2016) == 6
    assert rus_kor.sections["target"].verdict == "not enough data"


def test_text_json_csv(rus_kor):
    text = render(rus_kor, "text", width=100)
    assert "15.33 bn USD" in text and "Verdict: not enough data" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    doc = json.loads(render(rus_kor, "json"))
    rows = pd.DataFrame(doc["flows"]["rows"])
    assert rows.set_index("year").turnover[2016] == pytest.approx(15_326_241_792)
    assert doc["flows"]["provenance"]["source"] == "penppml"
    assert doc["summary"]["items"]["target"]["verdict"] == "not enough data"
    # (30 / 15.326)^(1/4) − 1 = 18.3 % a year, worked from the README's figures
    assert doc["summary"]["items"]["target"]["required_cagr"] == pytest.approx(0.1829, abs=1e-4)
    frame = pd.read_csv(io.StringIO(render(rus_kor, "csv")))
    flows = frame[frame.section == "flows"].set_index("year")
    assert flows.turnover[2016] == pytest.approx(15_326_241_792)


def test_html_is_self_contained(rus_kor):
    page = render(rus_kor, "html")
    # Plotly's own source mentions its CDN in strings; what matters is that nothing is loaded.
    assert "<script src=" not in page and '<link href="http' not in page
    assert 'src="http' not in page
    # one chart box per picture, each drawn from its figure or saying what is not covered
    assert page.count('class="chart-data"') == page.count('class="chart-box') >= 5


@pytest.mark.browser
def test_html_renders_in_headless_chromium(rus_kor, tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(chromium):
        pytest.skip("Debian chromium not installed (apt-get install -y chromium)")
    page = tmp_path / "report.html"
    page.write_text(render(rus_kor, "html"), encoding="utf-8")
    base = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--virtual-time-budget=8000",
    ]
    dom = subprocess.run(
        [*base, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # Plotly draws each chart as an SVG with class main-svg; five charts are expected.
    assert dom.stdout.count('class="main-svg"') >= 5
    assert "treemap" in dom.stdout and "Turnover and balance" in dom.stdout
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    shot = tmp_path / "report.png"
    subprocess.run(
        [*base, "--window-size=1200,2000", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 50_000  # a blank page is a few kB


@pytest.mark.bundle
def test_html_charts_leave_gaps_for_years_without_data(bundle_store):
    from bilat.report import profile
    from bilat.report.charts import flows_chart

    p = profile(bundle_store, "RUS", "KOR", years=range(2008, 2017))
    chart = flows_chart(p)
    turnover = next(t for t in chart.figure["data"] if t["name"] == "turnover")
    assert list(turnover["x"]) == list(range(2008, 2017))
    drawn = [x for x, y in zip(turnover["x"], turnover["y"], strict=True) if y is not None]
    assert drawn == [2008, 2012, 2016]  # every 4th year: the years between are gaps
    assert turnover["connectgaps"] is False
    # plotted in bn USD; 2016 turnover 15.33 bn (README of the bundle: 4.768 + 10.558)
    assert turnover["y"][-1] == pytest.approx(15.326, abs=1e-3)
    assert chart.rows.set_index("year").turnover.isna().tolist() == [
        False,
        True,
        True,
        True,
        False,
        True,
        True,
        True,
        False,
    ]

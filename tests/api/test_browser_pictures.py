"""The pictures of the web profile, the scenario page and the HTML report, in headless Chromium:
three pairs at two widths, no horizontal overflow, every chart drawn or saying what is not
covered, toolbars off the titles, CSV and PNG downloads that hold CSV and PNG, an
accessibility scan (axe-core) without serious or critical violations.

Screenshots go to $BILAT_SCREENSHOTS (default /tmp/bilat-screenshots), to be looked at."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.api.conftest import axe_violations, run_scenario_page

pytestmark = [pytest.mark.browser, pytest.mark.bundle]

SHOTS = Path(os.environ.get("BILAT_SCREENSHOTS", "/tmp/bilat-screenshots"))
PAIRS = [("RUS", "KOR"), ("CHN", "KOR"), ("USA", "KOR")]
WIDTHS = [1280, 1920]
CHARTS = ("flows", "ranks", "composition", "top-products", "sectors")
PNG = b"\x89PNG\r\n\x1a\n"

# every chart box: drawn with traces, or not drawn and saying why (never an empty plot)
CHART_STATE = """() => Array.from(document.querySelectorAll('.chart-box')).map(box => {
  const plot = box.querySelector('.chart');
  return {
    key: box.id.slice(4),
    traces: plot.data ? plot.data.length : 0,
    drawn: !!plot.querySelector('.main-svg'),
    hidden: plot.hidden,
    note: box.querySelector('.note').textContent,
    title: box.querySelector('.chart-title').getBoundingClientRect().toJSON(),
    modebar: (() => { const m = box.querySelector('.modebar');
                      return m ? m.getBoundingClientRect().toJSON() : null; })(),
  };
})"""


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def _check_charts(states: list[dict], keys: tuple[str, ...]) -> None:
    assert [s["key"] for s in states] == list(keys)
    for s in states:
        if s["hidden"]:
            assert s["traces"] == 0 and s["note"].startswith("Not covered"), s
        else:
            assert s["drawn"] and s["traces"] > 0, s
            assert s["modebar"] is None or not _overlap(s["title"], s["modebar"]), s


def _no_overflow(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"page is {width} px wide in a {inner} px window"


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


@pytest.fixture
def window(browser, live_server, request):
    """A page of the given width (request.param), offline, console errors collected."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith((live_server, "data:", "blob:"))
            else route.abort()
        ),
    )
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.mark.parametrize("window", WIDTHS, indirect=True, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_profile_pictures(window, live_server, bundle_store, a, b):
    from bilat.ledger.flows import bilateral_flows

    page = window
    page.goto(f"{live_server}/?a={a}&b={b}&from=1996&to=2016")
    page.wait_for_selector("#chart-flows .main-svg")
    page.wait_for_function("document.querySelectorAll('.chart-box .note:not(:empty)').length == 5")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"profile-{a}-{b}-{page.viewport_size['width']}.png"), full_page=True
    )

    _no_overflow(page)
    states = page.evaluate(CHART_STATE)
    _check_charts(states, CHARTS)
    flows = next(s for s in states if s["key"] == "flows")
    assert flows["traces"] == 4  # turnover, exports, imports lines; balance bars

    # the turnover line's last point is the ledger's 2016 turnover, in bn USD (the axis unit)
    expected = bilateral_flows(bundle_store, a, b, years=[2016]).value(2016)
    last = page.evaluate("document.getElementById('chart-flows').data[0].y.at(-1)")
    assert last * 1e9 == pytest.approx(expected)
    if (a, b) == ("RUS", "KOR"):  # the bundle README: 4.768 + 10.558 bn
        assert page.text_content("#turnover") == "15.33 bn USD"
    assert not page.errors, page.errors


@pytest.mark.parametrize("window", [1280], indirect=True, ids=["1280px"])
def test_profile_downloads_hold_csv_and_png(window, live_server):
    page = window
    page.goto(f"{live_server}/?a=RUS&b=KOR&from=1996&to=2016")
    page.wait_for_selector("#chart-flows .main-svg")
    page.wait_for_selector("#flows-table tbody tr")
    boxes = page.locator(".chart-box:not(.not-covered)")
    assert boxes.count() >= 4
    for i in range(boxes.count()):  # every drawn chart: its CSV and its PNG
        key = boxes.nth(i).get_attribute("id")[4:]
        text = _download(page, f"#box-{key} a.dl-csv").decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows, key
        assert _download(page, f"#box-{key} a.dl-png").startswith(PNG), key

    flows = {
        r["year"]: r
        for r in csv.DictReader(io.StringIO(_download(page, "#box-flows a.dl-csv").decode("utf-8")))
    }
    assert list(flows) == [str(y) for y in range(1996, 2017)]  # every year; gaps are empty
    assert float(flows["2016"]["turnover"]) == pytest.approx(15_326_241_792)
    assert flows["2015"]["turnover"] == ""  # no data that year: empty, not 0

    # tables: the CSV holds the raw values, the PNG is an image of the table. A fresh load
    # first: here (headless Chromium 156) the 11th download from one loaded page never arrives.
    page.reload()
    page.wait_for_selector("#flows-table tbody tr")
    table = list(
        csv.reader(io.StringIO(_download(page, "a.dl-csv[data-table=flows-table]").decode("utf-8")))
    )
    assert table[0] == ["year", "exports", "imports", "turnover", "balance"]
    assert table[1][0] == "2016" and float(table[1][3]) == pytest.approx(15_326_241_792)
    assert _download(page, "a.dl-png[data-table=flows-table]").startswith(PNG)
    assert _download(page, "a.dl-csv[data-table=indices]").startswith(b"index,value")
    assert not page.errors, page.errors


@pytest.mark.parametrize("window", WIDTHS, indirect=True, ids=[f"{w}px" for w in WIDTHS])
def test_home_page_examples_and_coverage(window, live_server, bundle_store):
    page = window
    page.goto(live_server + "/")
    links = page.locator("#home ul.examples a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "/?a=RUS&b=KOR&from=1996&to=2016" in hrefs
    sources = page.locator("#coverage tbody tr td:first-child").all_text_contents()
    assert sorted(set(sources)) == sorted({src for src, _ in bundle_store.coverage()})
    row = page.locator("#coverage tbody tr", has_text="penppml").all_text_contents()[0]
    assert "every 4th year, 1964–2016" in row and "all goods" in row  # the bundle README
    _no_overflow(page)
    table = list(csv.reader(io.StringIO(_download(page, "a.dl-csv[data-table=coverage]").decode())))
    assert table[0][:3] == ["source", "datasets", "years"] and len(table) == len(sources) + 1
    assert _download(page, "a.dl-png[data-table=coverage]").startswith(PNG)
    page.click("text=RUS – KOR, 1996–2016")
    page.wait_for_selector("#chart-flows .main-svg")
    assert page.is_hidden("#home")


@pytest.mark.parametrize("window", WIDTHS, indirect=True, ids=[f"{w}px" for w in WIDTHS])
def test_scenario_results_name_economies_and_explain_columns(
    window, live_server, bundle_store, axe_js
):
    from bilat.scenarios import load, run

    page = window
    run_scenario_page(page, live_server, "kor_eaeu_fta.toml")
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"scenario-kor_eaeu_fta-{width}.png"), full_page=True)
    _no_overflow(page)

    result = run(load("kor_eaeu_fta.toml"), bundle_store)
    top = result.countries.real_gdp_pct.abs().sort_values(ascending=False).index[0]
    first = page.locator("#countries tbody tr").first.locator("td").first.text_content()
    assert top == "KOR" and first == "South Korea (KOR)"
    assert "Russia (RUS)→South Korea (KOR)" in page.text_content("#focus")
    # every column has a legend entry, and the legend says what the numbers are against
    headers = page.locator("#countries thead th").all_text_contents()
    legend = page.locator("#countries-legend dt").all_text_contents()
    assert headers == legend
    focus_headers = page.locator("#focus thead th").all_text_contents()
    assert focus_headers == page.locator("#focus-legend dt").all_text_contents()
    reading = page.text_content("#reading")
    assert "counterfactual vs the baseline" in reading
    assert result.ge.baseline.reference == "DEU" and "Germany (DEU)" in reading
    assert "relative to the numeraire" in page.text_content("#countries-legend")
    assert _download(page, "#box-welfare a.dl-png").startswith(PNG)
    assert _download(page, "a.dl-csv[data-table=countries]").decode().startswith("economy,")
    assert not page.errors, page.errors
    found = axe_violations(page, axe_js)  # the results as shown
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_html_report_pictures_and_downloads(browser, bundle_store, tmp_path, width):
    from bilat.report import profile, render

    path = tmp_path / "report.html"
    path.write_text(render(profile(bundle_store, "CHN", "KOR", years=range(1996, 2017)), "html"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_selector("#chart-flows .main-svg")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-CHN-KOR-{width}.png"), full_page=True)
    _no_overflow(page)
    _check_charts(page.evaluate(CHART_STATE), CHARTS)
    rows = list(csv.DictReader(io.StringIO(_download(page, "#box-ranks a.dl-csv").decode())))
    assert {r["ranking"] for r in rows} == {"KOR among CHN's partners", "CHN among KOR's partners"}
    assert _download(page, "#box-flows a.dl-png").startswith(PNG)
    assert _download(page, "#flows a.dl-csv").startswith(b"year,period,exports")
    assert _download(page, "#flows a.dl-png").startswith(PNG)
    assert not errors, errors
    context.close()


@pytest.fixture(scope="module")
def report_file(bundle_store, tmp_path_factory):
    from bilat.report import profile, render

    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(profile(bundle_store, "RUS", "KOR", years=range(1996, 2017)), "html"))
    return path


@pytest.mark.parametrize("window", [1280], indirect=True, ids=["1280px"])
@pytest.mark.parametrize("where", ["home", "profile", "report"])
def test_no_serious_accessibility_violations(window, live_server, axe_js, report_file, where):
    page = window
    if where == "home":
        page.goto(live_server + "/")
    elif where == "profile":
        page.goto(f"{live_server}/?a=RUS&b=KOR&from=1996&to=2016")
        page.wait_for_selector("#chart-flows .main-svg")
    else:
        page.route("file://**", lambda r: r.continue_())
        page.goto(report_file.as_uri())
        page.wait_for_selector("#chart-flows .main-svg")
    found = axe_violations(page, axe_js)
    assert not found, "\n".join(found)

"""/api/products/search, ``products=`` on /api/profile, and the profile page's product field in
headless Chromium, over a store of the bundle's Comtrade chapters 27 and 44 for 2015.

The store is this file's own (two files ingested in seconds), so these tests do not need the
whole-bundle store the other API tests share.
"""

from __future__ import annotations

import socket
import threading
import time

import pandas as pd
import pytest

from tests.api.conftest import SCREENSHOTS, Tab

pytestmark = pytest.mark.bundle
YEAR = 2015


@pytest.fixture(scope="module")
def chapters_app(bundle, tmp_path_factory):
    from bilat.api import create_app
    from bilat.store import Store

    store = Store(tmp_path_factory.mktemp("api-chapters"))
    legacy = bundle / "flows" / "comtrade_legacy"
    store.ingest([legacy / f"hs{ch}" / f"comtrade_hs{ch}_{YEAR}.csv.gz" for ch in (27, 44)])
    return create_app(store.root, query_timeout=60)


@pytest.fixture(scope="module")
def api(chapters_app):
    from fastapi.testclient import TestClient

    with TestClient(chapters_app) as c:
        yield c


def _rus_exports(bundle, chapter: int) -> float:
    """Russia's exports to Korea in a chapter under the default basis: as the importer (Korea,
    a reporter) declared them (docs/coverage.md), read from the raw Comtrade file."""
    path = bundle / "flows/comtrade_legacy" / f"hs{chapter}" / f"comtrade_hs{chapter}_{YEAR}.csv.gz"
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"Commodity Code": str})
    hit = raw[
        (raw["Reporter ISO"] == "KOR")
        & (raw["Partner ISO"] == "RUS")
        & (raw["Trade Flow"] == "Import")
        & (raw["Commodity Code"] == str(chapter))
    ]
    return float(hit["Trade Value (US$)"].sum())


def test_search_endpoint(api):
    r = api.get("/api/products/search", params={"q": "liquified natual gas", "limit": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["matches"][0]["code"] == "271111"
    assert body["matches"][0]["level"] == "subheading"
    r = api.get("/api/products/search", params=[("q", "coal"), ("level", "chapter")])
    assert {m["level"] for m in r.json()["matches"]} == {"chapter"}
    bad = api.get("/api/products/search", params={"q": "coal", "revision": "HS99"})
    assert bad.status_code == 422 and "revision" in bad.text


def test_profile_with_products(api, bundle):
    params = {"a": "RUS", "b": "KOR", "year": YEAR, "products": "mineral fuels"}
    r = api.get("/api/profile", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["products"]["codes"] == ["27"]
    assert body["products"]["items"][0]["text"] == "mineral fuels"
    rows = body["sections"]["composition_exports"]["rows"]
    assert [x["code"] for x in rows] == ["27"]
    assert rows[0]["value"] == pytest.approx(_rus_exports(bundle, 27))
    amb = api.get("/api/profile", params={**params, "products": "parts"})
    assert amb.status_code == 422
    assert amb.json()["detail"][0]["loc"] == ["query", "products"]
    assert "ambiguous" in amb.json()["detail"][0]["msg"]


# --- the page in Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def chapters_server(chapters_app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(chapters_app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page_tab(browser, chapters_server, request):
    """As conftest's ``tab``, on this file's server: offline, console errors collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    t = Tab(page)
    page.on("console", lambda m: t.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: t.errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(chapters_server)
            or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    yield t
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_profile_page_product_autocomplete(page_tab, chapters_server, bundle):
    page = page_tab.page
    page.goto(chapters_server + "/")
    page.fill("#a", "RUS")
    page.fill("#b", "KOR")
    page.fill("#from", str(YEAR))
    page.fill("#to", str(YEAR))
    # words with a typo: the list offers HS 27 (via the server's search) and choosing it
    # puts the code in the field
    page.locator("#products").press_sequentially("minerl fuels", delay=20)
    page.wait_for_selector("#products-suggest li[data-code='27']").click()
    assert page.input_value("#products") == "27"
    # a second item after a comma is completed on its own
    page.locator("#products").press_sequentially(", sawn timbr", delay=20)
    page.wait_for_selector("#products-suggest li[data-code='4407']")
    page.keyboard.press("Escape")
    page.fill("#products", "mineral fuels")
    page.click("#show")
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_selector("#chart-composition .main-svg")
    used = page.text_content("#products-used")
    assert "mineral fuels → HS 27" in used
    # the treemap's exports: chapter 27 alone (beside the grey "other goods" of the all-goods
    # total), its value from the raw Comtrade file
    tiles = page.evaluate(
        "() => { const d = document.getElementById('chart-composition').data[0];"
        " return Object.fromEntries(d.ids.map((id, i) => [id, d.values[i]])); }"
    )
    products = [t for t in tiles if t.startswith("exports/") and t != "exports/rest"]
    assert products == ["exports/27"]
    assert tiles["exports/27"] == pytest.approx(_rus_exports(bundle, 27))
    assert "products=mineral+fuels" in page.url
    page_tab.assert_clean()


def test_search_endpoint_never_fails_on_generated_input(chapters_app):
    """schemathesis cases for /api/products/search (and profile with products=): no 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", chapters_app)
    ops = {r.ok().label: r.ok() for r in schema.get_all_operations()}
    failures: list[str] = []
    for label in ("GET /api/products/search",):

        @given(ops[label].as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.query} -> {response.status_code}: {response.text[:200]}")

        run()
    assert not failures, "\n".join(failures)
    # odd but valid text: punctuation only, digits, a lone section numeral
    for q in ("?!", "0", "99", "IX", "é", "   x  "):
        from fastapi.testclient import TestClient

        with TestClient(chapters_app) as c:
            r = c.get("/api/products/search", params={"q": q})
        assert r.status_code in (200, 422), (q, r.status_code, r.text)

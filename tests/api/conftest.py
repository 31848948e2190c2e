"""Fixtures for the API tests: the app over the bundle store, a live uvicorn server, a browser."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def api_app(bundle_store):
    """The app over the bundle store (read-only), as ``bilat serve`` builds it."""
    from bilat.api import create_app

    return create_app(bundle_store.root, query_timeout=60)


@pytest.fixture(scope="session")
def client(api_app):
    """An in-process client (lifespan run once for the session)."""
    from fastapi.testclient import TestClient

    with TestClient(api_app) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(api_app) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(api_app, host="127.0.0.1", port=port, log_level="warning")
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


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's browser build (``axe.min.js``), from the axe-playwright-python wheel of the
    dev extra, or the file named by BILAT_AXE_JS (e.g. node_modules/axe-core/axe.min.js)."""
    import os

    given = os.environ.get("BILAT_AXE_JS")
    if given:
        return Path(given)
    axe = pytest.importorskip("axe_playwright_python")
    path = Path(axe.__file__).parent / "axe.min.js"
    if not path.is_file():
        pytest.skip(f"axe.min.js not in {path.parent}")
    return path


def axe_violations(page, axe_js: Path, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA violations of ``impacts`` on the page as it is now, one line each
    (rule, impact, the first offending elements)."""
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in impacts
    ]


@dataclass
class Tab:
    """A browser page plus what its console and network said."""

    page: object
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def tab(browser, live_server, request) -> Iterator[Tab]:
    """A fresh page; console errors and failed requests are collected; a screenshot is saved."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    t = Tab(page)
    page.on("console", lambda m: t.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: t.errors.append(str(e)))
    page.on("requestfailed", lambda r: t.errors.append(f"request failed: {r.url}"))
    # offline: anything not on our server is a failure (pages must need no CDN)
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server) or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    yield t
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def run_scenario_page(page, live_server: str, scenario: str) -> None:
    """Run a shipped scenario on the /scenarios page and wait until its results are drawn."""
    page.goto(live_server + "/scenarios")
    page.wait_for_selector(f"#scenario option[value='{scenario}']", state="attached")
    page.select_option("#scenario", scenario)
    page.click("#run")
    page.wait_for_selector("#result:not([hidden])", timeout=120_000)
    page.wait_for_selector("#chart-welfare .main-svg")

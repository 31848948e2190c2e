"""Safety without the bundle: read-only surface, timeouts (504), body limits, shared answers."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bilat.api import create_app
from bilat.api.context import AnswerCache, QueryRunner, QueryTimeout, ReadOnlyStore
from bilat.api.errors import install
from bilat.api.limits import BodySizeLimit


def _run(coro_fn):
    """asyncio.run in a thread of its own: a session's browser keeps a loop on this thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


@pytest.fixture
def empty_app(tmp_path):
    return create_app(tmp_path / "store", query_timeout=2)


def test_store_is_read_only_through_the_api(empty_app, tmp_path):
    schema = TestClient(empty_app).get("/openapi.json").json()
    writes = {
        (path, method)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("post", "put", "patch", "delete")
    }
    # the only writes are a claim check and a scenario job; neither touches the store
    assert writes == {("/api/claims/check", "post"), ("/api/scenarios/jobs", "post")}
    assert not hasattr(ReadOnlyStore(tmp_path), "ingest")
    assert not hasattr(ReadOnlyStore(tmp_path), "remove")
    assert not (tmp_path / "store").exists()  # serving never created the store folder


def test_empty_store_answers_no_data_not_500(empty_app):
    with TestClient(empty_app) as c:
        r = c.get("/api/flows", params={"a": "RUS", "b": "KOR"})
    assert r.status_code == 404


def test_pages_docs_and_assets_are_served_locally(empty_app):
    c = TestClient(empty_app)
    for url in ("/", "/claims", "/scenarios"):
        html = c.get(url).text
        assert "http://" not in html and "https://" not in html  # no CDN
    docs = c.get("/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in docs and "cdn" not in docs
    assert c.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    js = c.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and js.text.lstrip().startswith("/**")
    assert c.get("/static/../pyproject.toml").status_code == 404


def test_slow_query_is_stopped_with_504():
    app = FastAPI()
    install(app)
    runner = QueryRunner(ReadOnlyStore("/nonexistent"), workers=1, timeout=0.3)

    @app.get("/slow")
    async def slow() -> dict:
        return await runner.run(lambda s: time.sleep(1.0) or {}, what="slow query")

    r = TestClient(app).get("/slow")
    assert r.status_code == 504
    assert "0.3 s" in r.json()["detail"]


def test_timeout_interrupts_the_duckdb_query(tmp_path):
    runner = QueryRunner(ReadOnlyStore(tmp_path), workers=1, timeout=0.5)
    heavy = "select count(*) from range(100000000000) a"

    async def go() -> float:
        with pytest.raises(QueryTimeout):
            await runner.run(lambda s: s.backend.raw_sql(heavy).fetchall())
        t0 = time.monotonic()
        # the single worker is free again: the heavy query was interrupted, not left running
        assert await runner.run(lambda s: 42) == 42
        return time.monotonic() - t0

    assert _run(go) < 5


def test_one_computation_for_simultaneous_requests():
    cache = AnswerCache(4)
    calls = []

    async def compute() -> int:
        calls.append(1)
        await asyncio.sleep(0.05)
        return 7

    async def go() -> list[int]:
        return await asyncio.gather(*(cache.get("k", compute) for _ in range(5)))

    assert _run(go) == [7] * 5
    assert len(calls) == 1


def test_body_limit_by_header_and_by_stream():
    app = FastAPI()

    @app.post("/echo")
    async def echo(body: dict) -> dict:
        return {"n": len(str(body))}

    app.add_middleware(BodySizeLimit, max_bytes=100)
    c = TestClient(app)
    assert c.post("/echo", json={"a": "x" * 10}).status_code == 200
    assert c.post("/echo", json={"a": "x" * 200}).status_code == 413

    def chunks():  # no Content-Length: the limit is enforced while reading
        yield b'{"a": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}'

    r = c.post("/echo", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_serve_command_is_registered():
    from typer.testing import CliRunner

    from bilat.cli.main import app

    out = CliRunner().invoke(app, ["serve", "--help"])
    assert out.exit_code == 0
    assert "--port" in out.output and "--store" in out.output

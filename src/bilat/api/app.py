"""``create_app(store_path)``: the FastAPI app behind ``bilat serve`` (JSON API + web pages)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bilat.api import errors
from bilat.api.context import AnswerCache, ApiContext, QueryRunner, ReadOnlyStore
from bilat.api.jobs import JobQueue
from bilat.api.limits import BodySizeLimit

DESCRIPTION = (
    "The trade relationship between two economies: flows, ranks, composition, indices, mirror "
    "gaps and targets from the ledger (values in current USD), claim checks of articles, and "
    "general-equilibrium scenarios run as background jobs. The store is read-only here."
)


def _docs_assets() -> Path:
    """Swagger UI 5 files shipped inside the fastapi-offline wheel (served locally, no CDN)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def create_app(
    store_path: str | Path,
    *,
    query_timeout: float = 30.0,
    max_body_bytes: int = 1_000_000,
    workers: int = 2,
    cache_size: int = 512,
    max_pending_jobs: int = 8,
    max_draws: int = 200,
) -> FastAPI:
    """The app over the store at ``store_path``, opened read-only.

    ``query_timeout`` (s) stops a long query with 504; ``max_body_bytes`` refuses larger request
    bodies with 413; ``workers`` ledger queries run at once; ``cache_size`` answers are kept;
    at most ``max_pending_jobs`` scenario runs wait (else 429), each with ≤ ``max_draws`` draws.
    """
    from bilat import __version__

    store = ReadOnlyStore(store_path)
    ctx = ApiContext(
        store=store,
        runner=QueryRunner(store, workers=workers, timeout=query_timeout),
        cache=AnswerCache(cache_size),
        jobs=JobQueue(store, max_pending=max_pending_jobs, max_draws=max_draws),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.runner.shutdown()
        ctx.jobs.shutdown()

    app = FastAPI(
        title="bilat",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's own pages load Swagger UI from a CDN; ours is served below
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    errors.install(app)

    from bilat.api import pages
    from bilat.api.routes import claims, ledger, meta, products, scenarios

    app.include_router(meta.router)
    app.include_router(ledger.make_router())  # a route per registered verb, then the profile
    for module in (claims, scenarios, products):
        app.include_router(module.router)
    app.include_router(pages.router)
    # the more specific mount first: /static would otherwise swallow /static/docs
    app.mount("/static/docs", StaticFiles(directory=_docs_assets()), name="docs-static")
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="bilat API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
        )

    return app

"""``bilat serve``: the web pages and JSON API over the store (read-only), with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from bilat.cli.options import StoreOption, console


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the app."""

    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
        store: StoreOption = None,
        timeout: Annotated[
            float, typer.Option(min=1, help="Seconds a query may run before a 504.")
        ] = 30.0,
        workers: Annotated[
            int, typer.Option(min=1, max=32, help="Ledger queries run at once.")
        ] = 2,
        max_body: Annotated[
            int, typer.Option(min=1024, help="Largest request body in bytes (else 413).")
        ] = 1_000_000,
    ) -> None:
        """Serve the profile, claim-checker and scenario pages, and the JSON API (/docs)."""
        import uvicorn

        from bilat.api import create_app
        from bilat.settings import store_path

        root = store_path(store)
        if not (root / "manifest.json").exists():
            console.print(
                f"[yellow]warning:[/] {escape(str(root))} holds no store yet: ingest data with "
                "'bilat data add' first; the pages will answer 'no data'",
                highlight=False,
            )
        application = create_app(
            root, query_timeout=timeout, workers=workers, max_body_bytes=max_body
        )
        console.print(
            f"bilat serving {root} on http://{host}:{port}/ (API docs: /docs)",
            highlight=False,
            markup=False,
        )
        from bilat.api.server import config

        uvicorn.Server(config(application, host, port)).run()

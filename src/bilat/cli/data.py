"""``bilat data …``: add, bundle, list and remove source files in the store."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to the app."""
    data_app = typer.Typer(help="Add, list and remove source data in the store.", no_args_is_help=True)
    app.add_typer(data_app, name="data")

"""Option groups shared by every command, defined once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bilat.errors import BilatError

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="BILAT_STORE",
        help="Store folder (default: BILAT_STORE, else a per-user data folder).",
        show_default=False,
    ),
]

EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        envvar="BILAT_ENGINE",
        help="Query engine: duckdb (default, this machine) or spark (BILAT_SPARK_MASTER, "
        "default local[2]; see docs/cluster.md).",
        show_default=False,
    ),
]

# Off a terminal Rich assumes 80 columns; tables of codes and releases read better wider.
# No emoji codes: a ":x:" in a file name or a cell is text, not a picture.
console = Console(width=None if sys.stdout.isatty() else 120, emoji=False)
err_console = Console(stderr=True, emoji=False)


def fail(exc: BilatError) -> typer.Exit:
    """Print a library error as one clean line and return the exit to raise.

    The message is escaped: paths and cells it quotes may hold ``[/]`` or ``[bold]``, which
    Rich would otherwise read as markup (and crash on, or hide).
    """
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)

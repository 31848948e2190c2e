"""Option groups shared by every command, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bilat.errors import BilatError
from bilat.render.terminal import terminal_width

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

# The terminal's width, COLUMNS, or 100 when piped (bilat.render.terminal: one rule for every
# command). No emoji codes: a ":x:" in a file name or a cell is text, not a picture.
console = Console(width=terminal_width(), emoji=False)
err_console = Console(stderr=True, emoji=False)


#: Exit codes (README): 0 ok, 1 not covered / no data, 2 usage or input error, 3 bad input data.
EXIT_NO_DATA, EXIT_USAGE, EXIT_BAD_DATA = 1, 2, 3


def exit_code(exc: BilatError) -> int:
    """The documented exit code of a library error."""
    from bilat.errors import DataFormatError, NoDataError

    if isinstance(exc, NoDataError):
        return EXIT_NO_DATA
    if isinstance(exc, DataFormatError):
        return EXIT_BAD_DATA
    return EXIT_USAGE


def fail(exc: BilatError, fmt: str = "text") -> typer.Exit:
    """Print a library error (as one clean line, or as JSON when ``fmt`` is json and it is a
    not-covered answer) and return the exit to raise.

    The message is escaped: paths and cells it quotes may hold ``[/]`` or ``[bold]``, which
    Rich would otherwise read as markup (and crash on, or hide).
    """
    from bilat.errors import NotCoveredError

    if isinstance(exc, NotCoveredError) and fmt == "json":
        import json

        typer.echo(json.dumps(exc.to_dict(), indent=2))
    else:
        label = "not covered" if isinstance(exc, NotCoveredError) else "error"
        text = str(exc).removeprefix("not covered: ")
        err_console.print(f"[bold red]{label}:[/] {escape(text)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=exit_code(exc))

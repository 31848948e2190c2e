"""The ``bilat`` command: a thin shell over the library; each command module registers here."""

from __future__ import annotations

import typer


def _flag_without_type() -> None:
    """Flags (``--totals / --no-totals``, ``--help``) without a ``<bool>`` placeholder in the
    help: a flag takes no value, and Typer's rich help would show one. Other options keep
    their ``<int>``/``<path>``."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_bilat", False):
        return

    def display_type_rich(self: TyperOption, ctx: object) -> str | None:
        return None if self.is_flag else shown(self, ctx)  # type: ignore[arg-type]

    display_type_rich._bilat = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flag_without_type()

app = typer.Typer(
    name="bilat",
    help="The trade relationship between two economies: data, profile, claims, scenarios.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"bilat {version('bilat')}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print bilat's version."
    ),
) -> None:
    """The trade relationship between two economies: data, profile, claims, scenarios."""


# Each command module adds its commands; one line per module.
from bilat.cli import data as _data  # noqa: E402

_data.register(app)
from bilat.cli import scenarios as _scenarios  # noqa: E402

_scenarios.register(app)
from bilat.cli import ledger as _ledger  # noqa: E402

_ledger.register(app)
from bilat.cli import claims as _claims  # noqa: E402

_claims.register(app)
from bilat.cli import serve as _serve  # noqa: E402

_serve.register(app)
from bilat.cli import opportunities as _opportunities  # noqa: E402

_opportunities.register(app)
from bilat.cli import products as _products  # noqa: E402

_products.register(app)


def main() -> None:  # pragma: no cover - entry point
    app()

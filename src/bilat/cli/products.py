"""``bilat products search|convert`` and the ``--products`` option of the other commands.

``--products`` takes HS codes or product names, comma-separated ("27,4403", "mineral fuels");
each item is resolved here, at the option boundary, echoed on stderr ("mineral fuels → HS 27
(…)") so that the user sees what was used, and the command's result keeps only those rows.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bilat.cli.options import err_console, fail
from bilat.cli.output import Fmt, Out, check_format, emit
from bilat.errors import BilatError

ProductsOption = Annotated[
    str | None,
    typer.Option(
        "--products",
        help="Only these products: HS codes or names, comma-separated ('27,4403', "
        "'mineral fuels', 'LNG'). Names are resolved and echoed; an ambiguous one lists "
        "the candidates. See `bilat products search`.",
        show_default=False,
    ),
]


def selection(spec: str | None) -> Any:
    """The ProductSelection for ``--products`` (None when not given), echoed on stderr."""
    if spec is None:
        return None
    from bilat.reference.products import resolve_products

    sel = resolve_products(spec)
    err_console.print(sel.echo(), highlight=False, soft_wrap=True)
    return sel


def restricted(result: Any, sel: Any, store: Any, source: str | None = None) -> Any:
    """``result`` with only the selected products' rows (in the data's HS revision)."""
    if sel is None:
        return result
    from bilat.report.products import codes_in, data_revisions, restrict
    from bilat.store.session import session_of

    revisions = data_revisions(store, source)
    tables = session_of(store).hs_tables()  # this store's concordances, else the bundle's
    for conv in codes_in(sel, revisions, tables)[1]:
        err_console.print(conv.note, highlight=False, soft_wrap=True)
    return restrict(result, sel, revisions, tables)


def register(app: typer.Typer) -> None:
    """Add ``bilat products`` (search, convert) to the app."""
    group = typer.Typer(help="HS codes from product names, and codes across HS revisions.")
    app.add_typer(group, name="products")

    @group.command("search")
    def search_cmd(
        query: Annotated[str, typer.Argument(help="Words or a code: 'liquefied natural gas'.")],
        limit: Annotated[int, typer.Option("--limit", help="How many codes to list.")] = 10,
        level: Annotated[
            list[str] | None,
            typer.Option(
                "--level",
                help="Only this level (repeatable): section, chapter, heading, subheading.",
            ),
        ] = None,
        revision: Annotated[
            str, typer.Option("--revision", help="HS revision: HS22 (default) … HS92.")
        ] = "HS22",
        fmt: Fmt = "text",
        out: Out = None,
    ) -> None:
        """Ranked HS codes for a product name, with official descriptions and revision."""
        from bilat.reference.products import search

        try:
            check_format(fmt, out)
            result = search(query, limit=limit, levels=level, revision=revision)
            emit(
                fmt,
                out,
                text=lambda width: str(result),
                data=result.to_dict,
                frame=result.to_frame,
                about=lambda: {"query": query, "revision": revision},
            )
        except BilatError as exc:
            raise fail(exc) from None

    @group.command("convert")
    def convert_cmd(
        codes: Annotated[str, typer.Argument(help="HS codes or names, comma-separated.")],
        to: Annotated[str, typer.Option("--to", help="Revision of the data, e.g. HS12.")],
        from_: Annotated[str, typer.Option("--from", help="Revision the codes are in.")] = "HS22",
    ) -> None:
        """Codes of one HS revision in another, saying when a code splits or merges."""
        from bilat.reference.products import convert_codes, resolve_products

        try:
            sel = resolve_products(codes, revision=from_)
            err_console.print(sel.echo(), highlight=False, soft_wrap=True)
            for conv in convert_codes(sel.codes, from_revision=from_, to_revision=to):
                typer.echo(conv.note)
        except BilatError as exc:
            raise fail(exc) from None

"""``bilat opportunities A B``: products where A could sell more to B (a shell over the library)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilat.cli.options import StoreOption, fail
from bilat.cli.output import DATA_FORMATS, FmtHtml, Out, check_format
from bilat.cli.products import ProductsOption, restricted, selection
from bilat.errors import BilatError, InputError

FORMATS = (*DATA_FORMATS, "html")
VIEWS = ("product", "section", "basket")


def _view(result: object, view: str) -> object:
    if view == "section":
        return result.by_section()  # type: ignore[attr-defined]
    if view == "basket":
        return result.by_basket()  # type: ignore[attr-defined]
    return result


def _emit(result: object, view: str, fmt: str, top: int | None, out: Path | None) -> None:
    """The result (or its section/basket view) in ``fmt`` (``cli.output``'s set, and html)."""
    from bilat.cli.output import about, emit

    r = _view(result, view)

    def frame() -> object:
        table = r.to_frame()  # type: ignore[attr-defined]
        return table.head(top) if top else table

    def data() -> dict:
        body = r.to_dict()  # type: ignore[attr-defined]
        if top:
            body["rows"] = body["rows"][:top]
        return body

    def text(width: int) -> str:
        if view == "product":
            return result.summary(top or 25)  # type: ignore[attr-defined]
        return str(r)

    def html() -> str:
        from bilat.render.html import page, section_of

        if view == "product":
            return result.to_html()  # type: ignore[attr-defined]
        return page(r.title, [section_of(r)])  # type: ignore[attr-defined]

    emit(fmt, out, text=text, data=data, frame=frame, about=lambda: about(r), html=html)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add the ``opportunities`` command to the app."""

    @app.command("opportunities")
    def opportunities_cmd(
        a: Annotated[str, typer.Argument(help="Exporting country: ISO3, name or alias.")],
        b: Annotated[str, typer.Argument(help="Market (importing country), as for A.")],
        year: Annotated[
            int | None, typer.Option("--year", help="Year (default: latest with both sides).")
        ] = None,
        level: Annotated[
            str | None,
            typer.Option("--level", help="hs2, hs4 or hs6 (default: finest the store has)."),
        ] = None,
        by: Annotated[
            str, typer.Option("--by", help="product (ranked), section or basket (nine bridges).")
        ] = "product",
        top: Annotated[int | None, typer.Option("--top", help="Show the N first rows.")] = None,
        fmt: FmtHtml = "text",
        out: Out = None,
        products: ProductsOption = None,
        store: StoreOption = None,
    ) -> None:
        """Export potential of A in B by product: potential, actual, untapped (USD), inputs used."""
        from bilat.opportunities import opportunities
        from bilat.settings import store_path
        from bilat.store import Store

        try:
            check_format(fmt, out, FORMATS)
            if by not in VIEWS:
                raise InputError(f"--by {by!r} is not one of {', '.join(VIEWS)}")
            if top is not None and top < 1:
                raise InputError("--top needs a positive number of rows")
            sel = selection(products)
            data = Store(store_path(store))
            result = opportunities(data, a, b, year=year, level=level)  # type: ignore[arg-type]
            result = restricted(result, sel, data)
            _emit(result, by, fmt, top, out)
        except BilatError as exc:
            raise fail(exc) from None

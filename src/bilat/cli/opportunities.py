"""``bilat opportunities A B``: products where A could sell more to B (a shell over the library)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilat.cli.options import StoreOption, err_console, fail
from bilat.cli.products import ProductsOption, restricted, selection
from bilat.errors import BilatError, InputError

FORMATS = ("text", "json", "html", "csv")
VIEWS = ("product", "section", "basket")


def _render(result: object, view: str, fmt: str, top: int | None) -> str:
    """The result (or its section/basket view) as text, JSON, HTML or CSV."""
    from bilat.render.jsonable import dumps

    r = result
    if view == "section":
        r = result.by_section()  # type: ignore[attr-defined]
    elif view == "basket":
        r = result.by_basket()  # type: ignore[attr-defined]
    if fmt == "csv":
        frame = r.to_frame()  # type: ignore[attr-defined]
        return frame.head(top).to_csv(index=False) if top else frame.to_csv(index=False)
    if fmt == "json":
        data = r.to_dict()  # type: ignore[attr-defined]
        if top:
            data["rows"] = data["rows"][:top]
        return dumps(data)
    if fmt == "html":
        if view == "product":
            return result.to_html()  # type: ignore[attr-defined]
        body = r._repr_html_()  # type: ignore[attr-defined]
        return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    if view == "product":
        return result.summary(top or 25)  # type: ignore[attr-defined]
    return str(r)


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
        fmt: Annotated[str, typer.Option("--format", help="text, json, html or csv.")] = "text",
        out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
        products: ProductsOption = None,
        store: StoreOption = None,
    ) -> None:
        """Export potential of A in B by product: potential, actual, untapped (USD), inputs used."""
        from bilat.opportunities import opportunities
        from bilat.settings import store_path
        from bilat.store import Store

        try:
            if fmt not in FORMATS:
                raise InputError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
            if by not in VIEWS:
                raise InputError(f"--by {by!r} is not one of {', '.join(VIEWS)}")
            if top is not None and top < 1:
                raise InputError("--top needs a positive number of rows")
            sel = selection(products)
            data = Store(store_path(store))
            result = opportunities(data, a, b, year=year, level=level)  # type: ignore[arg-type]
            result = restricted(result, sel, data)
            text = _render(result, by, fmt, top)
        except BilatError as exc:
            raise fail(exc) from None
        if out is not None:
            out.write_text(text, encoding="utf-8")
            err_console.print(f"wrote {out}", markup=False)  # stderr: stdout is data
        else:
            typer.echo(text)

"""``bilat report`` (the profile), and the ledger's other commands made from the verb registry
(``bilat.cli.verbs``: flows, rank, composition, indices, mirror, target)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilat.cli import examples
from bilat.cli import verbs as verb_commands
from bilat.cli.options import EngineOption, StoreOption, fail
from bilat.cli.output import DATA_FORMATS, FmtHtml, Out, check_format, emit
from bilat.cli.products import ProductsOption, selection
from bilat.cli.verbs import annotation, session, years
from bilat.errors import BilatError, InputError
from bilat.ledger import verbs

# the report's arguments and options as every ledger command has them (bilat.ledger.verbs)
A, B, Year, From, To, Source = (
    annotation(p) for p in (verbs.A, verbs.B, *verbs.SPAN, verbs.SOURCE)
)


def _emit_profile(prof: object, fmt: str, out: Path | None) -> None:
    """The profile in ``fmt``: the summary and sections as text, one JSON document (the
    API's shape), one long table (CSV, Parquet) or a sheet per section (Excel), or the page."""
    from bilat.report import formats, html

    def sheets() -> dict[str, object]:
        return {"flows": prof.flows.table, **{k: r.table for k, r in prof.sections.items()}}  # type: ignore[attr-defined]

    emit(
        fmt,
        out,
        text=lambda width: formats.to_text(prof, width),  # type: ignore[arg-type]
        data=lambda: formats.to_dict(prof),  # type: ignore[arg-type]
        frame=lambda: formats.long_frame(prof),  # type: ignore[arg-type]
        sheets=sheets,  # type: ignore[arg-type]
        about=lambda: {"data": str(prof.flows.provenance)},  # type: ignore[attr-defined]
        html=lambda: html.to_html(prof),  # type: ignore[arg-type]
    )


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the app."""

    @app.command(epilog=examples.epilog("report"))
    def report(
        a: A,
        b: B,
        year: Year = None,
        first: From = None,
        last: To = None,
        fmt: FmtHtml = "text",
        out: Out = None,
        target: Annotated[
            float | None, typer.Option(help="Turnover target in USD (e.g. 30e9).")
        ] = None,
        target_year: Annotated[int | None, typer.Option(help="Year the target is for.")] = None,
        base_year: Annotated[int | None, typer.Option(help="Base year of the target.")] = None,
        source: Source = None,
        products: ProductsOption = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """A one-page profile of the relationship between A and B."""
        from bilat.report import Target, profile

        try:
            check_format(fmt, out, (*DATA_FORMATS, "html"))
            sel = selection(products)
            goal = None
            if target is not None:
                if target_year is None or base_year is None:
                    raise InputError("--target needs --target-year and --base-year")
                goal = Target(target, target_year, base_year)
            data = session(store, engine)
            codes = None
            if sel is not None:
                from bilat.report.products import codes_in, data_revisions

                codes = codes_in(sel, data_revisions(data, source), data.hs_tables())[0]
            prof = profile(
                data, a, b, years=years(year, first, last), target=goal, source=source,
                products=codes,
            )  # fmt: skip
            if sel is not None:
                from bilat.report.products import data_revisions, restrict_profile

                revisions = data_revisions(data, source)
                prof = restrict_profile(prof, sel, revisions, data.hs_tables())
            _emit_profile(prof, fmt, out)
        except BilatError as exc:
            raise fail(exc, fmt) from None

    # flows, rank, composition, indices, mirror, target: one command per registered verb
    verb_commands.register(app)

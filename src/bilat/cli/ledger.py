"""``bilat report|flows|rank|composition|indices|mirror|target``: thin shells over the ledger."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bilat.cli import examples
from bilat.cli.options import EngineOption, StoreOption, err_console, fail
from bilat.cli.output import DATA_FORMATS, Fmt, FmtHtml, Out, check_format, emit, emit_result
from bilat.cli.products import ProductsOption, restricted, selection
from bilat.errors import BilatError, InputError

if TYPE_CHECKING:  # the store (pyarrow, ibis) is imported by the commands that read it
    from bilat.store.session import StoreSession

A = Annotated[str, typer.Argument(help="First economy: ISO3, name, alias, group (EAEU) or region.")]
B = Annotated[str, typer.Argument(help="Second economy, as for the first.")]
Year = Annotated[int | None, typer.Option("--year", help="One year.")]
From = Annotated[int | None, typer.Option("--from", help="First year of a span.")]
To = Annotated[int | None, typer.Option("--to", help="Last year of a span.")]
Source = Annotated[
    str | None, typer.Option("--source", help="Use only this source (e.g. penppml).")
]
Basis = Annotated[
    str, typer.Option("--basis", help="auto, reconciled, exporter or importer (who reported).")
]


def _codes(products: str | None, data: StoreSession, source: str | None) -> tuple[str, ...] | None:
    """``--products`` (codes or names) as HS codes in the data's revision(s), echoed on stderr;
    the ledger then answers over those products only, labelled as a partial figure."""
    sel = selection(products)
    if sel is None:
        return None
    from bilat.report.products import codes_in, data_revisions

    codes, conversions = codes_in(sel, data_revisions(data, source))
    for conv in conversions:
        err_console.print(conv.note, highlight=False, soft_wrap=True)
    return codes


def _store(path: Path | None, engine: str | None = None) -> StoreSession:
    """The session of the store at ``path`` on ``engine``: what the ledger calls receive."""
    from bilat.settings import store_path
    from bilat.store import Store

    return Store(store_path(path), engine=engine).session


def _years(year: int | None, first: int | None, last: int | None) -> tuple[int, ...] | None:
    if year is not None and (first is not None or last is not None):
        raise InputError("give --year or --from/--to, not both")
    if year is not None:
        return (year,)
    if first is None and last is None:
        return None
    if first is None or last is None or last < first:
        raise InputError("--from and --to need both years, with --from ≤ --to")
    return tuple(range(first, last + 1))


def _direct_flows(
    store: Path | None,
    engine: str | None,
    a: str,
    b: str,
    years: tuple[int, ...] | None,
    basis: str,
    source: str | None,
) -> object | None:
    """``ledger.flows_direct.direct_flows``, or None when it does not apply (or the options
    are wrong: the ledger then says so)."""
    from bilat.ledger.flows_direct import direct_flows
    from bilat.settings import store_path
    from bilat.store import Store

    try:
        st = Store(store_path(store), engine=engine)
        return direct_flows(st, a, b, years=years, basis=basis, source=source)
    except BilatError:
        return None


def _run(build: Callable[[], object], fmt: str, out: Path | None) -> None:
    try:
        check_format(fmt, out)
        emit_result(build(), fmt, out)
    except BilatError as exc:
        raise fail(exc, fmt) from None


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
            data = _store(store, engine)
            codes = None
            if sel is not None:
                from bilat.report.products import codes_in, data_revisions

                codes = codes_in(sel, data_revisions(data, source))[0]
            prof = profile(
                data, a, b, years=_years(year, first, last), target=goal, source=source,
                products=codes,
            )  # fmt: skip
            if sel is not None:
                from bilat.report.products import data_revisions, restrict_profile

                prof = restrict_profile(prof, sel, data_revisions(data, source))
            _emit_profile(prof, fmt, out)
        except BilatError as exc:
            raise fail(exc, fmt) from None

    @app.command(epilog=examples.epilog("flows"))
    def flows(
        a: A,
        b: B,
        year: Year = None,
        first: From = None,
        last: To = None,
        frequency: Annotated[str, typer.Option(help="annual, half, quarter or month.")] = "annual",
        basis: Basis = "auto",
        source: Source = None,
        products: ProductsOption = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """A's exports to B, imports from B, turnover and balance (USD)."""

        def run() -> object:
            if frequency == "annual" and products is None:
                # two countries, all goods: two parameterised queries, no ibis to import or
                # compile (the usual question at the prompt); anything else: the ledger
                years = _years(year, first, last)
                quick = _direct_flows(store, engine, a, b, years, basis, source)
                if quick is not None:
                    return quick  # printed as its FlowsResult would be, without pandas
            from bilat.ledger.flows import bilateral_flows

            data = _store(store, engine)
            return bilateral_flows(
                data,
                a,
                b,
                years=_years(year, first, last),
                frequency=frequency,  # type: ignore[arg-type]
                basis=basis,  # type: ignore[arg-type]
                source=source,
                products=_codes(products, data, source),
            )

        _run(run, fmt, out)

    @app.command(epilog=examples.epilog("rank"))
    def rank(
        a: A,
        b: Annotated[
            str | None, typer.Argument(help="Partner to rank; omit for the top list.")
        ] = None,
        year: Year = None,
        first: From = None,
        last: To = None,
        by: Annotated[str, typer.Option(help="turnover, exports or imports.")] = "turnover",
        top: Annotated[int, typer.Option(help="How many partners in the top list.")] = 10,
        source: Source = None,
        products: ProductsOption = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """B's rank among A's partners (or A's top partners), with value and share."""
        from bilat.ledger.ranks import partner_rank, top_partners

        def build() -> object:
            years = _years(year, first, last)
            codes = _codes(products, _store(store, engine), source)
            if b is None:
                if not years or len(years) != 1:
                    raise InputError("the top list needs one --year")
                return top_partners(
                    _store(store, engine),
                    a,
                    years[0],
                    n=top,
                    by=by,
                    source=source,  # type: ignore[arg-type]
                    products=codes,
                )
            return partner_rank(
                _store(store, engine),
                a,
                b,
                years=years,
                by=by,
                source=source,  # type: ignore[arg-type]
                products=codes,
            )

        _run(build, fmt, out)

    @app.command(epilog=examples.epilog("composition"))
    def composition(
        a: A,
        b: B,
        year: Year = None,
        first: From = None,
        last: To = None,
        level: Annotated[
            str, typer.Option(help="section, chapter, heading, product or basket.")
        ] = "chapter",
        direction: Annotated[str, typer.Option(help="exports, imports or turnover.")] = "exports",
        top: Annotated[int | None, typer.Option(help="Largest N groups per year.")] = None,
        source: Source = None,
        products: ProductsOption = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """What A and B trade, by HS level or by sector basket (nine bridges)."""
        from bilat.ledger.composition import composition as build

        def run() -> object:
            sel, data = selection(products), _store(store, engine)
            result = build(
                data,
                a,
                b,
                years=_years(year, first, last),
                level=level,  # type: ignore[arg-type]
                direction=direction,
                # --top after the selection, so that it ranks the products asked for
                top=None if sel is not None else top,
                source=source,  # type: ignore[arg-type]
            )
            result = restricted(result, sel, data, source)
            if sel is not None and top is not None:
                from dataclasses import replace

                t = result.table  # type: ignore[attr-defined]
                t = t.sort_values(["year", "value"], ascending=[True, False])
                result = replace(result, table=t.groupby("year").head(top).reset_index(drop=True))
            return result

        _run(run, fmt, out)

    @app.command(epilog=examples.epilog("indices"))
    def indices(
        a: A,
        b: B,
        year: Annotated[int, typer.Option("--year", help="Year of the indices.")],
        index: Annotated[
            str,
            typer.Option(
                help="rca, complementarity, intensity, grubel-lloyd, hhi-product, hhi-market."
            ),
        ] = "intensity",
        source: Source = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """One trade index for A and B, with its formula and the data used."""
        from bilat.ledger import indices as ix

        builders = {
            "rca": lambda s: ix.rca(s, a, year, source=source),
            "complementarity": lambda s: ix.complementarity(s, a, b, year, source=source),
            "intensity": lambda s: ix.trade_intensity(s, a, b, year, source=source),
            "grubel-lloyd": lambda s: ix.grubel_lloyd(s, a, b, year, source=source),
            "hhi-product": lambda s: ix.hhi(s, a, year, by="product", partner=b, source=source),
            "hhi-market": lambda s: ix.hhi(s, a, year, by="market", source=source),
        }

        def build() -> object:
            if index not in builders:
                raise InputError(f"index {index!r} is not one of {', '.join(builders)}")
            return builders[index](_store(store, engine))

        _run(build, fmt, out)

    @app.command(epilog=examples.epilog("mirror"))
    def mirror(
        a: A,
        b: B,
        year: Year = None,
        first: From = None,
        last: To = None,
        totals: Annotated[bool, typer.Option(help="Totals only, not by product.")] = False,
        source: Source = None,
        products: ProductsOption = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """A's reported exports to B against B's reported imports from A, and the reverse."""
        from bilat.ledger.mirror import mirror_gaps

        def run() -> object:
            if totals and products is not None:
                raise InputError("--totals and --products do not go together")
            sel, data = selection(products), _store(store, engine)
            result = mirror_gaps(
                data, a, b, years=_years(year, first, last), by_product=not totals, source=source
            )
            return restricted(result, sel, data, source)

        _run(run, fmt, out)

    @app.command(epilog=examples.epilog("target"))
    def target(
        a: A,
        b: B,
        value: Annotated[float, typer.Option("--value", help="Target in USD, e.g. 30e9.")],
        by: Annotated[int, typer.Option("--by", help="Year the target is for.")],
        base_year: Annotated[int, typer.Option("--base-year", help="Year the target starts from.")],
        measure: Annotated[str, typer.Option(help="turnover, exports or imports.")] = "turnover",
        source: Source = None,
        fmt: Fmt = "text",
        out: Out = None,
        store: StoreOption = None,
        engine: EngineOption = None,
    ) -> None:
        """Progress towards a target: required and actual CAGR, trend, verdict."""
        from bilat.ledger.targets import target_tracker

        _run(
            lambda: target_tracker(
                _store(store, engine), a, b, value, by, base_year, measure=measure, source=source
            ),
            fmt,
            out,
        )

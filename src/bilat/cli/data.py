"""``bilat data …``: add, bundle, list and remove source files in the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bilat.cli.options import StoreOption, console, fail
from bilat.cli.output import Fmt, Out, check_format, emit
from bilat.errors import BilatError
from bilat.sources.registry import formats

if TYPE_CHECKING:
    from bilat.store import Store

data_app = typer.Typer(help="Add, list and remove source data in the store.", no_args_is_help=True)


def _store(path: Path | None) -> Store:
    # imported here: the store loads pandas and pyarrow, which `bilat --help` does not need
    from bilat.store import Store

    return Store(path)


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to the app."""
    app.add_typer(data_app, name="data")


@data_app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Source files to ingest.")],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"Format, if not detected: {', '.join(formats())}."),
    ] = None,
    map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Tidy CSV column mapping, e.g. 'exporter=exp,importer=imp,year=time,"
            "value_usd=export' (implies --format tidy).",
        ),
    ] = None,
    unit: Annotated[
        float, typer.Option(help="Tidy CSV: multiplier from the file's values to USD.")
    ] = 1.0,
    source: Annotated[str | None, typer.Option(help="Tidy CSV: source name.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Tidy CSV: dataset name.")] = None,
    release: Annotated[str | None, typer.Option(help="Tidy CSV: release.")] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Let a file replace data of its own release even if it has fewer rows "
            "(refused otherwise: a truncated download would lose rows).",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Validate and ingest source files (format detected unless --format or --map is given)."""
    st = _store(store)
    try:
        reader = None
        if map is not None:
            from bilat.sources.tidy import TidyReader, read_mapping_from_cli

            reader = TidyReader(
                read_mapping_from_cli(map),
                unit=unit,
                source=source,
                dataset=dataset,
                release=release,
            )
        for res in st.ingest(paths, format=format, reader=reader, replace=replace):
            console.print(str(res), highlight=False, markup=False)
    except BilatError as exc:
        raise fail(exc) from exc


@data_app.command("bundle")
def bundle(
    folder: Annotated[Path, typer.Argument(help="A folder such as ../shared/data.")],
    store: StoreOption = None,
) -> None:
    """Ingest every recognised file in a folder (recursively), with a progress bar."""
    st = _store(store)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("scanning", total=None)

        def step(path: Path, done: int, total: int) -> None:
            bar.update(task, description=f"{path.name:40.40}", completed=done, total=total)

        try:
            results = st.ingest_folder(folder, progress=step)
        except BilatError as exc:
            raise fail(exc) from exc
        bar.update(task, description="done", completed=len(results))
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    console.print(f"{len(results)} files: {summary}. See `bilat data list`.", highlight=False)


@data_app.command("list")
def list_(store: StoreOption = None, fmt: Fmt = "text", out: Out = None) -> None:
    """Sources, datasets, releases, row counts and years in the store."""
    st = _store(store)
    try:
        check_format(fmt, out)
        df = st.datasets()
        if fmt != "text":  # the manifest's table, raw
            emit(
                fmt,
                out,
                text=str,
                data=lambda: df.to_dict(orient="records"),
                frame=lambda: df,
                about=lambda: {"store": str(st.root)},
            )
            return
    except BilatError as exc:  # a damaged manifest: one line, not a traceback
        raise fail(exc) from exc
    if df.empty:
        console.print("The store is empty: add data with `bilat data add` or `bilat data bundle`.")
        return
    t = Table(title=escape(f"bilat store: {st.root}"))
    for col in ("table", "source", "dataset", "release", "files", "rows"):
        t.add_column(col, justify="right" if col in ("files", "rows") else "left")
    t.add_column("years", no_wrap=True)  # the shape of the years ("every 4th year, 1964–2016")
    cov = Table(title="What the flows cover")
    for col in ("source", "dataset", "products", "frequency", "reported by"):
        cov.add_column(col)
    for r in df.itertuples():
        years = (
            "-"
            if r.first_year is None or str(r.first_year) == "<NA>"
            else (f"{r.first_year}–{r.last_year}")
        )
        if r.table == "flows" and r.years:
            years = r.years
            cells = [r.source, r.dataset, r.products, r.frequency, r.reporting]
            cov.add_row(*(escape(str(c)) for c in cells))
        # names come from users' files and options: shown as text, never as markup
        cells = [r.table, r.source, r.dataset, r.release, str(r.files), f"{r.rows:,}", years]
        t.add_row(*(escape(str(c)) for c in cells))
    console.print(t)
    if cov.row_count:
        console.print(cov)
    if (df.table == "flows").any() and not st.derived_ready:
        console.print(
            "[yellow]Note:[/] some flows were stored by an older bilat, without all of the "
            "tables derived at ingestion: answers stay right but read the detail (slower). "
            "Rebuild with `bilat data remove SOURCE` and add the files again.",
            highlight=False,
        )
    if st.serving_copy is None:
        console.print(
            "[yellow]Note:[/] the store has no up-to-date serving copy: answers stay right but "
            "read the Parquet files (slower). Build it with `bilat data index`.",
            highlight=False,
        )


@data_app.command("index")
def index(store: StoreOption = None) -> None:
    """Build (or bring up to date) the store's serving copy, for fast look-ups.

    `add`, `bundle` and `remove` do this themselves; run it for a store written by an older
    bilat, or after a change whose serving copy could not be updated.
    """
    import time

    st = _store(store)
    start = time.perf_counter()
    try:
        with console.status("building the serving copy"):
            path = st.build_serving_copy()
    except BilatError as exc:
        raise fail(exc) from exc
    if path is None:
        console.print("The store is empty: nothing to index.")
        return
    size = path.stat().st_size / 1e6
    took = time.perf_counter() - start
    console.print(
        f"serving copy up to date: {path} ({size:,.0f} MB, {took:.1f} s)",
        highlight=False,
        markup=False,
    )


@data_app.command("remove")
def remove(
    source: Annotated[str, typer.Argument(help="Source name, as in `bilat data list`.")],
    dataset: Annotated[str | None, typer.Option(help="Only this dataset.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    store: StoreOption = None,
) -> None:
    """Remove a source's data (or one dataset or year of it) from the store."""
    try:
        n = _store(store).remove(source, dataset=dataset, year=year)
    except BilatError as exc:
        raise fail(exc) from exc
    console.print(f"removed {n} partition(s)")


# `bilat data fetch …` (download official releases) lives in its own module.
from bilat.cli import fetch as _fetch  # noqa: E402

_fetch.register(data_app)

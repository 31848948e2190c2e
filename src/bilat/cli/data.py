"""``bilat data …``: add, bundle, list and remove source files in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bilat.cli.options import StoreOption, console, fail
from bilat.errors import BilatError
from bilat.sources.registry import detect, formats
from bilat.store import FileResult, Store

data_app = typer.Typer(help="Add, list and remove source data in the store.", no_args_is_help=True)


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
    store: StoreOption = None,
) -> None:
    """Validate and ingest source files (format detected unless --format is given)."""
    st = Store(store)
    try:
        for res in st.ingest(paths, format=format):
            console.print(str(res), highlight=False)
    except BilatError as exc:
        raise fail(exc) from exc


@data_app.command("bundle")
def bundle(
    folder: Annotated[Path, typer.Argument(help="A folder such as ../shared/data.")],
    store: StoreOption = None,
) -> None:
    """Ingest every recognised file in a folder (recursively), with a progress bar."""
    if not folder.is_dir():
        raise fail(BilatError(f"{folder}: not a folder; give the data bundle's folder"))
    st = Store(store)
    found: list[tuple[Path, object]] = []
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        try:
            found.append((p, detect(p)))
        except BilatError:
            continue  # READMEs, reference tables and other files that are not store data
    results: list[FileResult] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("ingesting", total=len(found))
        for path, reader in found:
            bar.update(task, description=f"{path.name:40.40}")
            try:
                results.extend(st.ingest([path], reader=reader))  # type: ignore[arg-type]
            except BilatError as exc:
                raise fail(exc) from exc
            bar.advance(task)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    console.print(f"{len(results)} files: {summary}. See `bilat data list`.", highlight=False)


@data_app.command("list")
def list_(store: StoreOption = None) -> None:
    """Sources, datasets, releases, row counts and years in the store."""
    df = Store(store).datasets()
    if df.empty:
        console.print("The store is empty: add data with `bilat data add` or `bilat data bundle`.")
        return
    t = Table(title=f"bilat store: {Store(store).root}")
    for col in ("table", "source", "dataset", "release", "files", "rows", "years"):
        t.add_column(col, justify="right" if col in ("files", "rows") else "left", no_wrap=True)
    for r in df.itertuples():
        years = (
            "-"
            if r.first_year is None or str(r.first_year) == "<NA>"
            else (f"{r.first_year}–{r.last_year}")
        )
        t.add_row(r.table, r.source, r.dataset, r.release, str(r.files), f"{r.rows:,}", years)
    console.print(t)


@data_app.command("remove")
def remove(
    source: Annotated[str, typer.Argument(help="Source name, as in `bilat data list`.")],
    dataset: Annotated[str | None, typer.Option(help="Only this dataset.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    store: StoreOption = None,
) -> None:
    """Remove a source's data (or one dataset or year of it) from the store."""
    try:
        n = Store(store).remove(source, dataset=dataset, year=year)
    except BilatError as exc:
        raise fail(exc) from exc
    console.print(f"removed {n} partition(s)")

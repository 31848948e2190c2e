"""``bilat data fetch …``: download a publisher's release, with a progress bar, and ingest it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bilat.cli.options import StoreOption, console, err_console, fail
from bilat.errors import BilatError

if TYPE_CHECKING:
    from bilat.fetch import FetchOptions, FetchResult

# bilat.fetch (httpx, and pandas through the GeoDist reader) is imported in each command, not
# here: `bilat --help` and every other command would pay for it at start-up.

fetch_app = typer.Typer(
    help="Download official releases (BACI, UN Comtrade, WDI, GeoDist) and ingest them.",
    no_args_is_help=True,
)

OfflineOption = Annotated[
    bool,
    typer.Option("--offline", help="Use only the download cache; never touch the network."),
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Download again even if the cache has the file.")
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        envvar="BILAT_CACHE",
        help="Download cache folder (default: <store>/cache).",
        show_default=False,
    ),
]


def register(data_app: typer.Typer) -> None:
    """Add the ``fetch`` sub-commands to the ``data`` group."""
    data_app.add_typer(fetch_app, name="fetch")


@contextlib.contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A Rich download bar (to stderr) and the progress callback that drives it."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _run(
    label: str,
    store: Path | None,
    cache: Path | None,
    offline: bool,
    refresh: bool,
    job: Callable[[FetchOptions], FetchResult],
) -> None:
    from bilat.fetch import FetchOptions

    try:
        with _bar(label) as progress:
            options = FetchOptions.make(
                store, cache, offline=offline, refresh=refresh, progress=progress
            )
            result = job(options)
    except BilatError as exc:
        raise fail(exc) from exc
    console.print(str(result), highlight=False, markup=False)


@fetch_app.command("baci")
def baci(
    revision: Annotated[
        str, typer.Option("--revision", "-r", help="HS revision: HS92, HS12, HS17 or HS22.")
    ] = "HS92",
    release: Annotated[
        str | None,
        typer.Option(help="CEPII release, e.g. 202501 (default: BILAT_BACI_RELEASE or 202501)."),
    ] = None,
    store: StoreOption = None,
    cache: CacheOption = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Download CEPII BACI's release zip of one HS revision and ingest it (USD, HS6)."""
    from bilat.fetch import fetch_baci

    _run(
        f"BACI {revision}",
        store,
        cache,
        offline,
        refresh,
        lambda o: fetch_baci(revision, release, o),
    )


@fetch_app.command("comtrade")
def comtrade(
    reporter: Annotated[str, typer.Option(help="Reporting country: ISO3 code or name.")],
    partner: Annotated[str, typer.Option(help="Partner country (ISO3 or name), or WLD.")] = "WLD",
    years: Annotated[str, typer.Option(help="Years: 2015-2023, 2015,2017 or 2015.")] = "2015-2023",
    freq: Annotated[str, typer.Option(help="A (annual) or M (monthly).")] = "A",
    hs: Annotated[
        int | None, typer.Option(help="HS digits 2, 4 or 6 (default: total trade).")
    ] = None,
    flows: Annotated[str, typer.Option(help="Flow codes, comma-separated: M,X,RM,RX.")] = "M,X",
    store: StoreOption = None,
    cache: CacheOption = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Query the UN Comtrade API (key from COMTRADE_API_KEY, else the preview) and ingest it."""
    from bilat.fetch import ComtradeQuery, fetch_comtrade

    try:
        query = ComtradeQuery.make(reporter, partner, years, freq, hs, flows)
    except BilatError as exc:
        raise fail(exc) from exc
    _run(str(query), store, cache, offline, refresh, lambda o: fetch_comtrade(query, o))


@fetch_app.command("wdi")
def wdi(
    indicator: Annotated[
        str, typer.Option(help="WDI indicator code, e.g. NY.GDP.MKTP.CD or SP.POP.TOTL.")
    ] = "NY.GDP.MKTP.CD",
    store: StoreOption = None,
    cache: CacheOption = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Download one World Bank WDI indicator (all countries and years) and ingest it."""
    from bilat.fetch import fetch_wdi

    _run(f"WDI {indicator}", store, cache, offline, refresh, lambda o: fetch_wdi(indicator, o))


@fetch_app.command("geodist")
def geodist(
    store: StoreOption = None,
    cache: CacheOption = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Download CEPII GeoDist (dist_cepii.dta: distances in km, contiguity, language…)."""
    from bilat.fetch import fetch_geodist

    _run("GeoDist", store, cache, offline, refresh, fetch_geodist)

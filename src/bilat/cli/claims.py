"""``bilat claims check ARTICLE|-``: an article's trade claims checked against the store."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bilat.cli.options import StoreOption, console, fail
from bilat.cli.output import DATA_FORMATS, FmtHtml, Out, check_format, emit
from bilat.errors import BilatError, InputError

if TYPE_CHECKING:
    from bilat.store import Store

FORMATS = (*DATA_FORMATS, "html")
_STYLE = {
    "supported": "green",
    "approximately": "yellow",
    "contradicted": "bold red",
    "not checkable": "dim",
    "no data": "magenta",
}


def _read(article: str) -> str:
    """The article text from a file, or stdin for '-'."""
    if article == "-":
        return sys.stdin.read()
    path = Path(article)
    if not path.is_file():
        raise InputError(f"{article}: no such file; give a text or HTML file, or '-' for stdin")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # old pages saved in Windows-1252


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--published {value!r} is not a date; write it as YYYY-MM-DD") from None


def _data(store: Path | None) -> Store | None:
    """The store to check against, or None when it holds no flows yet."""
    from bilat.settings import store_path
    from bilat.store import Store

    s = Store(store_path(store))
    return s if s.manifest.partitions else None


def _table(result: object) -> None:
    from rich.markup import escape
    from rich.table import Table

    checks = result.checks  # type: ignore[attr-defined]
    if not checks:
        console.print("No trade claims found.")
        return
    t = Table(show_lines=True)
    for col in ("#", "claim", "claimed", "verdict", "data", "why"):
        t.add_column(col, overflow="fold")
    for i, c in enumerate(checks, 1):
        cl = c.claim
        what = f"{cl.kind}: {'-'.join(cl.economies)} {cl.flow} {cl.period or ''}"
        data = c.used.label if c.used else "–"
        # the article's sentences and the labels are text, never markup ("[/]" in an article)
        data = escape(data)
        if c.used is not None and c.used.cite:
            data += f"\n[dim]{escape(c.used.cite)}[/]"
        why = c.why.split(": ", 1)[1] if ": " in c.why else c.why
        for x in c.sides:  # each side's report, with the verdict under it
            why += f"\n{x.side}: {x.label} -> {x.verdict}"
        why = escape(why)
        t.add_row(
            str(i),
            f"{escape(what)}\n[dim]{escape(cl.sentence)}[/]",
            escape(cl.value_label),
            f"[{_STYLE[c.verdict]}]{c.verdict}[/]",
            data,
            why,
        )
    console.print(t)
    if result.skipped:  # type: ignore[attr-defined]
        console.print(f"{len(result.skipped)} sentence(s) with numbers gave no claim:")  # type: ignore[attr-defined]
        for x in result.skipped:  # type: ignore[attr-defined]
            console.print(f"  [dim]{escape(x.sentence)}[/] - {escape(x.why)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``claims`` command group to the app."""
    claims_app = typer.Typer(
        help="Find trade claims in a text and check them.", no_args_is_help=True
    )
    app.add_typer(claims_app, name="claims")

    @claims_app.command("check")
    def check_cmd(
        article: Annotated[str, typer.Argument(help="Text or HTML file, or '-' for stdin.")],
        published: Annotated[
            str | None,
            typer.Option("--published", help="Publication date YYYY-MM-DD (for 'last year')."),
        ] = None,
        fmt: FmtHtml = "text",
        out: Out = None,
        store: StoreOption = None,
    ) -> None:
        """Check each quantitative trade claim of ARTICLE against the store, with evidence."""
        from bilat.claims import check

        try:
            check_format(fmt, out, FORMATS)
            result = check(_read(article), data=_data(store), published=_published(published))
        except BilatError as exc:
            raise fail(exc) from None
        if fmt == "text" and out is None:
            _table(result)
            return
        try:
            emit(
                fmt,
                out,
                text=lambda width: str(result),
                data=result.to_dict,
                frame=result.to_frame,
                html=result.to_html,
            )
        except BilatError as exc:
            raise fail(exc) from None

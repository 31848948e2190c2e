"""One way out for every command that returns data: the ``--format`` set, ``--out``, and
"wrote FILE" on stderr (stdout is data).

Formats: ``text`` (for people: fitted to the terminal, numbers in words), ``json`` (the
result's ``to_dict``, the API's shape), ``csv``, ``xlsx`` and ``parquet`` (raw values;
``xlsx`` and ``parquet`` are files, so they need ``--out``), and ``html`` where a command has
a page. Exit codes (README "Output"): 0 ok, 1 not covered / no data, 2 usage, 3 bad input data.

Heavy libraries (pandas, pyarrow, openpyxl) are imported inside the functions: this module is
imported at start-up by the command modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bilat.cli.options import err_console
from bilat.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: the formats of every command that returns a table of data
DATA_FORMATS = ("text", "json", "csv", "xlsx", "parquet")
#: files, not text: they need --out
BINARY = ("xlsx", "parquet")

Fmt = Annotated[
    str, typer.Option("--format", help="text, json, csv, xlsx or parquet (xlsx, parquet: --out).")
]
FmtHtml = Annotated[
    str,
    typer.Option("--format", help="text, json, csv, xlsx, parquet or html (xlsx, parquet: --out)."),
]
Out = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")]


def check_format(fmt: str, out: Path | None, formats: tuple[str, ...] = DATA_FORMATS) -> None:
    """A usage error (exit 2) for a format the command has not, or a file format without
    ``--out``."""
    if fmt not in formats:
        raise InputError(f"--format {fmt!r} is not one of {', '.join(formats)}")
    if fmt in BINARY and out is None:
        raise InputError(f"--format {fmt} writes a file: give --out FILE.{fmt}")


def emit(
    fmt: str,
    out: Path | None,
    *,
    text: Callable[[int], str],
    data: Callable[[], Any],
    frame: Callable[[], pd.DataFrame],
    sheets: Callable[[], Mapping[str, pd.DataFrame]] | None = None,
    about: Callable[[], Mapping[str, str]] | None = None,
    html: Callable[[], str] | None = None,
    csv: Callable[[], str] | None = None,
) -> None:
    """Write a result in ``fmt`` to ``out`` (or stdout), and say "wrote FILE" on stderr.

    ``text(width)`` is for people; ``data()`` is JSON-ready; ``frame()`` is the tidy table
    of CSV and Parquet; ``sheets()`` the workbook's sheets (default: the frame); ``about()``
    what the figures cover (source, release, years, products), kept in the Parquet file's
    metadata and an "about" sheet; ``csv()`` the CSV text when a result writes its own
    (the start-up path's flows: the frame's characters, without pandas).
    """
    formats = (*DATA_FORMATS, "html") if html is not None else DATA_FORMATS
    check_format(fmt, out, formats)
    if fmt in BINARY:
        assert out is not None
        _write_binary(fmt, out, frame, sheets, about)
        err_console.print(f"wrote {out}", markup=False, highlight=False)
        return
    if fmt == "text":
        from bilat.render.terminal import terminal_width

        body = text(terminal_width() if out is None else 100)
    elif fmt == "json":
        from bilat.render.jsonable import dumps

        body = dumps(data())
    elif fmt == "csv":
        body = csv() if csv is not None else frame().to_csv(index=False)
    else:
        body = html()  # type: ignore[misc]
    if out is not None:
        out.write_text(body if body.endswith("\n") else body + "\n", encoding="utf-8")
        err_console.print(f"wrote {out}", markup=False, highlight=False)
    else:
        typer.echo(body.rstrip("\n"))


def _write_binary(
    fmt: str,
    out: Path,
    frame: Callable[[], pd.DataFrame],
    sheets: Callable[[], Mapping[str, pd.DataFrame]] | None,
    about: Callable[[], Mapping[str, str]] | None,
) -> None:
    import pandas as pd

    info = dict(about()) if about is not None else {}
    # written next to the target and renamed: a failed write leaves no half file
    tmp = out.with_name(f".{out.name}.part")
    try:
        if fmt == "parquet":
            import json

            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(_arrow_safe(frame()), preserve_index=False)
            meta = {**(table.schema.metadata or {}), b"bilat": json.dumps(info).encode()}
            pq.write_table(table.replace_schema_metadata(meta), tmp)
        else:
            books = dict(sheets()) if sheets is not None else {"data": frame()}
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, sheet in books.items():
                    sheet.to_excel(xl, sheet_name=_sheet_name(name), index=False)
                if info:
                    pd.DataFrame({"what": list(info), "value": list(info.values())}).to_excel(
                        xl, sheet_name="about", index=False
                    )
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _sheet_name(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return clean[:31] or "data"


def _arrow_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of mixed Python objects (a long frame of many sections) as text, so that
    Arrow can type them; numbers and text columns stay as they are."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col] if v is not None and not pd.isna(v)}
            if len(kinds) > 1:
                out[col] = out[col].map(lambda v: None if v is None or pd.isna(v) else str(v))
    return out


def about(result: Any) -> dict[str, str]:
    """What a ledger result covers, as text: its title, formula, source, release, years,
    products and basis."""
    prov = result.provenance
    return {
        "title": result.title,
        "formula": result.formula,
        "data": str(prov),
        "source": prov.source,
        "release": prov.release,
        "years": ", ".join(str(y) for y in prov.years),
        "products": prov.products,
        "basis": prov.basis,
        "notes": "; ".join((*result.notes, *prov.notes)),
    }


def emit_result(result: Any, fmt: str, out: Path | None) -> None:
    """A ledger result in ``fmt``: text fitted to the terminal, its ``to_dict`` as JSON,
    its table as CSV (its own ``to_csv`` where it has one), Parquet or Excel."""

    def text(width: int) -> str:
        # render/, not the report package: printing one result needs no profile, no ledger
        from bilat.render.sections import section_text

        return section_text(result, width, max_rows=25)

    emit(
        fmt,
        out,
        text=text,
        data=result.to_dict,
        frame=result.to_frame,
        about=lambda: about(result),
        csv=getattr(result, "to_csv", None),
    )

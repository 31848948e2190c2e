"""The CLI's ledger commands, made from the verb registry (``bilat.ledger.verbs``): one Typer
command per verb, its arguments and options from the verb's parameters, then ``--products``
where the verb takes it and the shared ``--format``, ``--out``, ``--store`` and ``--engine``.

Each command parses its options, opens the store's session, calls the verb's answer and writes
the result through ``cli/output.py``; a library error becomes one line and an exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bilat.cli import examples
from bilat.cli.options import EngineOption, StoreOption, err_console, fail
from bilat.cli.output import Fmt, Out, check_format, emit_result
from bilat.cli.products import ProductsOption, restricted, selection
from bilat.errors import BilatError, InputError
from bilat.ledger import verbs as registry
from bilat.ledger.verbs import Param, Verb, signature

if TYPE_CHECKING:  # the store (pyarrow, ibis) is imported by the commands that read it
    from bilat.store.session import StoreSession

# the options every ledger command ends with, in this order
_TAIL = (
    ("fmt", Fmt, "text"),
    ("out", Out, None),
    ("store", StoreOption, None),
    ("engine", EngineOption, None),
)


def session(path: Path | None, engine: str | None = None) -> StoreSession:
    """The session of the store at ``path`` on ``engine``: what the ledger calls receive."""
    from bilat.settings import store_path
    from bilat.store import Store

    return Store(store_path(path), engine=engine).session


def years(year: int | None, first: int | None, last: int | None) -> tuple[int, ...] | None:
    """``--year`` or ``--from``/``--to`` as the years asked (None: every year)."""
    if year is not None and (first is not None or last is not None):
        raise InputError("give --year or --from/--to, not both")
    if year is not None:
        return (year,)
    if first is None and last is None:
        return None
    if first is None or last is None or last < first:
        raise InputError("--from and --to need both years, with --from ≤ --to")
    return tuple(range(first, last + 1))


def product_codes(
    products: str | None, data: StoreSession, source: str | None
) -> tuple[str, ...] | None:
    """``--products`` (codes or names) as HS codes in the data's revision(s), echoed on stderr;
    the ledger then answers over those products only, labelled as a partial figure."""
    sel = selection(products)
    if sel is None:
        return None
    from bilat.report.products import codes_in, data_revisions

    codes, conversions = codes_in(sel, data_revisions(data, source), data.hs_tables())
    for conv in conversions:
        err_console.print(conv.note, highlight=False, soft_wrap=True)
    return codes


def run(
    build: Callable[[], object], fmt: str, out: Path | None, formats: tuple[str, ...] | None = None
) -> None:
    """``build()``'s result written in ``fmt`` (one of ``formats``, default the data formats);
    a library error as one line and its exit."""
    try:
        check_format(fmt, out, *(() if formats is None else (formats,)))
        emit_result(build(), fmt, out)
    except BilatError as exc:
        raise fail(exc, fmt) from None


def annotation(p: Param) -> Any:
    """The Typer annotation of a parameter: a vocabulary is text (the ledger checks it)."""
    kind = str if p.vocabulary else p.kind
    if p.optional:
        kind = kind | None
    if p.cli_flag == "":
        return Annotated[kind, typer.Argument(help=p.help)]
    if p.flag is None:  # spelled from the name; a flag gets its --no- twin (--totals/--no-totals)
        return Annotated[kind, typer.Option(help=p.help)]
    return Annotated[kind, typer.Option(p.cli_flag, help=p.help)]


def _signature(verb: Verb) -> Any:
    shown = [(p.name, annotation(p), p.at_cli_default) for p in verb.params if p.in_cli]
    tail = [("products", ProductsOption, None)] if verb.products else []
    return signature([*shown, *tail, *_TAIL])


def options(verb: Verb, given: Mapping[str, Any]) -> dict[str, Any]:
    """The verb's options from what the command was given: the span as ``years``; a verb's
    refusal (``check``) names the CLI's option."""
    out = {p.name: given[p.name] for p in verb.params if p.in_cli and not p.span}
    if verb.spans:
        out["years"] = years(given.get("year"), given.get("first"), given.get("last"))
    refused = verb.refused(out, lambda p: p.cli_flag)
    if refused is not None:
        raise InputError(refused[1])
    return out


def _answer(verb: Verb, given: Mapping[str, Any]) -> object:
    """The verb's result for the command's options (``--products`` applied as it says)."""
    opts = options(verb, given)
    products, source = given.get("products"), given.get("source")
    if verb.direct is not None and products is None:
        quick = verb.direct(given.get("store"), given.get("engine"), **opts)
        if quick is not None:
            return quick
    data = session(given.get("store"), given.get("engine"))
    if verb.products == "codes":
        return verb.answer(data, **opts, products=product_codes(products, data, source))
    if products is not None and verb.check_products is not None:
        verb.check_products(opts)
    sel = selection(products) if verb.products == "restrict" else None
    top = opts.get("top")
    if sel is not None and "top" in opts:
        opts["top"] = None  # --top after the selection, so that it ranks the products asked for
    result = restricted(verb.answer(data, **opts), sel, data, source)
    if sel is not None and top is not None:
        t = result.table  # type: ignore[attr-defined]
        t = t.sort_values(["year", "value"], ascending=[True, False])
        result = replace(result, table=t.groupby("year").head(top).reset_index(drop=True))  # type: ignore[type-var]
    return result


def command(verb: Verb) -> Callable[..., None]:
    """The Typer command function of ``verb`` (its signature made from the parameters)."""

    def ledger_command(**given: Any) -> None:
        run(lambda: _answer(verb, given), given["fmt"], given["out"], verb.formats)

    ledger_command.__signature__ = _signature(verb)  # type: ignore[attr-defined]
    ledger_command.__name__ = verb.name
    ledger_command.__doc__ = verb.summary
    return ledger_command


def register(app: typer.Typer, verbs: tuple[Verb, ...] | None = None) -> None:
    """Add a command for each verb (default: every registered verb) to ``app``."""
    for verb in registry.verbs() if verbs is None else verbs:
        if verb.cli:
            app.command(verb.name, epilog=examples.epilog(verb.name))(command(verb))


__all__ = ["command", "options", "product_codes", "register", "run", "session", "years"]

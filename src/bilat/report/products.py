"""Results restricted to the products a user named (``--products``, ``products=``), at the boundary.

The ledger computes over every product; the interfaces then keep the rows of the codes asked
for. Shares keep the all-goods total of the result as denominator (a product's share of what
A sells to B, not of the products selected). Codes are HS 2022 as typed or found; they are
converted to the revision(s) the data are in with the bundle's concordances, and the notes say
when a code splits or merges there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from bilat.errors import InputError
from bilat.reference import hs
from bilat.reference.products import CodeConversion, ProductSelection, convert_codes
from bilat.store.session import DataLike, session_of

__all__ = ["codes_in", "data_revisions", "restrict", "restrict_profile"]

# result columns that hold HS codes, in the order they are looked for
_CODE_COLUMNS = ("code", "product")
# profile sections made of product rows; the others (flows, ranks, indices) are about all goods
_PRODUCT_SECTIONS = ("composition_exports", "composition_imports", "mirror")


def data_revisions(data: DataLike, source: str | None = None) -> tuple[str, ...]:
    """HS revisions of the store's flow rows (of ``source`` if given), e.g. ('HS12',).

    A plain distinct over one column of the store; () when the store cannot say.
    """
    try:
        session = session_of(data)
        t = session.table("flows")
        if source:
            t = t.filter(t.source == source)
        values = session.run(t.select("hs_revision").distinct())["hs_revision"]
    except Exception:  # a store without the column (or a stub engine): no conversion, no stop
        return ()
    out = []
    for v in values.dropna().astype(str):
        try:
            out.append(hs.normalise_revision(v))
        except InputError:
            continue
    return tuple(sorted(set(out), key=hs.REVISIONS.index))


def codes_in(
    selection: ProductSelection, revisions: Iterable[str], tables: hs.HsTables | None = None
) -> tuple[tuple[str, ...], tuple[CodeConversion, ...]]:
    """The selection's codes in every revision of the data, and the conversions that changed
    (``tables``: the store session's HS tables, ``StoreSession.hs_tables()``; else the
    bundle's)."""
    revs = [r for r in revisions if r != selection.revision]
    codes = set(selection.codes)
    changed: list[CodeConversion] = []
    for rev in revs:
        for conv in convert_codes(
            selection.codes, from_revision=selection.revision, to_revision=rev, tables=tables
        ):
            codes.update(conv.to_codes)
            if conv.kind not in ("same", "one-to-one") or conv.to_codes != (conv.code,):
                changed.append(conv)
    return tuple(sorted(codes)), tuple(changed)


def restrict(
    result: Any,
    selection: ProductSelection,
    revisions: Iterable[str] = (),
    tables: hs.HsTables | None = None,
) -> Any:
    """A copy of a ledger result with only the rows of the selected products (``tables``: as
    for ``codes_in``).

    The rows' codes must be HS codes: a table by section or basket cannot be cut by HS code
    (InputError says which level to ask for), nor can chapter rows answer for a heading.
    """
    table: pd.DataFrame = result.table
    column = next((c for c in _CODE_COLUMNS if c in table.columns), None)
    if column is None:
        raise InputError(f"{result.title!r} has no product rows to restrict to {selection.spec!r}")
    codes, changed = codes_in(selection, revisions, tables)
    values = table[column].astype(str)
    hs_rows = values[values.str.fullmatch(r"\d{2}(\d{2}(\d{2})?)?")]
    if len(values) and hs_rows.empty:
        raise InputError(
            f"--products selects HS codes, but the rows of {result.title!r} are "
            f"{', '.join(sorted(set(values))[:3])}…: ask for level chapter, heading or product"
        )
    depth = int(hs_rows.str.len().max()) if len(hs_rows) else 6
    finer = [c for c in codes if len(c) > depth]
    if finer:
        named = hs.description(finer[0], tables=tables)[:60]
        raise InputError(
            f"the data are at {depth} digits (HS {_level(depth)}s); {finer[0]} "
            f"({named}) is finer than that: select its {_level(depth)} "
            f"{finer[0][:depth]} or use data at {len(finer[0])} digits"
        )
    keep = values.map(lambda v: any(v.startswith(c) for c in codes))
    notes = [f"products selected: {selection.echo().replace(chr(10), '; ')}"]
    notes += [c.note for c in changed]
    return replace(result, table=table[keep].reset_index(drop=True), notes=(*result.notes, *notes))


def _level(digits: int) -> str:
    return {2: "chapter", 4: "heading", 6: "subheading"}.get(digits, f"{digits}-digit code")


def restrict_profile(
    profile: Any,
    selection: ProductSelection,
    revisions: Iterable[str] = (),
    tables: hs.HsTables | None = None,
) -> Any:
    """A copy of a report Profile whose product sections keep only the selected products
    (``tables``: as for ``codes_in``)."""
    revs = tuple(revisions)
    sections = dict(profile.sections)
    missing = dict(profile.missing)
    for name in _PRODUCT_SECTIONS:
        if name in sections:
            try:
                sections[name] = restrict(sections[name], selection, revs, tables)
            except InputError as exc:
                del sections[name]
                missing[name] = str(exc)
    return replace(profile, sections=sections, missing=missing)

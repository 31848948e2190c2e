"""What A and B trade: by HS section, chapter, heading or product, or by sector basket (USD)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.ledger import _hs, economies
from bilat.ledger._data import (
    Basis,
    chapters_table,
    check_basis,
    choose_source,
    flows_table,
    pair_rows,
    run_for,
    source_rows,
    table_key,
)
from bilat.ledger.economies import Economy
from bilat.ledger.flows import REPORTS, pair_sums, pick_basis, rollup
from bilat.ledger.results import LedgerResult

Level = Literal["section", "chapter", "heading", "product", "basket"]
LEVELS = ("section", "chapter", "heading", "product", "basket")
Direction = Literal["exports", "imports", "turnover"]
DIRECTIONS = ("exports", "imports", "turnover")
_DIGITS = {"chapter": 2, "heading": 4}


@dataclass(frozen=True, repr=False)
class CompositionResult(LedgerResult):
    """Values and shares by product group per year; ``top(n, year)`` for the largest."""

    level: str = "chapter"
    direction: str = "exports"

    def top(self, n: int = 10, year: int | None = None) -> pd.DataFrame:
        """The ``n`` largest groups in ``year`` (latest year when not given)."""
        t = self.table
        year = int(t.year.max()) if year is None else year
        return t[t.year == year].nlargest(n, "value").reset_index(drop=True)


def product_values(
    data: object,
    a: Economy,
    b: Economy,
    *,
    years: tuple[int, ...] | None,
    basis: str,
    source: str | None,
    level: str = "product",
) -> tuple[pd.DataFrame, object]:
    """A's exports to and imports from B per (year, product) at the source's detail (one query).

    For ``level`` chapter or section a store's ``pair_chapters`` is enough (``product`` is
    then the 2-digit chapter); finer levels read the pair's rows of the detail.
    """
    detail = flows_table(data)
    chapters = chapters_table(data) if level in ("chapter", "section") else None
    t = detail if chapters is None else chapters
    choice = choose_source(
        t, (a, b), source=source, detail="products", years=years, detail_table=detail
    )

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        ea, eb = pair
        rows, sums = pair_sums(pair_rows(source_rows(t, choice), ea, eb), ea, eb, choice, years)
        # in no particular order: every user groups or sorts the products itself
        return rows.group_by(["year", "period", "product"]).aggregate(**sums)

    raw = run_for((a, b), ("products", table_key(t), choice.sql_key, years), build)
    raw["year"] = raw.year.astype(int)
    rolled = rollup(raw, "annual", list(REPORTS), keys=("product",), grouped=True)
    frame, used = pick_basis(rolled, basis, "reconciled" in choice.reported_by, keys=("product",))
    frame = frame.assign(exports=frame.exports.fillna(0.0), imports=frame.imports.fillna(0.0))
    frame["turnover"] = frame.exports + frame.imports
    return frame[["year", "product", "exports", "imports", "turnover"]], (choice, used)


def group_products(
    frame: pd.DataFrame,
    level: str,
    value: str,
    baskets: Mapping[str, Iterable[str] | tuple[str, Iterable[str]]] | None = None,
) -> pd.DataFrame:
    """Sum ``value`` per (year, group) where the group is the product's section/chapter/… .

    ``baskets`` maps a sector id to its HS codes, or to (label, codes).
    """
    products = frame["product"].astype(str)
    if level == "basket":
        if not baskets:
            raise InputError("level 'basket' needs baskets: {name: [HS codes]}")
        parts = []
        years = pd.DataFrame({"year": sorted(frame.year.unique())})
        digits = int(products.str.len().max()) if len(products) else 0
        for name, spec in baskets.items():
            label, codes = (
                spec
                if isinstance(spec, tuple) and len(spec) == 2 and not isinstance(spec[1], str)
                else ("", spec)
            )
            prefixes = tuple(str(c) for c in codes)
            # a code finer than the data (heading 2711 on chapter data) cannot be told apart
            usable = tuple(c for c in prefixes if len(c) <= digits)
            if prefixes and not usable:
                finest = min(map(len, prefixes))
                note = f"not available: defined at {finest}+ digits, the data at {digits}"
                part = years.assign(**{value: np.nan})
                parts.append(part.assign(code=name, description=f"{label} ({note})".strip()))
                continue
            if len(usable) < len(prefixes):
                lost = len(prefixes) - len(usable)
                label = f"{label} (partial: {lost} of {len(prefixes)} codes finer than the data)"
            # A product row counts when its code lies inside one of the basket's codes.
            inside = products.str.startswith(usable) if usable else products != products
            part = frame[inside].groupby("year", as_index=False)[value].sum()
            part = years.merge(part, on="year", how="left").fillna({value: 0.0})
            parts.append(part.assign(code=name, description=label))
        return pd.concat(parts, ignore_index=True)
    if level == "section":
        codes = products.str[:2].map(_hs.section_of)
    elif level in _DIGITS:
        digits = _DIGITS[level]
        if (products.str.len() < digits).any():
            raise InputError(
                f"the data are at {int(products.str.len().min())} digits; level {level!r} "
                f"needs {digits}: use level='chapter' or a source with finer detail"
            )
        codes = products.str[:digits]
    else:
        # one row per (year, product) already (product_values groups by them)
        return frame[["year", value]].assign(code=products)
    return frame.assign(code=codes).groupby(["year", "code"], as_index=False)[value].sum()


def describe(codes: pd.Series, level: str) -> list[str]:
    """The HS description of each code (section names for level ``section``)."""
    name = _hs.section_name if level == "section" else _hs.description
    return [name(c) for c in codes]


def _codes_of(spec: object) -> tuple[str, ...]:
    """The HS codes of a basket spec: codes, or (label, codes)."""
    if isinstance(spec, tuple) and len(spec) == 2 and not isinstance(spec[1], str):
        return tuple(str(c) for c in spec[1])
    return tuple(str(c) for c in spec)  # type: ignore[union-attr]


def composition(
    data: object,
    a: str | Economy,
    b: str | Economy,
    *,
    years: int | tuple[int, ...] | list[int] | range | None = None,
    level: Level = "chapter",
    direction: Direction = "exports",
    basis: Basis = "auto",
    source: str | None = None,
    baskets: Mapping[str, Iterable[str]] | None = None,
    top: int | None = None,
) -> CompositionResult:
    """A's exports to (or imports from, or turnover with) B by product group, with shares."""
    check_basis(basis)
    if level not in LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    if direction not in DIRECTIONS:
        raise InputError(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    if level == "basket" and baskets is None:
        baskets = _hs.load_baskets()
    ea, eb = economies.pair(a, b)
    yrs = (years,) if isinstance(years, int) else (tuple(years) if years is not None else None)
    frame, (choice, used) = product_values(
        data, ea, eb, years=yrs, basis=basis, source=source, level=level
    )
    totals = frame.groupby("year")[direction].sum().rename("total")
    grouped = group_products(frame, level, direction, baskets).rename(columns={direction: "value"})
    grouped = grouped.merge(totals, on="year")
    grouped["share"] = np.where(grouped.total > 0, grouped.value / grouped.total, np.nan)
    grouped = grouped.sort_values(["code", "year"])
    prev = grouped.groupby("code").value.shift(1)
    grouped["change"] = grouped.value - prev
    grouped["pct_change"] = np.where(prev > 0, grouped.value / prev - 1, np.nan)
    grouped = grouped.sort_values(["year", "value"], ascending=[True, False])
    if top:
        grouped = grouped.groupby("year").head(top)
    if level != "basket":  # baskets carry their labels
        grouped["description"] = describe(grouped.code, level)
    cols = ["year", "code", "description", "value", "share", "change", "pct_change", "total"]
    table = grouped[cols].reset_index(drop=True)
    notes = [choice.why]
    if level == "basket":
        notes.append("baskets may overlap, so shares need not add up to 1")
        digits = int(frame["product"].str.len().max()) if len(frame) else 0
        finest = max((len(c) for s in baskets.values() for c in _codes_of(s)), default=0)
        if digits < finest:
            notes.append(
                f"the data are at {digits} digits: basket codes finer than that cannot be "
                "matched, so sectors defined only by them are not available (–) and the others "
                "count only their coarser codes"
            )
    prov = replace(
        choice.provenance(used, tuple(notes)), years=tuple(sorted(set(table.year.astype(int))))
    )
    return CompositionResult(
        title=f"{direction.capitalize()} of {ea} with {eb} by {level} (USD)",
        table=table,
        provenance=prov,
        formula=f"share = value / {direction} over all products the source holds; "
        "change on the previous year in the table",
        level=level,
        direction=direction,
    )

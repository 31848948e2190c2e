"""The ledger's option vocabularies, defined once: each a ``Literal`` type and its values.

The ledger functions type their options with these; the verb registry (``ledger.verbs``) makes
the CLI's choices and the API's ``Literal`` parameters from them, so a word added here is
accepted everywhere at once. Plain Python (no pandas, no ibis): the CLI imports it at start-up.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Who reported a flow: ``auto`` (reconciled, else the importer's report, else the exporter's).
Basis = Literal["auto", "reconciled", "exporter", "importer"]
#: Periods a flows table is rolled up to.
Frequency = Literal["annual", "half", "quarter", "month"]
#: What partners are ranked by.
By = Literal["turnover", "exports", "imports"]
#: Levels of a composition: HS sections, chapters, headings, products, or sector baskets.
Level = Literal["section", "chapter", "heading", "product", "basket"]
#: Which trade a composition is of.
Direction = Literal["exports", "imports", "turnover"]
#: What a target is set on.
Measure = Literal["turnover", "exports", "imports"]
#: The trade indices, by their names at the CLI (``--index``) and the API (``/api/indices/…``).
IndexName = Literal[
    "rca", "complementarity", "intensity", "grubel-lloyd", "hhi-product", "hhi-market"
]

BASES: tuple[str, ...] = get_args(Basis)
FREQUENCIES: tuple[str, ...] = get_args(Frequency)
BY: tuple[str, ...] = get_args(By)
LEVELS: tuple[str, ...] = get_args(Level)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
MEASURES: tuple[str, ...] = get_args(Measure)
INDICES: tuple[str, ...] = get_args(IndexName)

__all__ = [
    "BASES",
    "BY",
    "DIRECTIONS",
    "FREQUENCIES",
    "INDICES",
    "LEVELS",
    "MEASURES",
    "Basis",
    "By",
    "Direction",
    "Frequency",
    "IndexName",
    "Level",
    "Measure",
]

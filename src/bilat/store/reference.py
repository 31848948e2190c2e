"""The store's reference tables as the reference layer reads them: HS descriptions and
concordances (``hs_descriptions``, ``hs_concordance``) → :class:`bilat.reference.hs.HsTables`.

Ingested like any source (``bilat.sources.hs_tables``), so that an installed bilat converts HS
revisions without the data bundle. The tables object is kept by the store's session, per state
of the store: after ``bilat data add`` of other concordance files the next question reads the
new ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bilat.errors import NoDataError
from bilat.reference import hs

if TYPE_CHECKING:
    import pandas as pd

    from bilat.store.store import Store

HS_TABLES = ("hs_descriptions", "hs_concordance")
_ADD = "add it with `bilat data add` (the concordance package's hs<i>_hs<j>.csv / hs<i>_desc.csv)"


def hs_tables(store: Store) -> hs.HsTables | None:
    """The store's HS tables, or None when it has ingested neither table."""
    session = store.session
    m = session.manifest
    if not any(p.table in HS_TABLES for p in m.partitions.values()):
        return None
    # kept by the session for this state of the store
    return session.remember(
        ("hs_tables",),
        lambda: hs.HsTables(
            lambda rev: _descriptions(store, rev),
            lambda newer, older: _pair(store, newer, older),
            where=f"the store {store.root}",
        ),
    )


def _descriptions(store: Store, rev: str) -> pd.DataFrame:
    t = store.table("hs_descriptions")
    df = store.session.run(t.filter(t.revision == rev).select(code=t.code, desc=t.description))
    if df.empty:
        raise NoDataError(f"the store {store.root} holds no {rev} descriptions: {_ADD}")
    return df


def _pair(store: Store, newer: str, older: str) -> pd.DataFrame:
    i, j = hs.REVISIONS.index(newer), hs.REVISIONS.index(older)  # type: ignore[arg-type]
    t = store.table("hs_concordance")
    picked = t.filter((t.newer == newer) & (t.older == older))
    names = {
        f"HS{k}_{d}d": picked[f"{side}_{d}d"]
        for side, k in (("newer", i), ("older", j))
        for d in (6, 4, 2)
    }
    df = store.session.run(picked.select(**names))
    if df.empty:
        raise NoDataError(
            f"the store {store.root} holds no {newer} → {older} concordance: {_ADD} "
            f"(hs{i}_hs{j}.csv)"
        )
    return df

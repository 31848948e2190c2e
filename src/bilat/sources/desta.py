"""Trade agreements in force by year, derived from DESTA (``rtas_at_least_one_in_force_per_year``).

The file has one row per year, country pair and base treaty the pair ever shares
(``year,country1,country2,base_treaty,rta``; lower-case ISO3; ``rta`` 1 when that treaty is in
force that year), with pairs in either order. The ``agreements`` table wants one row per unordered
pair and year, so rows are folded:

- ``country1``/``country2`` upper case and sorted (``country1 < country2``);
- ``rta`` = 1 when at least one treaty is in force;
- ``agreement`` = the ids of the base treaties in force, ascending, joined by ``;``
  (e.g. ``"461"`` or ``"70;461"``), empty (null) when none is.

Code fixes: ``rom`` → ROU (old ISO code of Romania); ``pkr`` → PRK: the file's only ``pkr`` rows
are the GSTP (treaty 461), paired with Pakistan (``pak``) among others, and it has no ``prk``
rows although North Korea is a GSTP member, so ``pkr`` is North Korea misspelt.
The release is unknown from the file: ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.schema import AGREEMENTS_SCHEMA
from bilat.sources import _csv_stream as cs
from bilat.sources.base import Reader

COLUMNS = ("year", "country1", "country2", "base_treaty", "rta")
#: The file's own spellings → ISO3 (see the module docstring).
DESTA_CODES = {"ROM": "ROU", "PKR": "PRK"}


class DestaReader(Reader):
    """DESTA-derived agreements in force → the ``agreements`` table (one row per pair and year)."""

    format: ClassVar[str] = "desta"
    table: ClassVar[str] = "agreements"
    header = COLUMNS
    #: the derived file names no DESTA version
    source, dataset, release = "desta", "rta-in-force", "unknown"

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """One row per pair and year in AGREEMENTS_SCHEMA; DataFormatError names file, line."""
        path = Path(path)
        layout = cs.sniff_layout(path, delimiters=",")
        cs.check_columns(
            path, layout.columns, COLUMNS, fix="expected year,country1,country2,base_treaty,rta"
        )
        types = {
            "year": pa.float64(),
            "country1": pa.string(),
            "country2": pa.string(),
            "base_treaty": pa.int64(),
            "rta": pa.int64(),
        }
        codes = cs.CountryCodes(path, DESTA_CODES)
        parts = []
        # the file folds into pairs × years, so it is read in full (about 1 million short rows)
        for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
            locate = layout.locator(start)
            year = cs.year_column(path, batch, "year", locate)
            cs.require_values(path, batch, "base_treaty", locate)
            cs.require_values(path, batch, "rta", locate)
            rta = batch.column("rta")
            not_01 = pc.invert(pc.is_in(rta, pa.array([0, 1])))
            cs.refuse_first(path, not_01, rta, "rta", locate, "rta must be 0 or 1, not {value}")
            a, _ = codes.normalise(batch, "country1", locate, upper=True)
            b, _ = codes.normalise(batch, "country2", locate, upper=True)
            first = pc.if_else(pc.less_equal(a, b), a, b)
            second = pc.if_else(pc.less_equal(a, b), b, a)
            treaty = pc.if_else(
                pc.equal(rta, 1), batch.column("base_treaty"), pa.scalar(None, pa.int64())
            )
            parts.append(
                pa.table(
                    {
                        "year": year,
                        "country1": first,
                        "country2": second,
                        "rta": rta,
                        "treaty": treaty,
                    }
                )
            )
        yield from _fold(pa.concat_tables(parts)).to_batches(max_chunksize=1 << 17)


def _fold(rows: pa.Table) -> pa.Table:
    """Pairs × years: ``rta`` the max, ``agreement`` the treaty ids in force joined by ``;``."""
    grouped = rows.group_by(["year", "country1", "country2"]).aggregate(
        [("rta", "max"), ("treaty", "distinct")]
    )
    treaties = grouped.column("treaty_distinct").to_pylist()
    agreement = [
        ";".join(str(t) for t in sorted(t for t in ids if t is not None)) or None
        for ids in treaties
    ]
    n = grouped.num_rows
    table = pa.table(
        {
            "year": grouped.column("year"),
            "country1": grouped.column("country1"),
            "country2": grouped.column("country2"),
            "rta": pc.cast(grouped.column("rta_max"), pa.int8()),
            "agreement": pa.array(agreement, pa.string()),
            "source": pa.array(["desta"] * n, pa.string()),
            "release": pa.array(["unknown"] * n, pa.string()),
        },
        schema=AGREEMENTS_SCHEMA,
    )
    return table.sort_by(
        [("year", "ascending"), ("country1", "ascending"), ("country2", "ascending")]
    )

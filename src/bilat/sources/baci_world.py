"""CEPII BACI (HS92) exports to the world by exporter and HS chapter, as aggregated in the bundle.

Layout: ``t,i,i_iso3c,i_name,i_region,k,k_name,k_sector,v,q,pop,gdp,gdpcap`` with ``v`` in
**millions of USD** and ``q`` in tonnes. Each row becomes one flow from ``i_iso3c`` to ``WLD``
(World, ``non_country`` True), product = the 2-digit chapter ``k``, ``hs_revision`` HS92,
``reported_by`` ``reconciled`` (BACI reconciles both sides' declarations).

The release of the underlying BACI is not in the file; the bundle's copy comes from the public
repository ``piyayut-ch/2022-10_R``, so the release is recorded as ``2022-10`` (that snapshot),
not a CEPII version number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.schema import FLOWS_SCHEMA
from bilat.sources import _csv_stream as cs
from bilat.sources.base import Reader

HEADER = ("t", "i", "i_iso3c", "i_name", "i_region", "k", "k_name", "k_sector", "v", "q")
RELEASE = "2022-10"
MILLION = 1e6


class BaciWorldReader(Reader):
    """BACI exports to the world by HS chapter → the ``flows`` table (importer ``WLD``)."""

    format: ClassVar[str] = "baci-world"
    table: ClassVar[str] = "flows"
    header = HEADER
    #: release: the bundle's snapshot (see the module docstring)
    source, dataset, release = "baci", "HS92-world-hs2", RELEASE

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in FLOWS_SCHEMA (values × 1e6 to USD), streamed."""
        path = Path(path)
        layout = cs.sniff_layout(path, delimiters=",")
        cs.check_columns(path, layout.columns, ("t", "i_iso3c", "k", "v", "q"))
        types = {
            "t": pa.float64(),
            "i_iso3c": pa.string(),
            "k": pa.string(),
            "v": pa.float64(),
            "q": pa.float64(),
        }
        codes = cs.CountryCodes(path)
        for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
            locate = layout.locator(start)
            cs.require_values(path, batch, "v", locate, non_negative=True)
            cs.require_values(path, batch, "q", locate, non_negative=True, allow_empty=True)
            year = cs.year_column(path, batch, "t", locate)
            exporter, _ = codes.normalise(batch, "i_iso3c", locate, upper=True)
            product = pc.utf8_lpad(pc.utf8_trim_whitespace(batch.column("k")), 2, "0")
            bad = pc.invert(pc.match_substring_regex(product, r"^\d{2}$"))
            cs.refuse_first(
                path, bad, batch.column("k"), "k", locate, "{value} is not an HS chapter"
            )
            n = batch.num_rows

            yield pa.RecordBatch.from_arrays(
                [
                    year,
                    cs.constant("A", n),
                    exporter,
                    cs.constant("WLD", n),
                    product,
                    cs.constant("HS92", n),
                    pc.multiply(batch.column("v"), MILLION),
                    batch.column("q"),
                    pc.if_else(pc.is_valid(batch.column("q")), "t", pa.scalar(None, pa.string())),
                    cs.constant("X", n),
                    cs.constant("reconciled", n),
                    cs.constant(True, n),
                    cs.constant("baci", n),
                    cs.constant(RELEASE, n),
                ],
                schema=FLOWS_SCHEMA,
            )

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

from bilat.errors import DataFormatError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import _tabular
from bilat.sources._io import text_head
from bilat.sources.base import FileInfo

HEADER = ("t", "i", "i_iso3c", "i_name", "i_region", "k", "k_name", "k_sector", "v", "q")
RELEASE = "2022-10"
MILLION = 1e6


class BaciWorldReader:
    """BACI exports to the world by HS chapter → the ``flows`` table (importer ``WLD``)."""

    format: ClassVar[str] = "baci-world"
    table: ClassVar[str] = "flows"

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for the header ``t,i,i_iso3c,i_name,i_region,k,k_name,k_sector,v,q,…``."""
        first = head.decode("utf-8", "replace").lstrip("\ufeff").partition("\n")[0]
        return tuple(f.strip().strip('"') for f in first.split(","))[: len(HEADER)] == HEADER

    def info(self, path: Path) -> FileInfo:
        """Source ``baci``, dataset ``HS92-world-hs2``, release ``2022-10`` (bundle snapshot)."""
        return FileInfo("flows", "baci", "HS92-world-hs2", RELEASE, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in FLOWS_SCHEMA (values × 1e6 to USD), streamed."""
        path = Path(path)
        found = _tabular.header_fields(path, text_head(path))
        _tabular.check_columns(path, found, ("t", "i_iso3c", "k", "v", "q"))
        layout = _tabular.Layout(
            {
                "t": pa.float64(),
                "i_iso3c": pa.string(),
                "k": pa.string(),
                "v": pa.float64(),
                "q": pa.float64(),
            }
        )
        codes = _tabular.CountryCodes(path)
        for line, batch in _tabular.batches(path, layout):
            _tabular.require_values(path, batch, line, "v", non_negative=True)
            _tabular.require_values(path, batch, line, "q", non_negative=True, allow_empty=True)
            year = _tabular.year_column(path, batch, line, "t")
            exporter, _ = codes.normalise(batch, "i_iso3c", line, upper=True)
            product = pc.utf8_lpad(pc.utf8_trim_whitespace(batch.column("k")), 2, "0")
            bad = pc.invert(pc.match_substring_regex(product, r"^\d{2}$"))
            i = _tabular.first_true(bad)
            if i is not None:
                raise DataFormatError(
                    path,
                    f"{batch.column('k')[i].as_py()!r} is not an HS chapter",
                    line=line + i,
                    column="k",
                )
            n = batch.num_rows

            yield pa.RecordBatch.from_arrays(
                [
                    year,
                    _tabular.constant("A", n),
                    exporter,
                    _tabular.constant("WLD", n),
                    product,
                    _tabular.constant("HS92", n),
                    pc.multiply(batch.column("v"), MILLION),
                    batch.column("q"),
                    pc.if_else(pc.is_valid(batch.column("q")), "t", pa.scalar(None, pa.string())),
                    _tabular.constant("X", n),
                    _tabular.constant("reconciled", n),
                    _tabular.constant(True, n),
                    _tabular.constant("baci", n),
                    _tabular.constant(RELEASE, n),
                ],
                schema=FLOWS_SCHEMA,
            )

"""The canonical tables every source is normalised to (see DESIGN.md).

Conventions: values in current US dollars (not thousands), countries as ISO3 upper case,
HS products as zero-padded strings at the level the source has (2, 4 or 6 digits),
``TOTAL`` for all goods, or ``MANUF`` for all manufacturing (a non-HS aggregate);
``period`` is ``A`` (annual), ``H1``/``H2``, ``Q1``–``Q4`` or ``M01``–``M12``. A subnational
side is coded ``<ISO3>.<region id>`` (e.g. ``RUS.05000``).
"""

from __future__ import annotations

import pyarrow as pa

#: HS revisions by the names analysts use; BACI's and Comtrade's codes map onto these.
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
PERIODS = ("A", "H1", "H2", "Q1", "Q2", "Q3", "Q4", *(f"M{m:02d}" for m in range(1, 13)))
#: Comtrade's flow codes: export, import, re-export, re-import.
FLOWS = ("X", "M", "RX", "RM")
REPORTED_BY = ("exporter", "importer", "reconciled")
TOTAL = "TOTAL"
#: All manufacturing, a non-HS aggregate (the Advanced Guide's gravity panel): never all goods.
MANUFACTURING = "MANUF"

FLOWS_SCHEMA = pa.schema(
    [
        pa.field("year", pa.int16(), nullable=False),
        pa.field("period", pa.string(), nullable=False),
        pa.field("exporter", pa.string(), nullable=False),
        pa.field("importer", pa.string(), nullable=False),
        pa.field("product", pa.string(), nullable=False),
        pa.field("hs_revision", pa.string()),
        pa.field("value_usd", pa.float64(), nullable=False),
        pa.field("quantity", pa.float64()),
        pa.field("quantity_unit", pa.string()),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("reported_by", pa.string(), nullable=False),
        # True when exporter or importer is not a country (World, unspecified, n.e.s., aggregates):
        # kept for totals and mirror checks, never counted in ranks or shares.
        pa.field("non_country", pa.bool_(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Country-level indicators (World Bank WDI and the like); ``indicator`` is the WDI code.
MACRO_SCHEMA = pa.schema(
    [
        pa.field("country", pa.string(), nullable=False),
        pa.field("year", pa.int16(), nullable=False),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("non_country", pa.bool_(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Bilateral geography (CEPII GeoDist): distances in km, the rest 0/1 dummies.
DISTANCES_SCHEMA = pa.schema(
    [
        pa.field("exporter", pa.string(), nullable=False),
        pa.field("importer", pa.string(), nullable=False),
        pa.field("dist", pa.float64()),
        pa.field("distcap", pa.float64()),
        pa.field("distw", pa.float64()),
        pa.field("distwces", pa.float64()),
        pa.field("contig", pa.int8()),
        pa.field("comlang_off", pa.int8()),
        pa.field("comlang_ethno", pa.int8()),
        pa.field("colony", pa.int8()),
        pa.field("comcol", pa.int8()),
        pa.field("curcol", pa.int8()),
        pa.field("col45", pa.int8()),
        pa.field("smctry", pa.int8()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Trade agreements in force: one row per unordered pair and year (country1 < country2).
AGREEMENTS_SCHEMA = pa.schema(
    [
        pa.field("year", pa.int16(), nullable=False),
        pa.field("country1", pa.string(), nullable=False),
        pa.field("country2", pa.string(), nullable=False),
        pa.field("rta", pa.int8(), nullable=False),
        pa.field("agreement", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Subnational regions seen in the data: code ``<ISO3>.<id>``, its name and its district.
REGIONS_SCHEMA = pa.schema(
    [
        pa.field("region", pa.string(), nullable=False),
        pa.field("country", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("district", pa.string()),
        pa.field("district_name", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

# ---------------------------------------------------------------- reference tables
# Read from files like any source (``bilat data add`` / ``bilat data bundle``), so that an
# installed bilat needs no checkout or bundle folder: ``bilat.reference.hs.HsTables``.

#: Descriptions of HS codes (2, 4 and 6 digits) in one revision (the R package concordance).
HS_DESCRIPTIONS_SCHEMA = pa.schema(
    [
        pa.field("revision", pa.string(), nullable=False),  # HS92 … HS22
        pa.field("code", pa.string(), nullable=False),
        pa.field("description", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Correspondence between a newer and an older HS revision, one row per linked 6-digit pair,
#: with the 4- and 2-digit parents of both sides (as the concordance package's files).
HS_CONCORDANCE_SCHEMA = pa.schema(
    [
        pa.field("newer", pa.string(), nullable=False),  # e.g. HS17
        pa.field("older", pa.string(), nullable=False),  # e.g. HS92
        *(pa.field(f"{side}_{d}d", pa.string()) for side in ("newer", "older") for d in (6, 4, 2)),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

#: Covariates of the Advanced Guide's gravity panel (Yotov et al. 2016): trade in USD millions
#: (manufacturing, with intranational flows), distance, contiguity, language, colony, RTAs.
AGTPA_COVARIATES = (
    "dist",
    "cntg",
    "lang",
    "clny",
    "rta",
    "rta_lag3",
    "rta_lag4",
    "rta_lag6",
    "rta_lag8",
    "rta_lag9",
    "rta_lag12",
    "rta_lead4",
)
AGTPA_PANEL_SCHEMA = pa.schema(
    [
        pa.field("exporter", pa.string(), nullable=False),
        pa.field("importer", pa.string(), nullable=False),
        pa.field("pair_id", pa.int64()),
        pa.field("year", pa.int16(), nullable=False),
        pa.field("trade", pa.float64(), nullable=False),
        *(pa.field(c, pa.float64()) for c in AGTPA_COVARIATES),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release", pa.string(), nullable=False),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "flows": FLOWS_SCHEMA,
    "macro": MACRO_SCHEMA,
    "distances": DISTANCES_SCHEMA,
    "agreements": AGREEMENTS_SCHEMA,
    "regions": REGIONS_SCHEMA,
    "hs_descriptions": HS_DESCRIPTIONS_SCHEMA,
    "hs_concordance": HS_CONCORDANCE_SCHEMA,
    "agtpa_panel": AGTPA_PANEL_SCHEMA,
}

# ---------------------------------------------------------------- derived tables
# Built by the store at ingestion from each flows partition, in the same atomic manifest swap,
# and replaced or removed with it, so they always equal aggregates of the detail. Their columns
# mirror FLOWS_SCHEMA's so the ledger's queries run unchanged on them; ``detail_rows`` counts
# the detail rows summed into each row.

#: ``product`` of a pair_totals row that sums a source's product detail. It is deliberately not
#: ``TOTAL``: a source with partial coverage (e.g. a chapter 27 extract) does not hold all goods.
SUMMED = "SUM"

_DERIVED_KEYS = [
    pa.field("year", pa.int16(), nullable=False),
    pa.field("period", pa.string(), nullable=False),
    pa.field("exporter", pa.string(), nullable=False),
    pa.field("importer", pa.string(), nullable=False),
    pa.field("product", pa.string(), nullable=False),
    pa.field("flow", pa.string(), nullable=False),
    pa.field("reported_by", pa.string(), nullable=False),
    pa.field("non_country", pa.bool_(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("release", pa.string(), nullable=False),
]
_DERIVED_VALUES = [
    pa.field("value_usd", pa.float64(), nullable=False),
    pa.field("detail_rows", pa.int64(), nullable=False),
]

#: Per pair and period: ``product`` is ``TOTAL`` (the source's own all-goods rows) or
#: ``SUMMED`` (the sum of its product rows, over the products it holds).
PAIR_TOTALS_SCHEMA = pa.schema(_DERIVED_KEYS + _DERIVED_VALUES)
#: Per pair, period and HS chapter: ``product`` is the 2-digit chapter; TOTAL rows left out.
PAIR_CHAPTERS_SCHEMA = pa.schema(_DERIVED_KEYS + _DERIVED_VALUES)

#: The rows of pair_totals twice, once under each of the pair's two economies (``economy`` =
#: exporter, then = importer), sorted by economy: all of A's trade with every partner, on
#: both sides, is one contiguous run that one look-up reads (partner ranks, A–B flows).
ECONOMY_TOTALS_SCHEMA = pa.schema(
    [pa.field("economy", pa.string(), nullable=False), *_DERIVED_KEYS, *_DERIVED_VALUES]
)

#: Derived tables, built from the flows detail of each partition.
DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "pair_totals": PAIR_TOTALS_SCHEMA,
    "pair_chapters": PAIR_CHAPTERS_SCHEMA,
    "economy_totals": ECONOMY_TOTALS_SCHEMA,
}

#: Every table of the store, ingested and derived.
TABLE_SCHEMAS: dict[str, pa.Schema] = {**SCHEMAS, **DERIVED_SCHEMAS}

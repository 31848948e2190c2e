"""Bundle fixtures shared by ledger and report tests: the raw bundle files read with pandas.

They read the raw files directly (not through bilat's readers) so that the ledger's numbers are
checked against an independent path from the raw files to the figures.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from bilat.schema import FLOWS_SCHEMA
from bilat.settings import bundle_path

DEFAULTS = {
    "period": "A",
    "product": "TOTAL",
    "hs_revision": None,
    "quantity": None,
    "quantity_unit": None,
    "flow": "X",
    "reported_by": "reconciled",
    "non_country": False,
    "source": "test",
    "release": "r1",
}
# Codes that are not countries in the bundle's sources.
NON_COUNTRY = {"WLD", "UNS", "_X", "X1", "XX", "ZZ", "NES"}


def _bundle() -> Path:
    root = bundle_path()
    if not (root / "flows").is_dir():
        pytest.skip(f"data bundle not found at {root} (set BILAT_BUNDLE)")
    return root


def read_penppml(root: Path) -> pd.DataFrame:
    """penppml trade.csv.gz as canonical rows: one total per exporter, importer and year.

    Tagged as the exporter's report, as bilat's tidy reader does (the package documents
    ``export`` as the exporter's exports).
    """
    raw = pd.read_csv(root / "flows/penppml/trade.csv.gz", usecols=["exp", "imp", "time", "export"])
    frame = pd.DataFrame(
        {
            "year": raw.time.astype("int16"),
            "exporter": raw.exp,
            "importer": raw.imp,
            "value_usd": raw.export.astype(float),
        }
    ).assign(
        **{**DEFAULTS, "source": "penppml", "release": "penppml-0.2.4", "reported_by": "exporter"}
    )
    frame["non_country"] = frame.exporter.isin(NON_COUNTRY) | frame.importer.isin(NON_COUNTRY)
    return frame.reindex(columns=FLOWS_SCHEMA.names)


COMTRADE_FLOW = {"Export": "X", "Import": "M", "Re-export": "RX", "Re-import": "RM"}


def read_comtrade(root: Path, chapters: tuple[str, ...], years: range) -> pd.DataFrame:
    """Comtrade legacy chapter files as canonical rows (reporter's side in reported_by)."""
    parts = []
    for ch in chapters:
        for y in years:
            path = root / f"flows/comtrade_legacy/hs{ch}/comtrade_hs{ch}_{y}.csv.gz"
            raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"Commodity Code": str})
            flow = raw["Trade Flow"].map(COMTRADE_FLOW)
            exports = flow.isin(["X", "RX"])
            rep, par = raw["Reporter ISO"], raw["Partner ISO"]
            parts.append(
                pd.DataFrame(
                    {
                        "year": raw.Year.astype("int16"),
                        "period": "A",
                        "exporter": rep.where(exports, par),
                        "importer": par.where(exports, rep),
                        "product": raw["Commodity Code"].str.zfill(2),
                        "hs_revision": "HS12",
                        "value_usd": raw["Trade Value (US$)"].astype(float),
                        "quantity": None,
                        "quantity_unit": None,
                        "flow": flow,
                        "reported_by": exports.map({True: "exporter", False: "importer"}),
                        "non_country": rep.isin(NON_COUNTRY) | par.isin(NON_COUNTRY),
                        "source": "comtrade",
                        "release": "legacy-bulk",
                    }
                )
            )
    return pd.concat(parts, ignore_index=True).dropna(subset=["exporter", "importer"])


def read_baci_world(root: Path) -> pd.DataFrame:
    """BACI exports to the world by exporter and HS chapter (USD million -> USD)."""
    raw = pd.read_csv(
        root / "flows/baci_hs2_world_exports/baci_hs92_exporter_hs2_2011_2020.csv.gz",
        dtype={"k": str},
        usecols=["t", "i_iso3c", "k", "v"],
    )
    return pd.DataFrame(
        {
            "year": raw.t.astype("int16"),
            "period": "A",
            "exporter": raw.i_iso3c,
            "importer": "WLD",
            "product": raw.k.str.zfill(2),
            "hs_revision": "HS92",
            "value_usd": raw.v.astype(float) * 1e6,
            "quantity": None,
            "quantity_unit": None,
            "flow": "X",
            "reported_by": "reconciled",
            "non_country": True,
            "source": "baci-world",
            "release": "202201",
        }
    ).dropna(subset=["exporter"])


@pytest.fixture(scope="session")
def bundle_root() -> Path:
    """The data bundle's folder (skips when absent)."""
    return _bundle()


@pytest.fixture(scope="session")
def penppml_frame(bundle_root: Path) -> pd.DataFrame:
    """penppml totals as a canonical pandas frame."""
    return read_penppml(bundle_root)


@pytest.fixture(scope="session")
def comtrade_frame(bundle_root: Path) -> pd.DataFrame:
    """Comtrade legacy HS27 and HS44, 2014–2017, as a canonical pandas frame."""
    return read_comtrade(bundle_root, ("27", "44"), range(2014, 2018))


@pytest.fixture(scope="session")
def baci_world_frame(bundle_root: Path) -> pd.DataFrame:
    """BACI world exports by chapter as a canonical pandas frame."""
    return read_baci_world(bundle_root)


@pytest.fixture(scope="session")
def bundle_flows(penppml_frame, comtrade_frame, baci_world_frame) -> ibis.Table:
    """All three bundle flow sources in one canonical ibis table, like a store's flows table."""
    frame = pd.concat([penppml_frame, comtrade_frame, baci_world_frame], ignore_index=True)
    frame["year"] = frame.year.astype("int16")
    frame["non_country"] = frame.non_country.astype(bool)
    return ibis.memtable(frame.reindex(columns=FLOWS_SCHEMA.names))

"""Shared fixtures: the data bundle, and a store with the bundle ingested once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.settings import bundle_path


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The real data bundle (../shared/data or BILAT_BUNDLE); fails loudly if absent."""
    path = bundle_path()
    if not (path / "README.md").exists():
        pytest.fail(f"data bundle not found at {path}: set BILAT_BUNDLE to the shared/data folder")
    return path


# The bundle files the ledger, claims and scenarios tests read through the store.
BUNDLE_FILES = [
    "flows/penppml/trade.csv.gz",
    *(f"flows/comtrade_legacy/hs27/comtrade_hs27_{y}.csv.gz" for y in range(1988, 2018)),
    *(f"flows/comtrade_legacy/hs44/comtrade_hs44_{y}.csv.gz" for y in range(1988, 2018)),
    "flows/baci_hs2_world_exports/baci_hs92_exporter_hs2_2011_2020.csv.gz",
    "macro/wdi_gdp/gdp.csv",
    "macro/wdi_population/population.csv",
    "gravity/geodist/cepii_dist_cepii.dta",
    "gravity/rta/rtas_at_least_one_in_force_per_year.csv.gz",
]


@pytest.fixture(scope="session")
def bundle_store(bundle: Path, tmp_path_factory: pytest.TempPathFactory):
    """A store holding the bundle's flows, WDI, GeoDist and agreements (built once per session)."""
    from bilat.store import Store

    store = Store(tmp_path_factory.mktemp("bundle-store"))
    store.ingest([bundle / f for f in BUNDLE_FILES])
    return store

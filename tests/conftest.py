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


@pytest.fixture(scope="session")
def bundle_store(bundle: Path, tmp_path_factory: pytest.TempPathFactory):
    """A store with every recognised file of the bundle ingested (built once per session)."""
    from bilat.store import Store

    store = Store(tmp_path_factory.mktemp("bundle-store"))
    store.ingest_folder(bundle)
    return store

"""HS conversion and the book's panel from a store, with no data bundle in sight (issue 17, item 7).

Expected values are read by hand from the bundle's own files with the csv module; the package
under test runs in a fresh interpreter whose BILAT_BUNDLE points nowhere, so only the store
can answer.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.reference import hs
from bilat.store import Store

pytestmark = [pytest.mark.bundle]

CONCORDANCE = "reference/hs_concordance"


def _hs17_codes_of_hs92(bundle: Path, code: str) -> list[str]:
    with (bundle / CONCORDANCE / "hs5_hs0.csv").open(encoding="utf-8") as fh:
        return sorted({r["HS5_6d"] for r in csv.DictReader(fh) if r["HS0_6d"] == code})


def _description(bundle: Path, name: str, code: str) -> str:
    with (bundle / CONCORDANCE / name).open(encoding="utf-8") as fh:
        return next(r["desc"] for r in csv.DictReader(fh) if r["code"] == code)


def test_an_installed_package_converts_hs_revisions_from_the_store(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "store")
    added = store.ingest(
        [
            bundle / CONCORDANCE / "hs5_hs0.csv",
            bundle / CONCORDANCE / "hs0_desc.csv",
            bundle / "gravity/advanced_guide/agtpa_applications.csv.gz",
        ]
    )
    assert [r.format for r in added] == ["hs-concordance", "hs-descriptions", "agtpa"]
    # the same panel file once more, for its covariates: a new table, not "unchanged"
    panel = store.ingest(
        [bundle / "gravity/advanced_guide/agtpa_applications.csv.gz"], format="agtpa-panel"
    )
    assert [(r.status, r.rows) for r in panel] == [("added", 99_981)]

    script = """
import json
from bilat.reference import hs
from bilat.store import Store
from bilat.reference import hs
from bilat.scenarios import book
from bilat.settings import bundle_path
assert not bundle_path().exists()
tables = Store().session.hs_tables()  # the default store's (BILAT_STORE)
panel = book.read_agtpa()  # the default store: BILAT_STORE
print(json.dumps({
    "forward": hs.convert("290340", "HS92", "HS17", tables=tables),
    "back": hs.convert("290371", "HS17", "HS92", tables=tables),
    "described": hs.describe("271111", "HS1992", tables=tables),
    "where": hs.tables(tables).where,
    "rows": len(panel),
    "trade": float(panel["trade"].sum()),
    "columns": list(panel.columns),
}))
"""
    env = {
        **os.environ,
        "BILAT_BUNDLE": str(tmp_path / "no-bundle"),
        "BILAT_STORE": str(store.root),
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])

    assert got["forward"] == _hs17_codes_of_hs92(bundle, "290340")
    assert len(got["forward"]) == 9  # 290371 … 290379: HS2017 split the heading
    assert got["back"] == ["290340"]
    assert got["described"] == _description(bundle, "hs0_desc.csv", "271111")
    assert str(store.root) in got["where"]

    with gzip.open(bundle / "gravity/advanced_guide/agtpa_applications.csv.gz", "rt") as fh:
        rows = list(csv.DictReader(fh))
    assert got["rows"] == len(rows) == 99_981
    assert got["trade"] == pytest.approx(sum(float(r["trade"]) for r in rows), rel=1e-12)
    assert got["columns"] == list(rows[0])


def test_without_the_tables_the_message_says_how_to_add_them(tmp_path: Path) -> None:
    script = """
from bilat.reference import hs
from bilat.store import Store
from bilat.reference import hs
from bilat.errors import BilatError
tables = Store().session.hs_tables()
try:
    hs.convert("290340", "HS92", "HS17", tables=tables)
except BilatError as exc:
    print(exc)
"""
    env = {
        **os.environ,
        "BILAT_BUNDLE": str(tmp_path / "no-bundle"),
        "BILAT_STORE": str(tmp_path / "empty-store"),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "HS concordance tables not found" in out.stdout
    assert "bilat data bundle" in out.stdout and "bilat data add" in out.stdout


def _codes_of_hs92(bundle: Path, newer: int, code: str) -> list[str]:
    with (bundle / CONCORDANCE / f"hs{newer}_hs0.csv").open(encoding="utf-8") as fh:
        return sorted({r[f"HS{newer}_6d"] for r in csv.DictReader(fh) if r["HS0_6d"] == code})


def test_two_stores_in_one_process_each_convert_with_their_own_tables(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Store A holds HS2017→HS1992, store B HS2012→HS1992; with no bundle to fall back on, each
    session converts with its own (the store opened last used to win for every caller)."""
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    a.ingest([bundle / CONCORDANCE / "hs5_hs0.csv"])
    b.ingest([bundle / CONCORDANCE / "hs4_hs0.csv"])
    monkeypatch.setenv("BILAT_BUNDLE", str(tmp_path / "no-bundle"))
    ta, tb = a.session.hs_tables(), b.session.hs_tables()
    assert ta is not None and tb is not None and ta is not tb
    # asked alternately, after both stores are open
    # HS92 010111 (pure-bred breeding horses): one HS2012 code, two in HS2017
    in_17, in_12 = _codes_of_hs92(bundle, 5, "010111"), _codes_of_hs92(bundle, 4, "010111")
    assert in_17 == ["010121", "010130"] and in_12 == ["010121"]
    for _ in range(2):
        assert hs.convert("010111", "HS92", "HS17", tables=ta) == in_17
        assert hs.convert("010111", "HS92", "HS12", tables=tb) == in_12
        with pytest.raises(BilatError, match="HS17"):
            hs.convert("010111", "HS92", "HS17", tables=tb)
        with pytest.raises(BilatError, match="HS12"):
            hs.convert("010111", "HS92", "HS12", tables=ta)
    assert str(a.root) in hs.tables(ta).where and str(b.root) in hs.tables(tb).where

"""The start-up path for flows (``ledger.flows_direct``, parameterised SQL, no ibis) gives
exactly what ``bilateral_flows`` gives: the same table, text, JSON and CSV, on the bundle's
store and on a small store with reporter and reconciled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.flows_direct import direct_flows
from bilat.render.jsonable import dumps
from bilat.render.sections import section_text
from bilat.sources.tidy import TidyReader
from bilat.store import Store


def check_same(store: Store, a: str, b: str, **kw: object) -> str | None:
    """Both paths' answers agree (or the direct path declines where the ledger raises);
    returns the text, or None when there is no answer."""
    try:
        full = bilateral_flows(store, a, b, **kw)  # type: ignore[arg-type]
    except BilatError:
        assert direct_flows(store, a, b, **kw) is None  # type: ignore[arg-type]
        return None
    quick = direct_flows(store, a, b, **kw)  # type: ignore[arg-type]
    assert quick is not None, f"{a}–{b} {kw}: the direct path declined"
    result = quick.to_result()
    assert result.table.equals(full.table)
    assert str(result) == str(full)
    assert json.dumps(result.to_dict(), default=str) == json.dumps(full.to_dict(), default=str)
    assert result.to_frame().to_csv(index=False) == full.to_frame().to_csv(index=False)
    # what the CLI prints from the plain rows (no pandas): the same characters as from the
    # ledger's FlowsResult, in every text format, at a narrow, the piped and a wide width
    for width in (60, 80, 100, 200):
        for rows in (5, 25):
            got = section_text(quick, width, max_rows=rows)
            assert got == section_text(full, width, max_rows=rows), (width, rows)
    assert dumps(quick.to_dict()) == dumps(full.to_dict())
    assert quick.to_csv() == full.to_frame().to_csv(index=False)
    assert quick.to_frame().equals(full.to_frame())
    return str(result)


@pytest.mark.bundle
@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        ("RUS", "KOR", {"years": (2016,)}),
        ("KOR", "RUS", {"years": (2016,)}),
        ("Russia", "South Korea", {}),  # every year, names
        ("RUS", "KOR", {"years": (1992,)}),  # Russia's exports not in the data: missing
        ("RUS", "KOR", {"years": (1990, 1992, 1996)}),  # 1990: not covered, said so
        ("RUS", "KOR", {"years": (2016,), "basis": "exporter"}),
        ("RUS", "KOR", {"years": (2016,), "source": "penppml"}),
        ("USA", "CHN", {"years": tuple(range(2000, 2017))}),
        ("DEU", "FRA", {}),
        ("KOR", "JPN", {"years": (2012, 2016)}),
        ("RUS", "ATA", {}),  # Antarctica reports nothing: every import missing
    ],
)
def test_bundle_pairs_agree(bundle_store: Store, a: str, b: str, kw: dict) -> None:
    assert check_same(bundle_store, a, b, **kw) is not None


@pytest.mark.bundle
def test_bundle_figures(bundle_store: Store) -> None:
    """The data README's figures: 2016 RUS→KOR 10.558 bn, KOR→RUS 4.768 bn."""
    quick = direct_flows(bundle_store, "RUS", "KOR", years=(2016,))
    assert quick is not None
    (row,) = quick.rows
    assert row["exports"] == pytest.approx(10.558e9, rel=1e-3)
    assert row["imports"] == pytest.approx(4.768e9, rel=1e-3)
    assert row["turnover"] == pytest.approx(15.33e9, rel=1e-3)
    missing = direct_flows(bundle_store, "RUS", "KOR", years=(1992,))
    assert missing is not None and missing.rows[0]["missing"] == "RUS→KOR"


@pytest.mark.bundle
@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        ("EAEU", "KOR", {"years": (2016,)}),  # a group: the ledger's path
        ("RUS", "KOR", {"years": (2016,), "source": "comtrade"}),  # HS 27, 44 only: not covered
        ("RUS", "KOR", {"years": (2016,), "basis": "importer"}),  # penppml has no importer side
        ("RUS", "KOR", {"years": (1960,)}),  # nothing
    ],
)
def test_bundle_declines(bundle_store: Store, a: str, b: str, kw: dict) -> None:
    """Outside its case, or without an answer, the direct path leaves the question (and its
    error, with the context) to the ledger."""
    assert direct_flows(bundle_store, a, b, **kw) is None


def _write(path: Path, rows: list[tuple[str, str, int, float]]) -> Path:
    lines = ["exp,imp,time,export", *(f"{e},{i},{y},{v}" for e, i, y, v in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reporter_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Korea declares its imports (2019, 2020), Russia its exports (2019 only); a reconciled
    source beside them for 2021; Japan reports nothing."""
    tmp = tmp_path_factory.mktemp("direct")
    store = Store(tmp / "store")
    mapping = {"exporter": "exp", "importer": "imp", "year": "time", "value_usd": "export"}
    imports = _write(
        tmp / "imports.csv",
        [("RUS", "KOR", 2019, 100.0), ("RUS", "KOR", 2020, 80.0), ("JPN", "KOR", 2019, 5.0)],
    )
    exports = _write(
        tmp / "exports.csv",
        [("RUS", "KOR", 2019, 90.0), ("RUS", "JPN", 2019, 7.0), ("RUS", "CHN", 2019, 3.0)],
    )
    reconciled = _write(tmp / "recon.csv", [("RUS", "KOR", 2021, 60.0), ("KOR", "RUS", 2021, 1.5)])
    for path, kw in (
        (imports, {"dataset": "imports", "flow": "M", "reported_by": "importer"}),
        (exports, {"dataset": "exports"}),
        (reconciled, {"dataset": "recon", "reported_by": "reconciled", "source": "recon"}),
    ):
        opts = {"source": "rep", "release": "1", **kw}
        store.ingest([path], reader=TidyReader(mapping, **opts))  # type: ignore[arg-type]
    assert store.serving_sql() is not None
    return store


@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        ("RUS", "KOR", {}),
        ("KOR", "RUS", {}),
        ("RUS", "KOR", {"basis": "importer"}),
        ("RUS", "KOR", {"basis": "exporter"}),
        ("RUS", "JPN", {}),
        ("JPN", "KOR", {"years": (2019,)}),
        ("RUS", "KOR", {"source": "recon"}),
        ("RUS", "KOR", {"source": "recon", "basis": "reconciled"}),
        ("RUS", "CHN", {"years": (2019, 2020)}),
    ],
)
def test_reporter_store_agrees(reporter_store: Store, a: str, b: str, kw: dict) -> None:
    assert check_same(reporter_store, a, b, **kw) is not None


def test_reporter_store_rules(reporter_store: Store) -> None:
    """Worked by hand. 2019: Russia's exports to Korea as Korea declared them (100, not
    Russia's own 90); Korea→Russia 0 by Russia's report (Russia is a reporter of the source
    that year and listed no such import). 2020: Korea's 80 alone; Russia reported nothing,
    so Korea→Russia is missing and turnover is not computed."""
    quick = direct_flows(reporter_store, "RUS", "KOR", source="rep")
    assert quick is not None
    by_year = {r["year"]: r for r in quick.rows}
    y19, y20 = by_year[2019], by_year[2020]
    assert (y19["exports"], y19["exports_as_exported"], y19["imports"]) == (100.0, 90.0, 0.0)
    assert (y19["exports_reported_by"], y19["imports_reported_by"]) == (
        "importer (B)",
        "importer (A)",
    )
    assert (y19["turnover"], y19["balance"], y19["complete"]) == (100.0, 100.0, True)
    assert y20["exports"] == 80.0 and y20["missing"] == "KOR→RUS" and not y20["complete"]
    assert "2019–2020" in str(quick.provenance)
    recon = direct_flows(reporter_store, "RUS", "KOR", source="recon")
    assert recon is not None and recon.basis == "reconciled"
    assert (recon.rows[0]["exports"], recon.rows[0]["imports"]) == (60.0, 1.5)

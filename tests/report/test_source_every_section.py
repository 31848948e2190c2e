"""``--source`` decides every report section's source, section by section, through its provenance.

The store is built from two small files this test writes, both covering all goods for the same
four economies and years: a BACI file (reconciled, HS 6-digit) and a legacy UN Comtrade bulk file
(declared by each reporter, HS chapters). With ``source="baci"`` every section the report shows
comes from BACI, with ``source="comtrade"`` from Comtrade; a section that source cannot give
(mirror statistics need both sides' reports, which BACI does not keep) is listed as missing,
never filled from the other source.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.report.profile import Target, profile
from bilat.store import Store
from bilat.store.coverage import HS_CHAPTERS

YEARS = (2015, 2016)
# ISO numeric (BACI's codes) and ISO3 of the fixture's economies
CODES = {"RUS": 643, "KOR": 410, "CHN": 156, "DEU": 276}
CHAPTERS = sorted(HS_CHAPTERS)

#: every section profile() builds (report/profile.py), the target included
SECTIONS = (
    "growth",
    "rank_b_in_a",
    "rank_a_in_b",
    "composition_exports",
    "composition_imports",
    "sectors",
    "grubel_lloyd",
    "hhi_products",
    "mirror",
    "complementarity",
    "rca_a",
    "rca_b",
    "intensity",
    "hhi_markets",
    "target",
)
#: sections a source of reconciled flows (BACI) cannot give: mirror gaps need both reports
NEEDS_BOTH_REPORTS = {"mirror"}


def _value(exporter: str, importer: str, chapter: str, year: int, scale: float) -> float:
    """A distinct positive value per flow, so that no two sources agree by chance (USD)."""
    i, j = list(CODES).index(exporter), list(CODES).index(importer)
    return scale * (1000.0 + 100 * i + 10 * j + int(chapter) + (year - 2015) * 7)


def _baci(folder: Path, year: int) -> Path:
    lines = ["t,i,j,k,v,q"]
    for x, xi in CODES.items():
        for m, mi in CODES.items():
            if x == m:
                continue
            for ch in CHAPTERS:
                # thousand USD in BACI's files: 1.0 → 1,000 USD
                v = _value(x, m, ch, year, 1.0)
                lines.append(f"{year},{xi},{mi},{ch}0101,{v:.3f},1.0")
    path = folder / f"BACI_HS92_Y{year}_V202301.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


COMTRADE_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,"
    "Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,"
    "Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Netweight (kg),Trade Value (US$),Flag"
)


def _comtrade(folder: Path) -> Path:
    lines = [COMTRADE_HEADER]
    for year in YEARS:
        for r, rc in CODES.items():
            for p, pc in CODES.items():
                if r == p:
                    continue
                for ch in CHAPTERS:
                    # exports as the exporter declares them; imports (CIF) a little higher
                    for code, flow, x, m, scale in (
                        (2, "Export", r, p, 2000.0),
                        (1, "Import", p, r, 2100.0),
                    ):
                        v = _value(x, m, ch, year, scale)
                        lines.append(
                            f"H4,{year},{year},{year},2,0,{code},{flow},{rc},{r},{r},{pc},{p},"
                            f"{p},{ch},chapter {ch},1,No Quantity,,,{v:.0f},0"
                        )
    path = folder / "comtrade_bulk_2015_2016.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def two_source_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("two-sources")
    store = Store(folder / "store")
    store.ingest([_baci(folder, y) for y in YEARS] + [_comtrade(folder)])
    held = set(store.datasets().source)
    assert held == {"baci", "comtrade"}
    return store


@pytest.fixture(scope="module")
def profiles(two_source_store: Store) -> dict:
    """The RUS–KOR profile under each source (and under the ledger's own choice)."""
    return {
        source: profile(
            two_source_store,
            "RUS",
            "KOR",
            years=YEARS,
            source=source,
            target=Target(1e9, 2020, 2015),
        )
        for source in ("baci", "comtrade", None)
    }


def test_every_section_is_tested():
    """SECTIONS lists what profile() builds (the verb registry's sections): a section added
    there must be added here."""
    from bilat.ledger import verbs

    assert {x.name for x in verbs.SECTIONS} == set(SECTIONS)


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("source", ["baci", "comtrade"])
def test_source_decides_the_section(profiles, source, section):
    p = profiles[source]
    assert p.flows.provenance.source == source
    if source == "baci" and section in NEEDS_BOTH_REPORTS:
        # not answered from Comtrade instead: missing, naming the source asked for
        assert section not in p.sections
        assert "'baci'" in p.missing[section]
        return
    assert section in p.sections, p.missing.get(section)
    assert p.sections[section].provenance.source == source


def test_without_a_source_the_ledger_chooses_per_section(profiles):
    """The default is not one of the two forced everywhere: mirror gaps come from Comtrade
    (the one source with both reports) whatever the choice for the flows."""
    p = profiles[None]
    assert p.sections["mirror"].provenance.source == "comtrade"


def test_the_two_sources_give_their_own_figures(profiles):
    """The flows under each source are that file's own numbers, worked out from the fixture."""
    rus_kor_2016 = sum(_value("RUS", "KOR", ch, 2016, 1.0) for ch in CHAPTERS) * 1000
    kor_rus_2016 = sum(_value("KOR", "RUS", ch, 2016, 1.0) for ch in CHAPTERS) * 1000
    baci = profiles["baci"].flows
    assert baci.value(2016, "exports") == pytest.approx(rus_kor_2016)
    assert baci.value(2016, "imports") == pytest.approx(kor_rus_2016)
    # Comtrade under the auto basis: the importer's report first, so RUS's exports to KOR as
    # KOR declares its imports (the fixture's 2100 scale), not RUS's own declaration (2000)
    comtrade = profiles["comtrade"].flows
    as_kor_declares = sum(_value("RUS", "KOR", ch, 2016, 2100.0) for ch in CHAPTERS)
    assert comtrade.value(2016, "exports") == pytest.approx(as_kor_declares)

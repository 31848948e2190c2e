"""Country codes: expected codes come from ISO 3166-1, BACI's country_codes.csv and the brief."""

from __future__ import annotations

import csv
import time

import pytest

from bilat.errors import BilatError, InputError, UnknownCodeError
from bilat.reference import countries as C
from bilat.settings import bundle_path

ALIASES = {
    # the examples
    "South Korea": "KOR",
    "Republic of Korea": "KOR",
    "Korea, Rep.": "KOR",
    "Rep. of Korea": "KOR",
    "ROK": "KOR",
    "Korean": "KOR",
    "Russian Federation": "RUS",
    "Russia": "RUS",
    "Russian": "RUS",
    "the US": "USA",
    "U.S.": "USA",
    "USA": "USA",
    "America": "USA",
    "American": "USA",
    "UK": "GBR",
    "Britain": "GBR",
    "British": "GBR",
    "China": "CHN",
    "Chinese": "CHN",
    "PRC": "CHN",
    "North Korea": "PRK",
    "DPRK": "PRK",
    "Korea, Dem. People's Rep.": "PRK",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Viet Nam": "VNM",
    "Vietnam": "VNM",
    # codes of every kind
    "KOR": "KOR",
    "kor": "KOR",
    "KR": "KOR",
    "410": "KOR",
    "643": "RUS",
    "040": "AUT",
    # case, space, accents, punctuation
    "  korea,   rep ": "KOR",
    "TURKIYE": "TUR",
    "Cote d'Ivoire": "CIV",
    "Côte d’Ivoire": "CIV",
    "Korea (Republic of)": "KOR",
    "Korea (Democratic People's Republic of)": "PRK",
    "Iran, Islamic Rep.": "IRN",
    "Congo, Dem. Rep.": "COD",
    "Hong Kong SAR, China": "HKG",
    # EAEU, ASEAN, other partners
    "Kazakhstan": "KAZ",
    "Kyrgyz Republic": "KGZ",
    "Belarusian": "BLR",
    "Armenian": "ARM",
    "Lao PDR": "LAO",
    "Burma": "MMR",
    "Filipino": "PHL",
    "Dutch": "NLD",
    "Czech Republic": "CZE",
    # old and agency codes (WITS / penppml)
    "ROM": "ROU",
    "ZAR": "COD",
    "TMP": "TLS",
    "KN1": "KNA",
    "MNT": "MNE",
    "PAL": "PSE",  # CEPII GeoDist
    "PKR": "PRK",  # DESTA's misspelling, GSTP rows only
}


@pytest.mark.parametrize(("text", "iso3"), list(ALIASES.items()))
def test_lookup_names_aliases_demonyms_and_codes(text: str, iso3: str) -> None:
    assert C.lookup(text) == iso3


def test_special_and_historical_codes() -> None:
    assert C.lookup("SUN") == "SUN"
    assert C.lookup("SVU") == "SUN"  # WITS' code for the USSR
    assert C.lookup("Former USSR") == "SUN"
    assert C.lookup("Serbia and Montenegro") == "SCG"
    assert C.lookup("YUG") == "YUG"
    assert C.lookup("Czechoslovakia") == "CSK"
    assert C.lookup("East Germany") == "DDR"
    assert C.lookup("Netherlands Antilles") == "ANT"
    assert C.lookup("S19") == "TWN"
    assert C.lookup("Other Asia, nes") == "TWN"
    assert C.lookup("Areas, nes") == "_X"
    assert C.lookup("World") == "WLD"
    assert C.lookup("Unspecified") == "UNS"


def test_is_country() -> None:
    for code in ["KOR", "RUS", "TWN", "SUN", "YUG", "SCG", "BLX", "HKG", "XKX"]:
        assert C.is_country(code), code
    # World, unspecified, n.e.s., bunkers, WDI aggregates, the EU as a reporter, unknown text
    for code in [
        "WLD",
        "UNS",
        "_X",
        "XOE",
        "XBU",
        "BUN",
        "EAS",
        "HIC",
        "OED",
        "EUU",
        "EUN",
        "ZZZ",
        "",
    ]:
        assert not C.is_country(code), code


def test_unknown_raises_with_suggestion() -> None:
    with pytest.raises(UnknownCodeError) as exc:
        C.lookup("Rusia")
    assert exc.value.kind == "country"
    assert exc.value.code == "Rusia"
    assert any("RUS" in s for s in exc.value.suggestions)
    assert "did you mean" in str(exc.value)
    # one family: callers may catch the built-in or bilat's base
    assert isinstance(exc.value, LookupError | ValueError | BilatError)


def test_ambiguous_short_forms_are_not_guessed() -> None:
    # "Virgin Islands" could be British or US; bilat refuses rather than picks one
    with pytest.raises(UnknownCodeError):
        C.lookup("Virgin Islands")


@pytest.mark.parametrize(
    ("n", "scheme", "code"),
    [
        (842, "baci", "USA"),
        (251, "baci", "FRA"),
        (699, "baci", "IND"),
        (757, "baci", "CHE"),
        (490, "baci", "TWN"),
        (810, "baci", "SUN"),
        (891, "baci", "SCG"),
        (842, "comtrade", "USA"),
        (0, "comtrade", "WLD"),
        (899, "comtrade", "_X"),
        (837, "comtrade", "XBU"),
        (410, "iso", "KOR"),
        (840, "iso", "USA"),
        (410, "baci", "KOR"),
    ],
)
def test_from_numeric(n: int, scheme: C.NumericScheme, code: str) -> None:
    assert C.from_numeric(n, scheme) == code


def test_from_numeric_errors() -> None:
    with pytest.raises(UnknownCodeError):
        C.from_numeric(842, "iso")  # 842 is BACI's own number, not ISO's
    with pytest.raises(UnknownCodeError):
        C.from_numeric("abc")
    with pytest.raises(InputError):
        C.from_numeric(410, "wits")  # type: ignore[arg-type]


def test_get_name_and_country_record() -> None:
    kor = C.get("Korea, Rep.")
    assert (kor.iso3, kor.iso2, kor.numeric, kor.kind) == ("KOR", "KR", 410, "country")
    assert kor.is_country
    assert str(kor) == "KOR (South Korea)"
    assert C.name("RUS") == "Russia"
    assert C.name("USA") == "United States"
    assert C.name("SUN") == "Former USSR"
    with pytest.raises(AttributeError):
        kor.iso3 = "RUS"  # type: ignore[misc]


def test_lookup_many_maps_distinct_values_and_marks_unknown() -> None:
    out = C.lookup_many(["KOR", "RUS", "KOR", "UNS", "???", None, float("nan"), 842])
    assert out == {"KOR": "KOR", "RUS": "RUS", "UNS": "UNS", "???": None, "842": "USA"}


def test_lookup_is_fast() -> None:
    C.lookup("KOR")  # build the index
    t0 = time.perf_counter()
    for _ in range(10_000):
        C.lookup("Korea, Rep.")
    assert time.perf_counter() - t0 < 1.0  # ~10 µs each; dict lookups after normalising


def test_tables_are_consistent() -> None:
    table = C.table()
    assert table.index.is_unique
    assert table.loc["KOR", "name"] == "South Korea"
    # no hand-written special or aggregate code shadows an ISO 3166-1 code
    specials = table[table["kind"] != "country"]
    assert not set(specials.index) & set(table[table["kind"] == "country"].index)


@pytest.mark.bundle
def test_every_baci_number_and_name_resolves() -> None:
    path = bundle_path() / "reference" / "baci" / "country_codes.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 238
    for row in rows:
        code = C.from_numeric(int(row["country_code"]), "baci")
        if row["iso_3digit_alpha"] not in ("N/A", "") and row["country_code"] != "58":
            assert code == row["iso_3digit_alpha"], row
        # BACI's own file has mojibake in two names (CÙte d'Ivoire, CuraÁao); skip those
        if "Ù" not in row["country_name_full"] and "Á" not in row["country_name_full"]:
            assert C.lookup(row["country_name_full"]) == code, row


@pytest.mark.bundle
def test_every_penppml_code_resolves_and_uns_is_not_a_partner() -> None:
    import pandas as pd

    trade = pd.read_csv(
        bundle_path() / "flows" / "penppml" / "trade.csv.gz", usecols=["exp", "imp"]
    )
    mapping = C.lookup_many(set(trade["exp"]) | set(trade["imp"]))
    assert None not in mapping.values()
    not_partners = {k for k, v in mapping.items() if not C.is_country(v)}
    assert not_partners == {"UNS", "BUN", "FRE", "SPE"}  # unspecified, bunkers, free zones, special


@pytest.mark.bundle
def test_wdi_aggregates_are_flagged() -> None:
    import pandas as pd

    gdp = pd.read_csv(bundle_path() / "macro" / "wdi_gdp" / "gdp.csv")
    codes = set(gdp["Country Code"])
    assert len(codes) == 262
    aggregates = {c for c in codes if not C.is_country(c)}
    assert {"WLD", "EAS", "ECS", "HIC", "OED", "EUU"} <= aggregates
    assert len(aggregates) == 48  # 47 groups + World, counted by hand in the WDI country list
    assert {"KOR", "RUS", "XKX", "CHI"} <= codes - aggregates

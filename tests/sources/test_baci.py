"""CEPII BACI reader: fixtures written here in BACI's own layout; expected values worked by hand.

BACI's ``v`` is thousands of USD (so 0.277 -> 277 USD), ``q`` tonnes, ``i``/``j`` BACI country
numbers (842 = USA, 643 = RUS, 410 = KOR, 697 = "Europe EFTA, n.e.s.", not a country), ``k`` HS6
codes that some releases write as numbers (10121 = "010121").
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources.baci import BaciReader, parse_name, prefetched
from bilat.sources.registry import detect

HEADER = "t,i,j,k,v,q\n"
ROWS_2016 = [
    "2016,643,410,270900,5123456.789,10234.5",  # RUS -> KOR crude oil, 5.123 bn USD
    "2016,410,643,870323,1234.5,",  # KOR -> RUS cars, quantity blank
    "2016,842,643,10121,0.277,0.067",  # USA -> RUS horses, product written as a number
    "2016,697,643,30311,7.125,          NA",  # EFTA n.e.s.: not a country; NA padded as BACI does
]
NAME_2016 = "BACI_HS92_Y2016_V202201.csv"


def write_csv(folder: Path, rows: list[str], name: str = NAME_2016, header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def read_all(path: Path, **kwargs) -> pa.Table:
    batches = list(BaciReader(**kwargs).batches(path))
    # text columns come dictionary-encoded by default: decode to the canonical schema
    return pa.Table.from_batches(batches).cast(FLOWS_SCHEMA)


def rows_by_product(table: pa.Table) -> dict[str, dict]:
    return {r["product"]: r for r in table.to_pylist()}


# ---------------------------------------------------------------- good files


def test_csv_round_trip_converts_thousands_and_codes(tmp_path: Path) -> None:
    table = read_all(write_csv(tmp_path, ROWS_2016))
    assert table.schema == FLOWS_SCHEMA
    rows = rows_by_product(table)
    assert set(rows) == {"270900", "870323", "010121", "030311"}

    oil = rows["270900"]
    assert (oil["exporter"], oil["importer"]) == ("RUS", "KOR")
    assert oil["value_usd"] == pytest.approx(5_123_456_789.0, abs=1e-6)
    assert oil["quantity"] == 10234.5
    assert oil["non_country"] is False

    cars = rows["870323"]
    assert (cars["exporter"], cars["importer"]) == ("KOR", "RUS")
    assert cars["value_usd"] == 1_234_500.0
    assert cars["quantity"] is None

    horses = rows["010121"]
    assert horses["exporter"] == "USA"  # BACI's 842, not ISO's 840
    assert horses["value_usd"] == 277.0  # 0.277 thousand USD, without binary noise
    assert horses["quantity"] == 0.067

    efta = rows["030311"]
    assert efta["non_country"] is True
    assert efta["quantity"] is None  # "          NA"
    assert efta["value_usd"] == 7125.0

    for r in rows.values():
        assert r["year"] == 2016
        assert (r["period"], r["hs_revision"], r["flow"]) == ("A", "HS92", "X")
        assert (r["reported_by"], r["quantity_unit"]) == ("reconciled", "t")
        assert (r["source"], r["release"]) == ("baci", "202201")


def test_gzipped_file_gives_the_same_rows(tmp_path: Path) -> None:
    plain = write_csv(tmp_path, ROWS_2016)
    gz = tmp_path / (NAME_2016 + ".gz")
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_all(gz).to_pylist() == read_all(plain).to_pylist()


def test_byte_order_mark_crlf_and_quoted_header(tmp_path: Path) -> None:
    plain = read_all(write_csv(tmp_path, ROWS_2016))
    other = tmp_path / "windows" / NAME_2016
    other.parent.mkdir()
    text = '"t","i","j","k","v","q"\r\n' + "\r\n".join(ROWS_2016) + "\r\n"
    other.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_all(other).to_pylist() == plain.to_pylist()


def test_many_small_batches_keep_every_row(tmp_path: Path) -> None:
    rows = [f"2016,643,410,{270900 + n % 10},{n}.5,1" for n in range(300)]
    path = write_csv(tmp_path, rows)
    batches = list(BaciReader(block_size=256).batches(path))
    assert len(batches) > 5
    values = [v for b in batches for v in b.column("value_usd").to_pylist()]
    assert values == [(n + 0.5) * 1000 for n in range(300)]


def test_dictionary_output_holds_the_same_values_as_plain(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ROWS_2016)
    plain = pa.Table.from_batches(list(BaciReader(dictionary=False).batches(path)))
    assert plain.schema == FLOWS_SCHEMA
    encoded = pa.Table.from_batches(list(BaciReader().batches(path)))
    for name in ("exporter", "importer", "product", "period", "source", "release"):
        assert pa.types.is_dictionary(encoded.schema.field(name).type)
    assert encoded.cast(FLOWS_SCHEMA).to_pylist() == plain.to_pylist()


def test_release_zip_reads_every_year_with_its_own_country_codes(tmp_path: Path) -> None:
    zpath = tmp_path / "BACI_HS92_V202201.zip"
    # BACI's file: a UTF-8 byte-order mark, then names that may be in Latin-1
    countries = (
        "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
        "iso_3digit_alpha\n"
        "58,Belgium-Luxembourg,Belgium-Luxembourg,BE,BEL\n"
        "384,C\xf4te d'Ivoire,C\xf4te d'Ivoire,CI,CIV\n"
        "410,Rep. of Korea,Republic of Korea,KR,KOR\n"
        '490,"Other Asia, nes","Other Asia, not elsewhere specified",N/A,N/A\n'
        "643,Russian Federation,Russian Federation,RU,RUS\n"
    )
    products = 'code,description\n270900,"Petroleum oils, crude"\n080300,Bananas\n'
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("BACI_HS92_Y2015_V202201.csv", HEADER + "2015,58,643,270900,1.5,2\n")
        zf.writestr(
            "BACI_HS92_Y2016_V202201.csv",
            HEADER + "2016,384,410,80300,2,3\n2016,490,643,270900,4,\n",
        )
        zf.writestr("country_codes_V202201.csv", b"\xef\xbb\xbf" + countries.encode("latin-1"))
        zf.writestr("product_codes_HS92_V202201.csv", products)
        zf.writestr("Readme.txt", "BACI")

    reader = BaciReader()
    assert reader.sniff(zpath, b"")
    info = reader.info(zpath)
    assert (info.source, info.dataset, info.release, info.format) == (
        "baci",
        "HS92",
        "202201",
        "baci",
    )
    table = read_all(zpath)
    got = sorted(
        (r["year"], r["exporter"], r["importer"], r["product"], r["value_usd"])
        for r in table.to_pylist()
    )
    from bilat.reference.countries import from_numeric

    other_asia = from_numeric(490, scheme="baci")  # N/A in the zip's file: bilat's own mapping
    assert got == sorted(
        [
            (2015, "BEL", "RUS", "270900", 1500.0),  # the zip's file says 58 = BEL
            (2016, "CIV", "KOR", "080300", 2000.0),
            (2016, other_asia, "RUS", "270900", 4000.0),
        ]
    )
    assert other_asia not in ("N/A", "")


def test_store_ingests_a_baci_file(tmp_path: Path) -> None:
    from bilat.store import Store

    path = write_csv(tmp_path, ROWS_2016)
    assert detect(path).format == "baci"
    store = Store(tmp_path / "store")
    (result,) = store.ingest([path])
    assert (result.rows, result.years, result.release) == (4, (2016,), "202201")
    flows = store.table("flows")
    rus_kor = flows.filter((flows.exporter == "RUS") & (flows.importer == "KOR"))
    assert rus_kor.value_usd.sum().execute() == pytest.approx(5_123_456_789.0)


def test_store_ingests_a_release_zip_year_by_year(tmp_path: Path) -> None:
    from bilat.store import Store

    zpath = tmp_path / "BACI_HS92_V202201.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("BACI_HS92_Y2015_V202201.csv", HEADER + "2015,643,410,270900,1.5,2\n")
        zf.writestr("BACI_HS92_Y2016_V202201.csv", HEADER + "\n".join(ROWS_2016) + "\n")
    assert detect(zpath).format == "baci"
    store = Store(tmp_path / "store")
    (result,) = store.ingest([zpath])
    assert (result.rows, result.years) == (5, (2015, 2016))
    flows = store.table("flows")
    by_year = flows.group_by("year").aggregate(v=flows.value_usd.sum()).execute()
    got = dict(zip(by_year["year"], by_year["v"], strict=True))
    assert got == pytest.approx(
        {2015: 1500.0, 2016: 5_123_456_789.0 + 1_234_500.0 + 277.0 + 7125.0}
    )


def test_file_names() -> None:
    assert parse_name("BACI_HS17_Y2019_V202301b.csv.gz") == ("HS17", 2019, "202301b")
    assert parse_name("BACI_HS92_V202201.zip") == ("HS92", None, "202201")
    assert parse_name("trade.csv") is None
    reader = BaciReader()
    assert reader.sniff(Path("x.csv"), b"\xef\xbb\xbft,i,j,k,v,q\r\n2016,4,8,10121,1,1")
    assert not reader.sniff(Path("x.csv"), b"t,i,i_iso3c,i_name,k,v,q\n")
    with pytest.raises(DataFormatError, match="HS revision and release"):
        reader.info(Path("renamed.csv"))


def test_prefetch_passes_errors_and_stops_early() -> None:
    def items():
        yield 1
        yield 2
        raise DataFormatError("f.csv", "broken", line=3)

    got = []
    with pytest.raises(DataFormatError, match="line 3"):
        for x in prefetched(items(), 1):
            got.append(x)
    assert got == [1, 2]

    closed = []

    def endless():
        try:
            n = 0
            while True:
                n += 1
                yield n
        finally:
            closed.append(True)

    gen = prefetched(endless(), 2)
    assert [next(gen), next(gen)] == [1, 2]
    gen.close()
    assert closed == [True]


# ---------------------------------------------------------------- bad input


def fails(path: Path, *, line: int | None, column: str | None, text: str, **kwargs) -> str:
    with pytest.raises(DataFormatError) as info:
        read_all(path, **kwargs)
    err = info.value
    assert path.name in str(err)
    assert (err.line, err.column) == (line, column), str(err)
    assert text in str(err), str(err)
    return str(err)


def test_missing_column_names_it_and_lists_what_was_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ["2016,643,410,270900,5,1"], header="t,i,j,k,value,q\n")
    msg = fails(path, line=1, column="v", text="missing column 'v'")
    assert "'value'" in msg


def test_renamed_column_suggests_the_original(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ["2016,643,410,270900,5,1"], header="year,i,j,k,v,q\n")
    fails(path, line=1, column="t", text="missing column 't'")


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ("2016,643,410,270900,1.2.3,1", "v", "'1.2.3' is not a number"),
        ("2016,643,410,270900,5,lots", "q", "'lots' is not a number"),
        ("2016,RUS,410,270900,5,1", "i", "'RUS' is not a number"),
        ("2016,643,410,27090A,5,1", "k", "malformed product code '27090A'"),
        ("2016,643,99999,270900,5,1", "j", "unknown BACI country code 99999"),
    ],
)
def test_unparseable_value_names_line_and_column(
    tmp_path: Path, row: str, column: str, text: str
) -> None:
    path = write_csv(tmp_path, [*ROWS_2016, row, *ROWS_2016])
    fails(path, line=6, column=column, text=text)


def test_negative_value_and_quantity(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*ROWS_2016, "2016,643,410,270900,-5,1"])
    fails(path, line=6, column="v", text="negative value -5")
    path = write_csv(tmp_path, ["2016,643,410,270900,5,-0.5", *ROWS_2016])
    fails(path, line=2, column="q", text="negative value -0.5")


def test_errors_in_later_batches_give_the_file_line(tmp_path: Path) -> None:
    rows = ["2016,643,410,270900,5,1"] * 400
    rows[350] = "2016,643,410,270900,-7,1"
    path = write_csv(tmp_path, rows)
    fails(path, line=352, column="v", text="negative value -7", block_size=256)


def test_missing_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*ROWS_2016, "2016,643,410,270900,,1"])
    fails(path, line=6, column="v", text="missing")
    path = write_csv(tmp_path, [*ROWS_2016, "2016,643,410,270900,nan,1"])
    fails(path, line=6, column="v", text="missing (NaN)")


def test_year_must_match_the_file_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*ROWS_2016, "2015,643,410,270900,5,1"])
    fails(path, line=6, column="t", text="year 2015 in a file of year 2016")


def test_unknown_country_codes_are_all_listed_with_suggestions(tmp_path: Path) -> None:
    rows = [
        *ROWS_2016,
        "2016,843,410,270900,5,1",
        "2016,643,410,270900,5,1",
        "2016,643,998,10121,1,1",
    ]
    rows += ["2016,843,643,10121,1,1"] * 3  # the same unknown code again: listed once
    path = write_csv(tmp_path, rows)
    msg = fails(path, line=6, column="i", text="2 unknown BACI country code(s)")
    assert "843 (column 'i', line 6; did you mean 842 (USA)" in msg
    assert "998 (column 'j', line 8" in msg


def test_unknown_codes_are_collected_across_batches(tmp_path: Path) -> None:
    rows = ["2016,643,410,270900,5,1"] * 300
    rows[10] = "2016,1,410,270900,5,1"
    rows[290] = "2016,643,2,270900,5,1"
    msg = fails(write_csv(tmp_path, rows), line=12, column="i", text="2 unknown", block_size=256)
    assert "2 (column 'j', line 292" in msg


def test_malformed_product_code(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*ROWS_2016, "2016,643,410,123,5,1"])
    fails(path, line=6, column="k", text="malformed product code 123")
    path = write_csv(tmp_path, ["2016,643,410,1234567,5,1"])
    fails(path, line=2, column="k", text="malformed product code 1234567")


def test_product_not_in_the_release_list(tmp_path: Path) -> None:
    zpath = tmp_path / "BACI_HS92_V202201.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr(
            "BACI_HS92_Y2016_V202201.csv",
            HEADER + "2016,643,410,270900,1,1\n2016,643,410,270901,1,1\n",
        )
        zf.writestr("product_codes_HS92_V202201.csv", "code,description\n270900,Crude\n")
    msg = fails(
        zpath, line=3, column="k", text="1 product code(s) not in the release's product list"
    )
    assert "270901 (line 3; did you mean 270900?)" in msg
    assert "BACI_HS92_Y2016_V202201.csv" in msg


def test_truncated_gzip(tmp_path: Path) -> None:
    rows = [f"2016,643,410,{270900 + n % 7},{n}.25,{n}" for n in range(20000)]
    data = gzip.compress(write_csv(tmp_path, rows).read_bytes())
    path = tmp_path / (NAME_2016 + ".gz")
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="truncated") as info:
        read_all(path)
    assert path.name in str(info.value)


def test_truncated_zip(tmp_path: Path) -> None:
    zpath = tmp_path / "BACI_HS92_V202201.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BACI_HS92_Y2016_V202201.csv", HEADER + "2016,643,410,270900,1,1\n" * 5000)
    data = zpath.read_bytes()
    zpath.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="damaged or truncated zip"):
        read_all(zpath)


def test_truncated_plain_csv_cut_mid_line(tmp_path: Path) -> None:
    path = tmp_path / NAME_2016
    path.write_text(HEADER + "\n".join(ROWS_2016) + "\n2016,643,410")
    fails(path, line=6, column=None, text="wrong number of fields")


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / NAME_2016
    path.write_bytes((HEADER + ROWS_2016[0] + "\n").encode("utf-16"))
    fails(path, line=1, column=None, text="wrong encoding")
    path.write_bytes((HEADER + "2016,643,410,270900,5\xe9,1\n").encode("latin-1"))
    fails(path, line=2, column="v", text="is not a number: wrong encoding?")


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    path = tmp_path / NAME_2016
    path.write_bytes(b"")
    fails(path, line=None, column=None, text="empty")
    path.write_text(HEADER)
    fails(path, line=2, column=None, text="no data rows")


def test_file_of_another_format(tmp_path: Path) -> None:
    comtrade = "Classification,Year,Period,Trade Flow,Reporter ISO,Partner ISO\n"
    comtrade += "H4,2016,2016,Export,RUS,KOR\n"
    path = write_csv(tmp_path, [], header=comtrade)
    msg = fails(path, line=1, column="t", text="missing column 't'")
    assert "'Reporter ISO'" in msg
    png = tmp_path / "BACI_HS92_Y2016_V202201.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    fails(png, line=1, column=None, text="wrong encoding")


def test_nothing_is_written_when_validation_fails(tmp_path: Path) -> None:
    from bilat.store import Store

    store = Store(tmp_path / "store")
    store.ingest([write_csv(tmp_path, ROWS_2016)])
    before = store.table("flows").count().execute()
    (tmp_path / "bad").mkdir()
    bad = write_csv(tmp_path / "bad", [*ROWS_2016, "2016,643,410,270900,-1,1"])
    with pytest.raises(DataFormatError):
        store.ingest([bad])
    assert Store(tmp_path / "store").table("flows").count().execute() == before


# ---------------------------------------------------------------- a plain file parsed in ranges

SPLIT = {"split_bytes": 0, "parsers": 2, "block_size": 256}  # every plain file cut in two


def test_file_parsed_in_two_ranges_gives_the_same_rows(tmp_path: Path) -> None:
    codes = [643, 410, 842, 156, 276]
    rows = [
        f"2016,{codes[n % 5]},{codes[(n + 1) % 5]},{270900 + n % 7},{n + 0.5},{'' if n % 3 else n}"
        for n in range(3000)
    ]
    path = write_csv(tmp_path, rows)
    whole, split = read_all(path, block_size=256), read_all(path, **SPLIT)
    keys = [(c, "ascending") for c in ("exporter", "importer", "product", "value_usd")]
    assert split.num_rows == 3000
    assert split.sort_by(keys).equals(whole.sort_by(keys))
    # independently of the reader: the sum of v in the file, thousands of USD to USD
    assert pa.compute.sum(split["value_usd"]).as_py() == pytest.approx(
        sum(n + 0.5 for n in range(3000)) * 1000
    )


def test_ranges_keep_the_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / NAME_2016
    body = "\r\n".join(ROWS_2016 * 50) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER.replace("\n", "\r\n") + body).encode())
    assert read_all(path, **SPLIT).num_rows == 200


def test_errors_in_the_second_range_give_the_file_line(tmp_path: Path) -> None:
    rows = ["2016,643,410,270900,5,1"] * 400
    rows[350] = "2016,643,410,270900,-7,1"
    fails(write_csv(tmp_path, rows), line=352, column="v", text="negative value -7", **SPLIT)


def test_unknown_codes_are_collected_across_ranges(tmp_path: Path) -> None:
    rows = ["2016,643,410,270900,5,1"] * 300
    rows[10] = "2016,1,410,270900,5,1"
    rows[290] = "2016,643,2,270900,5,1"
    rows[295] = "2016,1,410,270900,5,1"  # again in the second range: the first line is kept
    msg = fails(write_csv(tmp_path, rows), line=12, column="i", text="2 unknown", **SPLIT)
    assert "2 (column 'j', line 292" in msg and "1 (column 'i', line 12" in msg


def test_truncated_file_parsed_in_ranges(tmp_path: Path) -> None:
    path = tmp_path / NAME_2016
    path.write_text(HEADER + "\n".join(ROWS_2016 * 40) + "\n2016,643,410")
    fails(path, line=162, column=None, text="wrong number of fields", **SPLIT)

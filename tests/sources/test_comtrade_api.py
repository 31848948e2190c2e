"""Comtrade API layout: hand-written JSON (annual) and CSV (monthly) responses, and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import registry
from bilat.sources._io import head_bytes
from bilat.sources.comtrade_api import ComtradeApiReader

KOR, RUS = (410, "KOR"), (643, "RUS")


def record(
    flow: str = "M",
    reporter: tuple[int, str | None] = KOR,
    partner: tuple[int, str | None] = RUS,
    value: Any = 1000.0,
    *,
    freq: str = "A",
    period: str = "2015",
    cmd: str = "27",
    cls: str = "H4",
    partner2: int = 0,
    mot: int = 0,
    customs: str = "C00",
    qty: float | None = None,
    unit: tuple[int, str] = (-1, "N/A"),
    weight: float | None = None,
) -> dict[str, Any]:
    """One record with the API's field names (comtradeapi.un.org v1, includeDesc=true)."""
    month = int(period[4:]) if freq == "M" else 52
    period_id = int(period + ("0101" if freq == "A" else "01"))
    second = "W00" if partner2 == 0 else "RUS"
    return {
        "typeCode": "C", "freqCode": freq, "refPeriodId": period_id,
        "refYear": int(period[:4]), "refMonth": month, "period": period,
        "reporterCode": reporter[0], "reporterISO": reporter[1], "reporterDesc": "Reporter",
        "flowCode": flow, "flowDesc": flow, "partnerCode": partner[0], "partnerISO": partner[1],
        "partnerDesc": "Partner", "partner2Code": partner2, "partner2ISO": second,
        "partner2Desc": "World", "classificationCode": cls, "classificationSearchCode": "HS",
        "isOriginalClassification": True, "cmdCode": cmd, "cmdDesc": "Mineral fuels",
        "aggrLevel": len(cmd) if cmd != "TOTAL" else 0, "isLeaf": False, "customsCode": customs,
        "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": mot, "motDesc": "TOTAL MOT",
        "qtyUnitCode": unit[0], "qtyUnitAbbr": unit[1], "qty": qty, "isQtyEstimated": False,
        "altQtyUnitCode": -1, "altQtyUnitAbbr": "N/A", "altQty": None, "isAltQtyEstimated": False,
        "netWgt": weight, "isNetWgtEstimated": False, "grossWgt": None,
        "isGrossWgtEstimated": False,
        "cifvalue": value if flow == "M" else None, "fobvalue": value if flow == "X" else None,
        "primaryValue": value, "legacyEstimationFlag": 0, "isReported": True, "isAggregate": True,
    }  # fmt: skip


def write_json(
    tmp_path: Path, records: list[dict[str, Any]], name: str = "api.json", **extra: Any
) -> Path:
    body = {"elapsedTime": "0.42 secs", "count": len(records), "data": records, "error": ""}
    body.update(extra)
    path = tmp_path / name
    path.write_text(json.dumps(body, indent=2), encoding="utf-8")
    return path


def write_csv(tmp_path: Path, records: list[dict[str, Any]], name: str = "api.csv") -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(records[0]))
        out.writeheader()
        for r in records:
            out.writerow({k: "" if v is None else v for k, v in r.items()})
    return path


def read(path: Path) -> pa.Table:
    return pa.Table.from_batches(list(ComtradeApiReader().batches(path)), schema=FLOWS_SCHEMA)


# The annual query: Korea's 2015 trade in chapter 27 with Russia and the world, with breakdowns.
ANNUAL = [
    record("M", value=8_721_913_976.0, weight=3.2e10),  # the total
    record("M", value=5_000_000_000.0, mot=2100),  # by sea: part of the total
    record("M", value=3_721_913_976.0, mot=9000),  # other modes
    record("M", value=8_000_000_000.0, customs="C01"),  # one customs procedure
    record("M", value=8_721_913_976.0, partner2=643),  # by second partner
    record("MIP", value=100.0),  # inward processing: part of M
    record("X", partner=(0, "W00"), value=12_345.0, qty=7.0, unit=(8, "kg")),
    record("RX", partner=(899, "_X"), value=55.5),
    record("X", partner=(490, "S19"), value=10.0),
    record("M", partner=(643, None), value=1.0, cmd="TOTAL"),
]


@pytest.fixture
def annual(tmp_path: Path) -> pa.Table:
    return read(write_json(tmp_path, ANNUAL))


def test_annual_json_keeps_totals_only(annual: pa.Table) -> None:
    df = annual.to_pandas()
    assert df[
        ["exporter", "importer", "flow", "reported_by", "product", "value_usd"]
    ].values.tolist() == [
        ["RUS", "KOR", "M", "importer", "27", 8_721_913_976.0],
        ["KOR", "WLD", "X", "exporter", "27", 12_345.0],
        ["KOR", "_X", "RX", "exporter", "27", 55.5],
        ["KOR", "TWN", "X", "exporter", "27", 10.0],
        ["RUS", "KOR", "M", "importer", "TOTAL", 1.0],
    ]
    assert set(df.period) == {"A"} and set(df.year) == {2015} and set(df.hs_revision) == {"HS12"}
    assert df.non_country.tolist() == [False, True, True, False, False]
    assert set(df.source) == {"comtrade"} and set(df.release) == {"api"}


def test_quantities_prefer_qty_then_net_weight(annual: pa.Table) -> None:
    df = annual.to_pandas()
    assert df.quantity.tolist()[:2] == [3.2e10, 7.0]
    assert df.quantity_unit.tolist()[:2] == ["kg", "kg"]
    assert df.quantity.isna().tolist()[2:] == [True, True, True]


def test_monthly_csv(tmp_path: Path) -> None:
    rows = [
        record("X", RUS, KOR, 250_000_000.0, freq="M", period="201503", cmd="270900", cls="H4"),
        record("X", RUS, KOR, 1.0, freq="M", period="201503", cmd="270900", mot=1000),
        record("M", RUS, KOR, 99_000_000.5, freq="M", period="201512", cmd="2711", cls="H4"),
    ]
    path = write_csv(tmp_path, rows)
    assert ComtradeApiReader().sniff(path, head_bytes(path))
    df = read(path).to_pandas()
    assert df[
        ["year", "period", "exporter", "importer", "flow", "product", "value_usd"]
    ].values.tolist() == [
        [2015, "M03", "RUS", "KOR", "X", "270900", 250_000_000.0],
        [2015, "M12", "KOR", "RUS", "M", "2711", 99_000_000.5],
    ]


def test_json_and_csv_of_the_same_data_agree(tmp_path: Path) -> None:
    from_json = read(write_json(tmp_path, ANNUAL))
    from_csv = read(write_csv(tmp_path, ANNUAL))
    assert from_json.equals(from_csv)


def test_detected_and_named_after_the_query(tmp_path: Path) -> None:
    path = write_json(tmp_path, ANNUAL)
    reader = registry.detect(path)
    assert reader.format == "comtrade-api"
    info = reader.info(path)
    assert (info.table, info.source, info.release) == ("flows", "comtrade", "api")
    assert info.dataset.startswith("api-a-KOR-")
    # the same query downloaded again (records in another order) is the same slice ...
    again = write_json(tmp_path, list(reversed(ANNUAL)), name="again.json")
    assert reader.info(again).dataset == info.dataset
    # ... another query is another slice
    other = write_json(tmp_path, [record("M", partner=(156, "CHN"))], name="chn.json")
    assert reader.info(other).dataset != info.dataset


# ---------------------------------------------------------------- bad input


def test_api_error_message(tmp_path: Path) -> None:
    path = write_json(tmp_path, [], error="Invalid subscription key")
    with pytest.raises(DataFormatError, match="Invalid subscription key"):
        read(path)


def test_empty_data(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="empty"):
        read(write_json(tmp_path, []))


def test_truncated_json(tmp_path: Path) -> None:
    path = write_json(tmp_path, ANNUAL)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert "truncated" in str(err.value) and err.value.line is not None


def test_missing_field(tmp_path: Path) -> None:
    records = [{k: v for k, v in record().items() if k != "primaryValue"}]
    with pytest.raises(DataFormatError) as err:
        read(write_json(tmp_path, records))
    assert err.value.column == "primaryValue" and "found:" in str(err.value)


def test_non_numeric_value_in_json_names_the_line(tmp_path: Path) -> None:
    path = write_json(tmp_path, [record(), record(value="n/a")])
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert err.value.column == "primaryValue" and "'n/a'" in str(err.value)
    # json.dumps(indent=2): "{" of data[1] is on the line after data[0]'s last field
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[err.value.line - 1].strip() == "{"
    assert sum(1 for ln in lines[: err.value.line] if ln.strip() == "{") == 3


def test_negative_value_in_csv_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [record(), record(), record(value=-3.0)])
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert (err.value.line, err.value.column) == (4, "primaryValue")


def test_unknown_partner_code(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [record(), record(partner=(999, "RUX"))])
    with pytest.raises(UnknownCodeError) as err:
        read(path)
    assert "'RUX'" in str(err.value) and "line 3" in str(err.value)


def test_unknown_flow_code(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="unknown flowCode 'T'"):
        read(write_csv(tmp_path, [record("T")]))


def test_period_disagreeing_with_frequency(tmp_path: Path) -> None:
    bad = record(freq="M", period="201503")
    bad["period"] = "2015"
    with pytest.raises(DataFormatError) as err:
        read(write_csv(tmp_path, [bad]))
    assert (err.value.line, err.value.column) == (2, "period")


def test_services_and_sitc_are_rejected(tmp_path: Path) -> None:
    services = record()
    services["typeCode"] = "S"
    with pytest.raises(DataFormatError, match="services"):
        read(write_json(tmp_path, [services], name="s.json"))
    with pytest.raises(DataFormatError, match="not the Harmonized System"):
        read(write_json(tmp_path, [record(cls="S4")], name="sitc.json"))


def test_wrong_encoding(tmp_path: Path) -> None:
    path = write_json(tmp_path, [record()])
    path.write_bytes(path.read_bytes().replace(b'"Reporter"', '"Корея"'.encode("cp1251")))
    with pytest.raises(DataFormatError, match="UTF-8"):
        read(path)

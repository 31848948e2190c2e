"""What UN Comtrade's two layouts share: classifications, flow codes, area codes, products.

Area codes: an ISO3 code bilat knows is kept as published (historical ones such as SUN or ANT
included); ``W00`` (the API's World) becomes ``WLD``. Where the ISO code is blank (legacy layout,
special areas) or is one of Comtrade's own codes (API layout, e.g. ``S19``, ``_X``), the Comtrade
numeric code decides, through ``bilat.reference.countries.from_numeric(n, scheme="comtrade")``:
e.g. 899 "Areas, nes" -> ``_X`` and 837 "Bunkers" -> ``XBU`` (not countries), 490 "Other Asia,
nes" -> ``TWN``. Whether a code is a country is the reference's ``is_country``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.reference import countries
from bilat.schema import FLOWS_SCHEMA, TOTAL

#: Comtrade classification codes -> HS revision names (H0 = HS1992 ... H6 = HS2022).
HS_REVISION = {
    "H0": "HS92",
    "H1": "HS96",
    "H2": "HS02",
    "H3": "HS07",
    "H4": "HS12",
    "H5": "HS17",
    "H6": "HS22",
}
#: Not HS: the flows table holds HS products only, so these are rejected with a clear message.
NOT_HS = {"S1", "S2", "S3", "S4", "ST", "BEC", "BE", "B4", "B5", "EB", "EB02", "EB10", "EB10S"}

#: Comtrade publishes rows whose partner is the reporter (re-imports of its own goods, trade
#: through its free zones; 37 in the bundle's 2015 chapter 27 file, some exports): kept as
#: published (``Reader.domestic_flows``)
DOMESTIC_FLOWS = True
#: What to do about a missing column of a publisher's file
PUBLISHER_HEADER = "Restore the publisher's original header"

WORLD = "WLD"
#: What the API writes for World instead of an ISO code.
_WORLD_CODES = {"WLD", "W00"}

#: Comtrade quantity-unit codes (legacy layout) -> the API's abbreviations.
QTY_UNITS = {
    2: "m²",
    3: "1000 kWh",
    4: "m",
    5: "u",
    6: "2u",
    7: "l",
    8: "kg",
    9: "1000u",
    10: "u (jeu/pack)",
    11: "12u",
    12: "m³",
    13: "carat",
}


@functools.lru_cache(maxsize=4096)
def area(iso: str, number: int | None) -> tuple[str, bool] | None:
    """``(code, non_country)`` for a Comtrade ISO code and numeric code; None if unknown."""
    iso = iso.strip().upper()
    if iso in _WORLD_CODES:
        return WORLD, True
    if iso in countries.all_codes():
        if number is not None and not _known_number(number):
            return None  # an area code Comtrade does not have: a damaged or edited row
        return iso, not countries.is_country(iso)
    # blank, or one of the API's own codes ("S19", "_X"): the numeric code decides
    if number is not None:
        try:
            code = countries.from_numeric(number, scheme="comtrade")
        except UnknownCodeError:
            pass
        else:
            return code, not countries.is_country(code)
    if iso:
        try:
            code = countries.lookup(iso)  # renamed codes, e.g. ROM -> ROU
        except UnknownCodeError:
            return None
        return code, not countries.is_country(code)
    return None


@functools.lru_cache(maxsize=4096)
def _known_number(number: int) -> bool:
    """True for a Comtrade area number bilat knows (0 is World)."""
    if number == 0:
        return True
    try:
        countries.from_numeric(number, scheme="comtrade")
    except UnknownCodeError:
        return False
    return True


def _suggestions(iso: str) -> list[str]:
    try:
        countries.lookup(iso)
    except UnknownCodeError as exc:
        return exc.suggestions
    return []


def resolve_areas(
    iso: pa.Array,
    number: pa.Array,
    *,
    path: Path,
    column: str,
    locate: Callable[[int], int | None],
) -> tuple[pa.Array, pa.Array]:
    """Codes and non-country flags for ISO and numeric code arrays (one lookup per distinct pair).

    ``locate(i)`` gives the file line of row ``i`` for the error message.
    """
    iso_s = pc.fill_null(pc.cast(iso, pa.string()), "")
    num_s = pc.fill_null(pc.cast(number, pa.string()), "")
    keys = pc.binary_join_element_wise(iso_s, num_s, "|")
    enc = pc.dictionary_encode(keys)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    codes, flags = [], []
    for pos, key in enumerate(enc.dictionary.to_pylist()):
        code_text, _, num_text = key.partition("|")
        number_value = int(float(num_text)) if num_text else None
        hit = area(code_text, number_value)
        if hit is None:
            row = pc.index(enc.indices, pos).as_py()
            shown = code_text or num_text or "(blank)"
            known_iso = code_text.strip().upper() in countries.all_codes()
            if known_iso and num_text and not _known_number(number_value or 0):
                shown = f"{num_text} (with ISO code {code_text}: no Comtrade area has this number)"
            suggestions = _suggestions(code_text) if code_text else []
            line = locate(row)
            where = (
                f"{path}, line {line}, column {column!r}" if line else f"{path}, column {column!r}"
            )
            raise UnknownCodeError("country code", shown, suggestions, where=where)
        codes.append(hit[0])
        flags.append(hit[1])
    out_codes = pc.take(pa.array(codes, pa.string()), enc.indices)
    out_flags = pc.take(pa.array(flags, pa.bool_()), enc.indices)
    return out_codes, out_flags


def map_codes(
    values: pa.Array,
    mapping: dict[str, str | None],
    *,
    path: Path,
    column: str,
    locate: Callable[[int], int | None],
    problem: Callable[[str], tuple[str, str]],
) -> pa.Array:
    """Map each distinct string through ``mapping``; ``problem(value)`` words any error."""
    enc = pc.dictionary_encode(pc.fill_null(values, ""))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    out = []
    for pos, value in enumerate(enc.dictionary.to_pylist()):
        if value not in mapping:
            text, fix = problem(value)
            row = pc.index(enc.indices, pos).as_py()
            raise DataFormatError(path, text, line=locate(row), column=column, fix=fix)
        out.append(mapping[value])
    return pc.take(pa.array(out, pa.string()), enc.indices)


def hs_revisions(
    classification: pa.Array, *, path: Path, column: str, locate: Callable[[int], int | None]
) -> pa.Array:
    """HS revision names (HS92..HS22) for Comtrade classification codes; rejects SITC and BEC."""
    mapping: dict[str, str | None] = dict(HS_REVISION)
    mapping["HS"] = None  # "HS as reported": the revision varies by reporter and is not stated

    def problem(value: str) -> tuple[str, str]:
        if value.upper() in NOT_HS:
            return (
                f"classification {value!r} is not the Harmonized System (SITC or BEC)",
                "Download the data in HS (H0..H6); bilat's flows table holds HS products",
            )
        return (f"unknown classification {value!r}", "Expected one of H0..H6")

    return map_codes(
        classification, mapping, path=path, column=column, locate=locate, problem=problem
    )


def by_distinct(values: pa.Array, fn: Callable[[str], object], typ: pa.DataType) -> pa.Array:
    """``fn`` applied once per distinct string of ``values`` (nulls as ""), spread to every row.

    Codes repeat millions of times but take few distinct values, so checking each distinct value
    in Python is much cheaper than a vectorised regex over every row.
    """
    enc = pc.dictionary_encode(pc.fill_null(pc.cast(values, pa.string()), ""))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    out = [fn(v) for v in enc.dictionary.to_pylist()]
    return pc.take(pa.array(out, typ), enc.indices)


def hs_code(code: str) -> str | None:
    """``"0101"`` from ``" 101 "`` (a lost leading zero restored), ``TOTAL``; None if not HS."""
    code = code.strip()
    if code.upper() in ("TOTAL", "ALL", "AG0"):
        return TOTAL
    if len(code) % 2:
        # a spreadsheet turns "0101" into "101"; HS codes have an even number of digits
        code = "0" + code
    return code if code.isdigit() and len(code) in (2, 4, 6) else None


def products(
    codes: pa.Array, *, path: Path, column: str, locate: Callable[[int], int | None]
) -> pa.Array:
    """Zero-padded HS codes (2, 4 or 6 digits) or ``TOTAL``; odd lengths regain their lost zero."""
    out = by_distinct(codes, hs_code, pa.string())
    bad = pc.index(pc.is_null(out), True).as_py()
    if bad >= 0:
        shown = codes[bad].as_py()
        raise UnknownCodeError(
            "HS product code",
            str(shown) if shown not in (None, "") else "(blank)",
            where=f"{path}, line {locate(bad)}, column {column!r}",
        )
    return out


def reported_flows(
    *,
    exports: pa.Array,
    reporter: pa.Array,
    partner: pa.Array,
    non_country: pa.Array,
    source: str,
    release: str,
    **columns: pa.Array,
) -> pa.RecordBatch:
    """Flows as a reporter declares them, in FLOWS_SCHEMA: the reporter is the exporter where
    ``exports`` holds (``reported_by="exporter"``), else the importer. ``columns`` are the
    schema's other columns (year, period, product, hs_revision, value_usd, quantity,
    quantity_unit, flow)."""
    from bilat.sources._csv_stream import constant

    n = len(exports)
    arrays = {
        **columns,
        "exporter": pc.if_else(exports, reporter, partner),
        "importer": pc.if_else(exports, partner, reporter),
        "reported_by": pc.if_else(exports, "exporter", "importer"),
        "non_country": non_country,
        "source": constant(source, n),
        "release": constant(release, n),
    }
    return pa.RecordBatch.from_arrays(
        [pc.cast(arrays[f.name], f.type) for f in FLOWS_SCHEMA], schema=FLOWS_SCHEMA
    )


@dataclass(frozen=True)
class Fields:
    """Where Comtrade's two layouts keep the fields they share."""

    reporter_iso: str
    reporter_code: str
    partner_iso: str
    partner_code: str
    product: str
    classification: str
    value: str


LEGACY_FIELDS = Fields(
    "Reporter ISO",
    "Reporter Code",
    "Partner ISO",
    "Partner Code",
    "Commodity Code",
    "Classification",
    "Trade Value (US$)",
)
API_FIELDS = Fields(
    "reporterISO",
    "reporterCode",
    "partnerISO",
    "partnerCode",
    "cmdCode",
    "classificationCode",
    "primaryValue",
)


def comtrade_flows(
    col: Callable[[str], pa.Array],
    fields: Fields,
    flow: pa.Array,
    year: pa.Array,
    period: pa.Array,
    quantities: tuple[pa.Array, pa.Array],
    release: str,
    path: Path,
    locate: Callable[[int], int | None],
) -> pa.RecordBatch:
    """A batch of either layout as canonical flows: areas resolved, products and revisions
    checked, the reporter placed by the flow (X and RX: the exporter); ``quantities`` are
    (quantity, unit)."""
    (reporter, reporter_nc), (partner, partner_nc) = (
        resolve_areas(col(iso), col(code), path=path, column=iso, locate=locate)
        for iso, code in (
            (fields.reporter_iso, fields.reporter_code),
            (fields.partner_iso, fields.partner_code),
        )
    )
    revisions = pc.utf8_upper(col(fields.classification))
    return reported_flows(
        exports=pc.is_in(flow, pa.array(["X", "RX"])),
        reporter=reporter,
        partner=partner,
        non_country=pc.or_(reporter_nc, partner_nc),
        source="comtrade",
        release=release,
        year=year,
        period=period,
        product=products(col(fields.product), path=path, column=fields.product, locate=locate),
        hs_revision=hs_revisions(revisions, path=path, column=fields.classification, locate=locate),
        value_usd=col(fields.value),
        quantity=quantities[0],
        quantity_unit=quantities[1],
        flow=flow,
    )

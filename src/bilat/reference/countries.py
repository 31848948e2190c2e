"""Country codes: ISO3 from any code, name, alias or demonym; numeric codes of BACI and Comtrade.

Built on pycountry (ISO 3166-1) plus bilat's own small tables in ``reference/data/``:
``aliases.csv`` (common names, short forms, demonyms), ``special_codes.csv`` (historical
economies, n.e.s. areas, World, unspecified), ``renamed_codes.csv`` (old or agency codes of places
that still exist), ``wdi_aggregates.csv`` (World Bank group codes) and ``numeric_exceptions.csv``
(BACI's and Comtrade's own numbers, e.g. 842 = USA).
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Literal, get_args

import pycountry

from bilat.errors import InputError, UnknownCodeError

if TYPE_CHECKING:
    import pandas as pd

CountryKind = Literal[
    "country",
    "territory",
    "historical",
    "world",
    "unspecified",
    "nes",
    "special",
    "aggregate",
    "group",
]
NumericScheme = Literal["iso", "baci", "comtrade"]

# Kinds that are one economy and so count as a partner in ranks and shares.
PARTNER_KINDS: frozenset[str] = frozenset({"country", "territory", "historical"})

__all__ = [
    "PARTNER_KINDS",
    "Country",
    "CountryKind",
    "NumericScheme",
    "all_codes",
    "from_numeric",
    "get",
    "is_country",
    "lookup",
    "lookup_many",
    "name",
    "table",
]


@dataclass(frozen=True)
class Country:
    """One partner code of trade data: a country, a former economy or a non-country area."""

    iso3: str
    name: str
    official_name: str
    kind: CountryKind
    iso2: str | None = None
    numeric: int | None = None

    @property
    def is_country(self) -> bool:
        """True for an economy that counts as a partner (not World, unspecified, n.e.s., groups)."""
        return self.kind in PARTNER_KINDS

    def __str__(self) -> str:
        return f"{self.iso3} ({self.name})"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        numeric = self.numeric if self.numeric is not None else "—"
        title = f"{self.iso3} {self.name}"
        return fragment(Section(title, [], footer=[f"{self.kind}; numeric {numeric}"]))


# Abbreviations that sources spell both ways ("Korea, Rep." / "Republic of Korea").
_TOKEN_MAP = {
    "rep": "republic",
    "dem": "democratic",
    "st": "saint",
    "sts": "states",
    "fed": "federal",
    "isds": "islands",
    "isd": "island",
    "fmr": "former",
    "br": "british",
    "fr": "french",
    "terr": "territory",
    "territories": "territory",
    "&": "and",
}
_CODE = re.compile(r"[A-Z0-9_]{2,3}")
_DROP = re.compile(r"[.'’`\\]")
_SPLIT = re.compile(r"[^0-9a-z_&]+")


def _norm(text: str) -> str:
    """Match key: no accents, case, dots, apostrophes or leading 'the'; punctuation is a space."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = _DROP.sub("", s).replace("&", " & ")
    tokens = [_TOKEN_MAP.get(t, t) for t in _SPLIT.split(s) if t]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens).replace("not elsewhere specified", "nes")


_PAREN = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*(?P<rest>[^()]*)$")


def _variants(text: str, *, drop_brackets: bool = True) -> list[str]:
    """Other spellings of a UN-style name that puts the qualifier last or in brackets.

    'Korea, Republic of' -> 'Republic of Korea'; 'Korea (Democratic People's Republic of)' ->
    "Democratic People's Republic of Korea"; 'Cocos (Keeling) Islands' -> 'Cocos Islands' (only
    with ``drop_brackets``: never on user input, where 'Korea (Dem. Rep.)' must not become 'Korea').
    """
    out: list[str] = []
    m = _PAREN.match(text)
    if m:
        head, inner, rest = m["head"].strip(), m["inner"].strip(), m["rest"].strip()
        out.append(f"{inner} {head} {rest}".strip())
        if drop_brackets:
            out.append(f"{head} {rest}".strip())
        text = f"{head}, {inner}" if not rest else text
    if text.count(",") == 1:
        head, tail = (p.strip() for p in text.split(","))
        if head and tail:
            out.append(f"{tail} {head}")
    return out


def _read_table(filename: str) -> Iterator[dict[str, str]]:
    """Rows of one of bilat's hand-written CSV tables, skipping '#' comment lines."""
    text = resources.files("bilat.reference").joinpath("data", filename).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines):
        yield {k: (v or "").strip() for k, v in row.items()}


@dataclass(frozen=True)
class _Index:
    countries: dict[str, Country]
    codes: dict[str, str]  # upper-case code (ISO3, ISO2, old, special) -> code
    keys: dict[str, str]  # normalised name -> code
    display: dict[str, str]  # normalised text -> the text as written, for suggestions
    numeric: dict[str, dict[int, str]] = field(default_factory=dict)  # scheme -> number -> code


@functools.cache
def _index() -> _Index:
    """Build the lookup tables once per process (a few milliseconds)."""
    countries: dict[str, Country] = {}
    keys: dict[str, str] = {}
    display: dict[str, str] = {}

    def add(text: str, code: str) -> None:
        # Later calls win: callers add the least reliable names first and codes last.
        k = _norm(text)
        if k:
            keys[k] = code
            display[k] = text

    common: dict[str, str] = {}
    alias_rows = list(_read_table("aliases.csv"))
    for row in alias_rows:
        if row["kind"] == "name":
            common[row["iso3"]] = row["alias"]

    base_numeric: dict[int, str] = {}
    variants: dict[str, set[str]] = {}
    for c in pycountry.countries:
        nm = common.get(c.alpha_3) or getattr(c, "common_name", None) or c.name
        official = getattr(c, "official_name", None) or c.name
        num = int(c.numeric) if getattr(c, "numeric", None) else None
        countries[c.alpha_3] = Country(c.alpha_3, nm, official, "country", c.alpha_2, num)
        if num is not None:
            base_numeric[num] = c.alpha_3
        for text in {c.name, official, getattr(c, "common_name", None) or c.name}:
            for variant in _variants(text):
                variants.setdefault(variant, set()).add(c.alpha_3)
            add(text, c.alpha_3)
    # A shortened form shared by two places ("Virgin Islands") is ambiguous: leave it out.
    for variant, owners in variants.items():
        if len(owners) == 1 and _norm(variant) not in keys:
            add(variant, next(iter(owners)))

    for row in _read_table("wdi_aggregates.csv"):
        countries[row["code"]] = Country(row["code"], row["name"], row["name"], "aggregate")
        add(row["name"], row["code"])

    for row in _read_table("special_codes.csv"):
        kind = row["kind"]
        if kind not in get_args(CountryKind):
            raise InputError(f"special_codes.csv: code {row['code']!r} has unknown kind {kind!r}")
        num = int(row["numeric"]) if row["numeric"] else None
        countries[row["code"]] = Country(row["code"], row["name"], row["name"], kind, None, num)
        if num is not None:
            base_numeric[num] = row["code"]
        add(row["name"], row["code"])
        for alias in filter(None, row["aliases"].split(";")):
            add(alias, row["code"])

    for row in alias_rows:
        add(row["alias"], row["iso3"])

    # Codes live in their own table, matched before names, so a code always means itself
    # ("CAN" is Canada, "BR" is Brazil) and never goes through the name abbreviations.
    codes: dict[str, str] = {}
    for c in pycountry.countries:
        codes[c.alpha_2] = c.alpha_3
    for row in _read_table("renamed_codes.csv"):
        codes[row["old"]] = row["iso3"]
    for row in _read_table("special_codes.csv"):
        for alias in row["aliases"].split(";"):
            if _CODE.fullmatch(alias):
                codes[alias] = row["code"]
    for code in countries:
        codes[code] = code

    numeric: dict[str, dict[int, str]] = {s: dict(base_numeric) for s in get_args(NumericScheme)}
    for row in _read_table("numeric_exceptions.csv"):
        numeric[row["scheme"]][int(row["numeric"])] = row["code"]
    return _Index(countries, codes, keys, display, numeric)


def _resolve(text: str) -> str | None:
    """The code for ``text``, or None; no suggestions (fast path for bulk use)."""
    if not isinstance(text, str):
        text = str(text)
    s = text.strip()
    if not s:
        return None
    idx = _index()
    if s.isascii() and s.isdigit():  # "²" is a digit to isdigit, not to int
        n = int(s)
        return idx.numeric["iso"].get(n) or idx.numeric["comtrade"].get(n)
    code = idx.codes.get(s.upper()) if len(s) <= 3 else None
    if code is None:
        code = idx.keys.get(_norm(s))
    if code is None and ("," in s or "(" in s):
        for variant in _variants(s, drop_brackets=False):
            code = idx.keys.get(_norm(variant))
            if code is not None:
                break
    return code


def _suggest(text: str, limit: int = 3) -> list[str]:
    """Close known names or codes for an unknown ``text`` (difflib ratio >= 0.7)."""
    idx = _index()
    k = _norm(str(text))
    out: list[str] = []
    seen: set[str] = set()
    pool = dict(idx.keys)
    if len(str(text).strip()) <= 4:
        pool.update({c.casefold(): v for c, v in idx.codes.items()})
    for m in difflib.get_close_matches(k, list(pool), n=10, cutoff=0.7):
        code = pool[m]
        if code not in seen:
            seen.add(code)
            shown = idx.display.get(m, m.upper())
            out.append(shown if shown == code else f"{shown} ({code})")
        if len(out) == limit:
            break
    return out


def lookup(text: str) -> str:
    """ISO3 (or bilat's special code) for a code, number, name, alias or demonym.

    Accepts ISO3, ISO2, ISO numeric / M49, old and agency codes (ROM, ZAR, S19), English names
    ("Korea, Rep.", "Russian Federation"), aliases ("ROK", "the US") and demonyms ("Korean").
    Raises UnknownCodeError with close suggestions when nothing matches.
    """
    code = _resolve(text)
    if code is None:
        raise UnknownCodeError("country", str(text), _suggest(str(text)))
    return code


def single_word_names() -> frozenset[str]:
    """Every one-word name, alias or demonym bilat knows, normalised ("australian", "korea")."""
    return frozenset(k for k in _index().keys if k and " " not in k)


def lookup_many(values: Iterable[object]) -> dict[str, str | None]:
    """Code for each distinct value (None if unknown); readers pass a column's distinct codes."""
    out: dict[str, str | None] = {}
    for v in values:
        if v is None or (isinstance(v, float) and v != v):  # skip None and NaN
            continue
        key = v if isinstance(v, str) else str(v)
        if key not in out:
            out[key] = _resolve(key)
    return out


def from_numeric(n: int | str, scheme: NumericScheme = "iso") -> str:
    """Code for a numeric country code: ISO 3166-1 / M49, or BACI's or Comtrade's own numbering."""
    idx = _index()
    if scheme not in idx.numeric:
        raise InputError(f"unknown numeric scheme {scheme!r}; use one of {', '.join(idx.numeric)}")
    try:
        num = int(n)
    except (TypeError, ValueError):
        raise UnknownCodeError("numeric country code", str(n), where=scheme) from None
    code = idx.numeric[scheme].get(num)
    if code is None:
        near = sorted(idx.numeric[scheme], key=lambda k: abs(k - num))[:3]
        raise UnknownCodeError(
            f"{scheme} numeric country code",
            str(n),
            [f"{k} ({idx.numeric[scheme][k]})" for k in near],
        )
    return code


def get(code: str) -> Country:
    """The Country record for a code or any name ``lookup`` accepts."""
    return _index().countries[lookup(code)]


def name(iso3: str) -> str:
    """Common English name ("South Korea", "Russia") of a code or name."""
    return get(iso3).name


def is_country(code: str) -> bool:
    """False for World, unspecified, areas n.e.s., bunkers, aggregates, groups and unknown codes."""
    resolved = _resolve(code) if isinstance(code, str) else None
    if resolved is None:
        return False
    return _index().countries[resolved].is_country


def all_codes() -> frozenset[str]:
    """Every code bilat knows (ISO3, historical, special and aggregate codes)."""
    return frozenset(_index().countries)


def table() -> pd.DataFrame:
    """Every known code with name, official name, ISO2, numeric, kind and is_country."""
    import pandas as pd  # imported here: lookups must not pay for pandas

    rows = [
        {
            "code": c.iso3,
            "name": c.name,
            "official_name": c.official_name,
            "iso2": c.iso2,
            "numeric": c.numeric,
            "kind": c.kind,
            "is_country": c.is_country,
        }
        for c in _index().countries.values()
    ]
    return pd.DataFrame(rows).set_index("code").sort_index()

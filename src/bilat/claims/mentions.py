"""Economies named in a sentence: country names, aliases, demonyms, capitals, groups, anaphors.

The names come from ``bilat.reference.countries`` (pycountry names plus bilat's alias and demonym
table); this module adds what only prose needs: capitals used for governments ("Seoul and Moscow"),
economic groups ("the Eurasian Economic Union", "the bloc") and pair anaphors ("the two countries").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from bilat.reference import countries

__all__ = ["GROUPS", "Mention", "find_mentions"]

MentionForm = Literal[
    "name", "demonym", "capital", "group", "pair", "group_anaphor", "country_anaphor"
]

#: Economic groups claims talk about, by the code bilat prints, with the names prose uses.
GROUPS: dict[str, tuple[str, ...]] = {
    "EAEU": ("Eurasian Economic Union", "EAEU", "EEU", "Eurasian Union"),
    "EU": ("European Union", "EU", "E.U."),
    "ASEAN": ("ASEAN", "Association of Southeast Asian Nations"),
    "MERCOSUR": ("Mercosur", "MERCOSUR"),
    "GCC": ("Gulf Cooperation Council", "GCC"),
}
# Capitals stand for governments in news prose ("talks between Seoul and Moscow").
_CAPITALS = {
    "Seoul": "KOR",
    "Moscow": "RUS",
    "Kremlin": "RUS",
    "Beijing": "CHN",
    "Washington": "USA",
    "Canberra": "AUS",
    "Tokyo": "JPN",
    "Berlin": "DEU",
    "New Delhi": "IND",
    "Hanoi": "VNM",
    "Astana": "KAZ",
    "Ottawa": "CAN",
    "Mexico City": "MEX",
    "Minsk": "BLR",
    "Pyongyang": "PRK",
    "Brussels": "EU",
    "Paris": "FRA",
    "London": "GBR",
    "Ankara": "TUR",
    "Tehran": "IRN",
}
# Short names news wires use that the country tables do not hold ("the RoK's exports").
_PROSE_NAMES = {"RoK": "KOR", "Rok": "KOR", "R.O.K.": "KOR", "S. Korea": "KOR"}
# Institutions whose names contain a country but which are not a side of a trade claim,
# and currencies written with a country code ("US$20 billion", "US $ 100 billion", "HK$").
_NOT_A_SIDE = re.compile(
    # ("S$", "HK$" are currencies; "India $11 billion" in a list is a side)
    r"^(?:\$|[ -](?:International Trade Association|Customs Service|Tourism Organization|"
    r"Development Bank|Times|Herald|Daily|Electric|Gas|Railways|Post|dollars?|cents?|"
    # agencies named after their country: "Korea Trade-Investment Promotion Agency", "Korea
    # Agro-Fisheries and Food Trade Corporation", "Vietnam Customs", "Korea Center for ..."
    r"Trade-Investment|Agro-Fisheries|Customs|General Department|Center for|Federal Customs|"
    r"Institute)\b|-[a-z])"
)
_NOT_A_SIDE_BEFORE = re.compile(
    r"(?:Bank of |Sea of |according to |\b[a-z]+-)$"
)  # "inter-Korean", "Sea of Japan"

_PAIR = re.compile(
    r"\b(?:the two (?:countries|nations|sides|economies|neighbours|neighbors)|"
    r"both (?:sides|countries)|"
    r"(?:our|their) two (?:countries|nations)|bilateral|two-way)\b",
    re.IGNORECASE,
)
_GROUP_ANAPHOR = re.compile(
    r"\bthe (?:\d+-member |five-member |ten-member )?(?:bloc|union|region)\b"
)
_COUNTRY_ANAPHOR = re.compile(
    r"\bthe country\b(?!'s)|\bthe island nation\b|"
    r"\bthe (?:neighbo(?:u)?ring|Southeast Asian|Asian|European|Nordic|Gulf) (?:country|nation)\b"
)


@dataclass(frozen=True)
class Mention:
    """An economy named at [start, end) of a sentence; ``possessive`` for "Korea's"."""

    start: int
    end: int
    code: str | None  # None for anaphors until resolved
    form: MentionForm
    possessive: bool
    text: str


def _alias_rows() -> list[tuple[str, str, str]]:
    """(iso3, alias, kind) rows of the reference alias table."""
    raw = resources.files("bilat.reference").joinpath("data", "aliases.csv").read_text("utf-8")
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("iso3,"):
            continue
        iso3, rest = line.split(",", 1)
        alias, kind = rest.rsplit(",", 1)
        rows.append((iso3.strip(), alias.strip().strip('"'), kind.strip()))
    return rows


@functools.cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, tuple[str, MentionForm]]]:
    """One regex over every name, and the code and form of each lower-cased name."""
    names: dict[str, tuple[str, MentionForm]] = {}
    table = countries.table()
    for code, row in table[table["kind"].isin(["country", "territory"])].iterrows():
        for text in (row["name"], row["official_name"]):
            if isinstance(text, str) and "," not in text and "(" not in text:
                names.setdefault(text.lower(), (str(code), "name"))
    for iso3, alias, kind in _alias_rows():
        if "," in alias or "(" in alias or (len(alias) < 3 and not alias.isupper()):
            continue
        names[alias.lower()] = (iso3, "demonym" if kind == "demonym" else "name")
    for city, code in _CAPITALS.items():
        names[city.lower()] = (code, "capital")
    for alias, code in _PROSE_NAMES.items():
        names[alias.lower()] = (code, "name")
    for code, group_names in GROUPS.items():
        for g in group_names:
            names[g.lower()] = (code, "group")
    # common words that are also country names or codes in the tables
    for word in ("chad", "jordan", "georgia", "guinea", "niger", "china town", "rf"):
        names.pop(word, None)
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    rx = re.compile(rf"(?<![\w])(?:the )?(?P<n>{alternation})(?P<poss>'s?)?(?![\w])", re.IGNORECASE)
    return rx, names


def find_mentions(sentence: str) -> list[Mention]:
    """Economies and anaphors in one sentence, left to right."""
    rx, names = _gazetteer()
    out: list[Mention] = []
    for m in rx.finditer(sentence):
        text = m.group("n")
        code, form = names[text.lower()]
        short_code = len(text) <= 3
        if short_code and not text.isupper() and "." not in text and text not in _PROSE_NAMES:
            continue  # "Us", "Rf": codes are written in capitals
        if not text[0].isupper():
            continue  # names are capitalised; "turkey" and "china" (porcelain) are not countries
        after = sentence[m.end("n") :]
        before = sentence[: m.start("n")]
        if _NOT_A_SIDE.match(after) or _NOT_A_SIDE_BEFORE.search(before):
            continue
        if code == "USA" and len(text) <= 4 and re.match(r" \$", after):
            continue  # "US $ 66.56 billion": the currency, not a side
        poss = bool(m.group("poss")) and (m.group("poss") == "'s" or text.endswith("s"))
        end = m.end() if poss else m.end("n")
        out.append(Mention(m.start("n"), end, code, form, poss, text))
    for rx2, form in (
        (_PAIR, "pair"),
        (_GROUP_ANAPHOR, "group_anaphor"),
        (_COUNTRY_ANAPHOR, "country_anaphor"),
    ):
        for m in rx2.finditer(sentence):
            if not any(o.start <= m.start() < o.end for o in out):
                out.append(Mention(m.start(), m.end(), None, form, False, m.group(0)))  # type: ignore[arg-type]
    return sorted(out, key=lambda x: x.start)

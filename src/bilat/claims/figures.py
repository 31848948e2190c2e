"""Figures in a sentence: money amounts, percentages, fractions, multiples and ranks.

Each figure carries its value in claim units: money in units of its currency (not billions),
percent, a multiple (unit ``x``), a rank (1 = largest) or a "top N" bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Figure", "find_figures"]

# --- figures -------------------------------------------------------------------------------------
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    # "$130.\n4 billion" on a hard-wrapped page: the break is inside the number
    r"|\d+\.\s\d+(?=\s?(?:trillion|billion|million|bn|mn|bln|mln)\b)"
    r"|\d+(?:\.\d+)?"
)
# Numbers in words, as broadcasters' scripts write them: "fifty", "twenty-one", "eleven-point-two",
# "21-point-eight", "15-point-18". Units and teens are listed longest first so "seventeen" is not
# read as "seven".
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_UNIT_RX = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_RX = "|".join(_TENS)
_WORDNUM = rf"(?:(?:{_TENS_RX})(?:-(?:{_UNIT_RX}))?|{_UNIT_RX}|a hundred|one hundred)"
_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|\d)"
_NUM = (
    rf"(?:{_WORDNUM}|\d+)-point-(?:\d+|{_DIGIT_WORD}(?:-{_DIGIT_WORD})*)(?![\w-])"
    rf"|{_DIGITS}|(?<![\w-]){_WORDNUM}(?![\w])"
)
_SCALE = r"lakh crore|trillion|billion|million|thousand|crore|tn|trn|bn|bln|mn|mln|b|m|k"
_SCALES = {
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "crore": 1e7,  # Indian numbering: 1 crore = 10 million, 1 lakh crore = 1 trillion
    "lakh crore": 1e12,
    "k": 1e3,
}
_CUR_PRE = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "HK$": "HKD",
    "NZ$": "NZD",
    "S$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "USD": "USD",
    "EUR": "EUR",
    "RUB": "RUB",
    "CNY": "CNY",
    "RMB": "CNY",
    "JPY": "JPY",
    "KRW": "KRW",
    "INR": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₹": "INR",
    "Rs.": "INR",
    "Rs": "INR",
}
_CUR_POST = {
    "dollars": "USD",
    "us dollars": "USD",
    "usd": "USD",
    "eur": "EUR",
    "u.s. dollars": "USD",
    "u.s. dollar": "USD",
    "us dollar": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "yen": "JPY",
    "won": "KRW",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "rupee": "INR",
    "pounds": "GBP",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
}
_APPROX = (
    r"(?P<approx>about|around|almost|nearly|over|more than|less than|some|roughly|approximately|"
    r"close to|exceeding|just over|just under|up to|an estimated)"
)
_CUR_PRE_RX = "|".join(re.escape(c) for c in sorted(_CUR_PRE, key=len, reverse=True))
_CUR_POST_RX = "|".join(re.escape(c) for c in sorted(_CUR_POST, key=len, reverse=True))

_MONEY_PRE = re.compile(
    rf"(?:{_APPROX} )?(?:(?<![\w-])(?P<neg>-))?(?<![A-Za-z])(?P<cur>{_CUR_PRE_RX}) ?(?P<num>{_NUM})"
    rf"(?:[ -]?(?P<scale>{_SCALE})\b)?",
    re.IGNORECASE,
)
_MONEY_POST = re.compile(
    rf"(?:{_APPROX} )?(?P<num>{_NUM})[ -]?(?P<scale>{_SCALE})[ -](?P<cur>{_CUR_POST_RX})(?![\w$])",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?:{_APPROX} )?(?P<sign>[-+])?(?P<num>{_NUM})(?P<half>-and-a-half)?[ -]?"
    r"(?:%|per ?cent\b|pct\b)",
    re.IGNORECASE,
)
_FRACTIONS = {
    "a third": 100 / 3,
    "one third": 100 / 3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "half": 50.0,
    "a half": 50.0,
    "two-thirds": 200 / 3,
    "two thirds": 200 / 3,
    "a fifth": 20.0,
    "three-quarters": 75.0,
}
_FRACTION_RX = "|".join(re.escape(f) for f in sorted(_FRACTIONS, key=len, reverse=True))
_FRACTION = re.compile(
    rf"(?<!first )(?<!second )(?<!the )(?<!and )(?<!and a )(?:{_APPROX} )?(?P<frac>{_FRACTION_RX})"
    r"(?= of\b|\b(?! (?:an?|the) (?:hour|day|year|century|decade|point)))",
    re.IGNORECASE,
)
_MULT_WORDS = {
    "double": 2,
    "doubled": 2,
    "doubling": 2,
    "triple": 3,
    "tripled": 3,
    "tripling": 3,
    "quadruple": 4,
    "quadrupled": 4,
    "halved": 0.5,
    "doubles": 2,
    "triples": 3,
    "quadruples": 4,
    "halves": 0.5,
    "halve": 0.5,
}
_NUMWORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "hundred": 100,
}
_MULTIPLE = re.compile(
    rf"(?:{_APPROX} )?(?:(?P<word>doubled|doubling|doubles|double|tripled|tripling|triples|triple|"
    r"quadrupled|quadruples|quadruple|halved|halves|halve)\b"
    # false friends: "double-digit growth" (a size, not x2), "a double blow"
    r"(?![- ]digits?\b| (?:blow|whammy|taxation|standards?|burden|edged)\b)"
    r"|(?P<fold>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred)"
    r"[- ]?fold\b"
    # "increased 3.9 times", "2.6 times larger"; not "three times a year" (a frequency)
    r"|(?P<times>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred)"
    r" times\b(?! (?:a|per|each|every) )(?! (?:as|more) (?:many|often)))",
    re.IGNORECASE,
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "twentieth": 20,
}
_ORD_RX = r"(?P<ord>" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))"
_RANK = re.compile(
    rf"(?:{_ORD_RX}[- ])?(?P<sup>largest|biggest|most important|leading|top|main)"
    r"(?: (?P<noun>(?:trading|trade|commercial|export|import|shipment) "
    r"(?:partner|market|destination|source)s?|"
    # ("two-way trading partner", "export and import market")
    r"(?:[a-z-]+ (?:[a-z]+ )?(?:[a-z]+ )?)?"
    r"(?:partner|market|buyer|supplier|customer|trader|importer|exporter|export market|"
    r"export destination)s?"
    r"(?= of| after| in| for| within| among|,|\.|$| and| behind| with| to| was\b| is\b)))?",
    re.IGNORECASE,
)
_TOP_N = re.compile(
    rf"\bone of (?P<who>[\w.' ]+?)(?:'s?|s') (?:top )?(?P<n>\d+|{'|'.join(_NUMWORDS)}) "
    r"(?:(?:largest|biggest|main) )?"
    r"(?P<noun>(?:trading|trade|export|import) partners|partners|export markets|markets)"
    # "is in the top 3 largest trading partners of India", "entered the top five", "one of the
    # top five exporters to Russia", "among the top three shipment destinations"
    rf"|\b(?:in|among|into|entered|joined|one of) the top (?P<n2>\d+|{'|'.join(_NUMWORDS)}) "
    r"(?:(?:largest|biggest|main) )?"
    r"(?P<noun2>(?:trading|trade|export|import|shipment) (?:partners|destinations|markets)|"
    r"partners|export markets|markets|destinations|exporters|importers|suppliers|buyers)"
    # "It presently replaced Hong Kong this year to make the top three."
    rf"|\b(?:make|made|makes|making) the top (?P<n3>\d+|{'|'.join(_NUMWORDS)})\b",
    re.IGNORECASE,
)
# A ranking's steps: "climbing up the ladder of South Korea's export destinations, up from 21st in
# 2000 to 13th in 2007 and to fourth in 2015" (read only where the sentence names what is ranked)
_RANK_STEP = re.compile(rf"\b(?:from|to|at) {_ORD_RX}(?= in (?:19|20)\d\d\b)", re.IGNORECASE)
_RANKED_NOUN = re.compile(
    r"\b(?P<noun>(?:export|import|trade|trading) (?:destinations|partners|markets)|"
    r"destinations|trading partners|suppliers)\b",
    re.IGNORECASE,
)
# "The total amount is third-highest after $79.25 billion for China"
_RANK_AFTER = re.compile(
    rf"\b{_ORD_RX}[- ](?:highest|largest|biggest)\b(?=\s+(?:after|behind)\b)", re.IGNORECASE
)
_RANK_IN_REGION = re.compile(rf"\bthe {_ORD_RX} (?:in|among) the\b", re.IGNORECASE)
# Ranks without "largest": "to retain the third spot", "surged to fourth place", "ranked 25th",
# "rank second", "tops the list", "No. 1". Read only in a sentence about trade (the caller's rule).
_RANK_PLACE = re.compile(
    rf"\b(?:the )?{_ORD_RX} (?:spot|place|position)\b"
    rf"|\brank(?:s|ed)? (?:as )?(?:the )?{_ORD_RX.replace('?P<ord>', '?P<ord2>')}\b"
    r"|\b(?P<tops>tops|topped|topping) (?:the list|the ranking|the table)\b"
    r"|\b(?:No\.|number) ?(?P<no>[1-9])\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A figure at [start, end) of a sentence: money, percent, fraction, multiple, rank or top."""

    start: int
    end: int
    kind: str  # money | percent | fraction | multiple | rank | top
    value: float
    unit: str
    approx: str | None
    text: str
    noun: str | None = None


def _word_int(w: str) -> float:
    w = w.lower()
    if w.isdigit():
        return float(w)
    if w in ("a hundred", "one hundred"):
        return 100.0
    if w in _UNITS:
        return float(_UNITS[w])
    tens, _, unit = w.partition("-")
    return float(_TENS[tens] + (_UNITS[unit] if unit else 0))


def _num(s: str) -> float:
    """A number as written: "1,234.5", "fifty", "twenty-one", "eleven-point-two", "15-point-18"."""
    if "-point-" in s.lower():
        whole, frac = re.split("-point-", s, maxsplit=1, flags=re.IGNORECASE)
        digits = "".join(d if d.isdigit() else str(_UNITS[d.lower()]) for d in frac.split("-"))
        return _word_int(whole) + float("0." + digits)
    if s[0].isdigit():
        return float(re.sub(r"[,\s]", "", s))
    return _word_int(s)


def find_figures(s: str) -> list[Figure]:
    """Every figure in a sentence, left to right; overlapping matches keep the first kind."""
    out: list[Figure] = []

    def free(a: int, b: int) -> bool:
        return not any(a < f.end and f.start < b for f in out)

    for rx in (_MONEY_PRE, _MONEY_POST):
        for m in rx.finditer(s):
            cur = m["cur"]
            unit = (
                _CUR_PRE.get(cur) or _CUR_PRE.get(cur.upper()) or _CUR_POST.get(cur.lower(), "USD")
            )
            scale = _SCALES.get((m["scale"] or "").lower(), 1.0)
            if rx is _MONEY_PRE and m["scale"] is None and _num(m["num"]) < 1e5:
                continue  # "$65.40 a barrel": a price, not a trade figure
            if free(*m.span()):
                # "-US$1.78 billion": a balance written with its sign
                sign = -1.0 if m.groupdict().get("neg") else 1.0
                v = sign * _num(m["num"]) * scale
                out.append(Figure(*m.span(), "money", v, unit, m["approx"], m[0]))
    for m in _PERCENT.finditer(s):
        if free(*m.span()):
            v = (_num(m["num"]) + (0.5 if m["half"] else 0.0)) * (-1 if m["sign"] == "-" else 1)
            out.append(Figure(*m.span(), "percent", v, "%", m["approx"], m[0]))
    for m in _FRACTION.finditer(s):
        if free(*m.span()):
            out.append(
                Figure(*m.span(), "fraction", _FRACTIONS[m["frac"].lower()], "%", m["approx"], m[0])
            )
    for m in _MULTIPLE.finditer(s):
        if free(*m.span()):
            if m["word"]:
                v = float(_MULT_WORDS[m["word"].lower()])
            else:
                f = (m["fold"] or m["times"]).lower()
                v = float(_NUMWORDS.get(f) or _num(f))
            out.append(Figure(*m.span(), "multiple", v, "x", m["approx"], m[0]))
    for m in _TOP_N.finditer(s):
        g = "n" if m["n"] else "n2" if m["n2"] else "n3"
        n = m[g].lower()
        v = float(_NUMWORDS.get(n) or _num(n))
        noun = (m["noun"] or m["noun2"] or "").lower() or None
        start = m.start(g) - (4 if s[m.start(g) - 4 : m.start(g)].lower() == "top " else 0)
        out.append(Figure(start, m.end(), "top", v, "top", None, s[start : m.end()], noun))
    for m in _RANK.finditer(s):
        if not free(*m.span()):
            continue
        sup = m["sup"].lower()
        noun = (m["noun"] or "").lower()
        # "Russia was Türkiye's leading supplier": one supplier, first; not "one of India's main
        # partners"
        possessed = (
            sup == "leading"
            and re.search(r"\w's\s+$", s[: m.start()]) is not None
            and not re.search(r"\bone of\b[^,.]{0,30}$", s[: m.start()])
            and not (m["noun"] or "").endswith("s")
        )
        if sup in {"top", "leading", "main"} and not m["ord"] and not (possessed and m["noun"]):
            continue  # "top exporter", "main partner": too vague for a rank
        if not noun:
            # "... but Russia is merely Korea's tenth largest": the noun is elided after a rank
            if not (m["ord"] and out and any(f.kind == "rank" for f in out)):
                continue
            if re.match(r"\s*(?:economy|country|city|port|company)", s[m.end() :]):
                continue
        ordv = m["ord"].lower() if m["ord"] else "first"
        v = float(_ORDINALS.get(ordv) or int(re.sub(r"\D", "", ordv)))
        out.append(Figure(*m.span(), "rank", v, "rank", None, m[0], noun or None))
    for m in _RANK_PLACE.finditer(s):
        if not free(*m.span()):
            continue
        if m["tops"]:
            v = 1.0
        elif m["no"]:
            v = float(m["no"])
        else:
            ordv = (m["ord"] or m["ord2"]).lower()
            v = float(_ORDINALS.get(ordv) or int(re.sub(r"\D", "", ordv)))
        out.append(Figure(*m.span(), "rank", v, "rank", None, m[0], None))
    ranked = _RANKED_NOUN.search(s)
    if ranked:
        for m in _RANK_STEP.finditer(s):
            a, b = m.start("ord"), m.end("ord")
            if free(a, b):
                ordv = m["ord"].lower()
                v = float(_ORDINALS.get(ordv) or int(re.sub(r"\D", "", ordv)))
                out.append(Figure(a, b, "rank", v, "rank", None, m["ord"], ranked["noun"].lower()))
    for m in _RANK_AFTER.finditer(s):
        if free(*m.span()):
            ordv = m["ord"].lower()
            v = float(_ORDINALS.get(ordv) or int(re.sub(r"\D", "", ordv)))
            out.append(Figure(*m.span(), "rank", v, "rank", None, m[0], None))
    ranks = [f for f in out if f.kind in {"rank", "top"}]
    if ranks:
        for m in _RANK_IN_REGION.finditer(s):
            ordv = m["ord"].lower()
            v = float(_ORDINALS.get(ordv) or int(re.sub(r"\D", "", ordv)))
            if free(*m.span()):
                out.append(Figure(*m.span(), "rank", v, "rank", None, m[0], ranks[0].noun))
    return sorted(out, key=lambda f: f.start)

"""Find quantitative trade claims in text and fill their slots, by rules (no model).

Each figure in a sentence (money, percent, multiple, fraction, rank) becomes a claim when the
sentence is about trade between economies and nothing marks the figure as something else
(investment, GDP, population, prices...). Slots come from the figure's clause, then its sentence,
then the document context (the pair the article is about, the period of the previous claim).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from bilat.claims.dating import find_published
from bilat.claims.figures import Figure, find_figures
from bilat.claims.mentions import GROUPS, Mention, find_mentions
from bilat.claims.model import Claim, Flow
from bilat.claims.periods import PeriodMention, find_periods, is_annual, previous_period
from bilat.claims.text import Document, Sentence, clean

__all__ = ["extract", "extract_document"]

# --- words that decide what a figure is ---------------------------------------------------------
_TRADE = re.compile(
    r"\b(?:trade[sd]?|trading|turnover|exports?|exported|exporting|imports?|imported|importing|shipments?|"
    r"purchases|surplus|deficit|partners?|buyers?|supplier|buys|sells|sales of|market|shipped|"
    r"importers?|exporters?|(?:positive|negative) balance)\b",
    re.IGNORECASE,
)
# A figure next to one of these is about something else.
_BLOCK = re.compile(
    r"\b(?:population|people|GDP|economy|investments?|invested|investors?|tourists?|visitors?|visits|"
    r"budget|defen[cs]e|military|spending|profits?|shares|stocks?|KOSPI|index|barrels?|rates?|inflation|"
    r"loans?|duties|tariff lines|capacity|tonnes|tons|cubic|kilomet(?:re|er)s|km|jobs|salary|wages|"
    r"debt|reserves|revenue|earnings|dividend|valuation|output|production|transit times|overall|"
    r"worldwide|global|domestic sector|foreign(?:-invested)? sector|FDI sector|"
    # "Exports to non-EU countries were only 11% lower", "imports from the rest of the world"
    r"rest of the world|non-[A-Z][\w.]* (?:countries|nations|markets|economies)|"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty) (?:largest|biggest|main|top) "
    r"(?:markets|partners))\b",
    re.IGNORECASE,
)
_UP = re.compile(
    r"\b(?:rose|rise[sn]?|rising|grew|grow(?:s|n|th)?|increased?|increases|increasing|up|jumped|jump|"
    r"climbed|climb|gained|surged|soared|rebounded|expanded|higher|an increase of|a rise of|"
    r"growth of|added|recovered|was up|were up|surging|soaring|soars?|surges?|gaining|gains|jumps|"
    r"climbs|rises|grows|expanding|advanced|an? (?:jump|gain|growth|surge) of|growth|leapt|leaped|"
    r"skyrocketed|spiked|edged up|went up|picked up|widened|widening|accelerated|soar|hike|"
    r"jumping|climbing|advancing|growing)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"\b(?:fell|fall(?:s|en)?|falling|declined?|declining|dropped|drop|slumped|slid|down|decreased?|"
    r"shrank|shrunk|contracted|plunged|plummeted|tumbled|lower|a drop of|a decline of|a fall of|"
    r"halved|lost|shrinking|shrinks|dipped|dips|sank|sinks|dwindled|dwindling|slipped|slips|"
    r"declines|falls|drops|decrease of|a reduction of|plunging|tumbling|slumping|contracting|"
    r"eased|edged down|went down|narrowed|narrowing|retreated|sagged|dropping|decreasing|"
    r"sliding|slipping)\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"\b(?:accounts?|accounted|accounting) for\b|\bmakes? up\b|\bmade up\b|\brepresent(?:s|ed)?\b|"
    r"\bbuys?\b|\bbought\b|\btakes?\b|\btook\b|\bshare\b",
    re.IGNORECASE,
)
_TARGET_WORD = re.compile(
    r"\b(?:target|goal|aim(?:s|ed)?|task|plan(?:s|ned)?|want(?:s|ed)?|hope(?:s|d)?|expects?|expected|"
    r"forecasts?|projected|will|would|should|intend(?:s|ed)?|seek(?:s)?|agreed to|set out to|bring|"
    r"lift(?:ing)?|raise|raising|expand(?:ing)?|boost(?:ing)?)\b",
    re.IGNORECASE,
)
_EXPORT_WORD = re.compile(
    r"\b(?:exports?|exported|exporting|shipments?|shipped|ships|sales|sells|sold|export markets?|"
    r"buyers?|customers?|destinations?)\b",
    re.IGNORECASE,
)
_IMPORT_WORD = re.compile(
    r"\b(?:imports?|imported|importing|purchases|bought|suppliers?)\b", re.IGNORECASE
)
_TURNOVER_WORD = re.compile(
    r"\b(?:trade|(?<!export )(?<!import )turnover|traded|two-way|bilateral|trading partners?|"
    r"trade partners?|partners?)\b",
    re.IGNORECASE,
)
_BALANCE_WORD = re.compile(
    # "The positive balance of Russia increased by 48%" (TASS): a surplus in other words
    r"\b(?:surplus(?:es)?|deficits?|trade balance|imbalance|(?:positive|negative) balance)\b",
    re.IGNORECASE,
)
# a change named after its figure: "a 15.7 percent fall", "a 6.5 percent decrease", "20 % growth"
# Words that make a money figure a goal or a forecast, when no target year follows it.
_FORWARD = re.compile(
    r"\b(?:expects?|expected|forecasts?|projected|will|(?-i:may|can)|could|might|should|would|hopes?|"
    r"hoped|hopefully|plans?|planned|aims?|aimed|target|goal|seeks?|want(?:s|ed)?|intends?|"
    r"agreed to|to reach|realis(?:e|ing)|realiz(?:e|ing)|(?:un)?likely|set to|on track to|"
    r"(?:increase|raise|lift|boost|bring|expand)"
    r"(?:ing)?\b[^.]{0,60}\bto)\b",
    re.IGNORECASE,
)
# "the $100 bln target", "the 20 billion mark": the figure names a goal
_GOAL_AFTER = re.compile(
    r"(?:-by-\d{4})?\s+(?:target|goal|mark|milestone|threshold)\b", re.IGNORECASE
)
# ... unless the level was reached: "crossed the $10 billion mark", "approaching the $70 billion
# mark"
_GOAL_REACHED = re.compile(
    r"\b(?:approach(?:ed|es|ing)?|cross(?:ed|es|ing)?|top(?:ped|s|ping)?|hit(?:s|ting)?|pass(?:ed|es|ing)|"
    r"surpass(?:ed|es|ing)?|exceed(?:ed|s|ing)?|broke|breaking|reached|above|over)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "fell 22 percent to reach $6.39 billion", "soared 15% to reach $25 billion": the level a change
# arrived at, not a goal
_PAST_CHANGE = re.compile(
    r"\b(?:rose|grew|increased|jumped|soared|surged|climbed|fell|dropped|declined|decreased|"
    r"plunged|slumped|shrank|declining|dropping|rising|growing|soaring|falling|slid|dipped|"
    r"steadily declining|expanded|added|gained)\b",
    re.IGNORECASE,
)


def _forward_before(s: str, lo: int, pos: int) -> bool:
    """A word that makes the money figure at ``pos`` a goal or forecast, within 120 characters
    before it in its clause; "to reach" after a past change verb is a result."""
    which = [w.end() for w in re.finditer(r", which\b", s[:pos])]
    start = max([lo, pos - 120, *which])
    for m in _FORWARD.finditer(s, start, pos):
        word = m.group(0).lower()
        if re.match(r"\s+(?:say|see|note|tell)\b", s[m.end() :]):
            continue
        if word.startswith(("to reach", "to hit", "to stand")) and _PAST_CHANGE.search(
            s, max(lo, m.start() - 80), m.start()
        ):
            continue
        return True
    return False


_MONEY_CHANGE = re.compile(
    r"\b(?:(?:rose|grew|increased|jumped|fell|dropped|declined|decreased|shrank) by|"
    r"(?:an? )?(?:increase|decrease|rise|drop|decline|fall|reduction|growth) of|up|down)\s+$",
    re.IGNORECASE,
)
_AFTER_CHANGE = re.compile(
    r"\s+(?:(?:year-on-year|on-year|annual|yearly|y/y)\s+)?(?:up|down|higher|lower|increase|rise|drop|decline|fall|decrease|growth|jump|gain|surge|"
    r"reduction|contraction|plunge|slump|soar|hike|leap|rebound)\b",
    re.IGNORECASE,
)
_DOWN_AFTER = re.compile(
    r"(?:down|lower|drop|decline|fall|decrease|reduction|contraction|plunge|slump)", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(
    r";|: |\bwhile\b|, but\b|, and (?=the\b|its\b|it\b|[A-Z])|, giving\b|, leaving\b|"
    r", compared with\b|, with (?!a\b)|\beven as\b|, whereas\b|, making\b"
)
# ", and" ending a written list of names ("surpassed the US, the EU, and ASEAN") is no clause break
_LIST_TAIL = re.compile(r",\s*(?:the\s+)?[A-Z][\w.-]*(?:\s[A-Z][\w.-]*){0,2}\s*$")
_PREP_BEFORE = re.compile(
    r"\b(?:to|from|with|between|of|after|than|in|for|by|and|at|on|into|behind|within|among|as|via|"
    r"through|against|including)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z./ ]{2,}|[A-Z][a-z]+)(?:,[^-]{0,40})?(?: ?\([^)]*\))?\s+-\s+"
    # the search tool's " date 2021-07-02 " prefix, then a city in capitals and the outlet:
    # "MOSCOW (UrduPoint News / Sputnik - 02nd July, 2021) "
    r"|^(?:date \d{4}-\d\d-\d\d )?[A-Z]{3,}(?:[ ,]+[A-Z]{3,})*(?: ?\([^)]*\))?\s+(?=[A-Z])"
)
_PRODUCT_STOP = frozenset(
    {
        "goods",
        "merchandise",
        "total",
        "overall",
        "bilateral",
        "two-way",
        "trade",
        "commodity",
        "the",
        "its",
        "their",
        "our",
        "non-oil",
        "annual",
        "monthly",
        "combined",
        "all",
        "these",
        "those",
    }
)


_WORLD_TOTAL = re.compile(
    r"\b(?:overall|total|global|worldwide)\s+(?:[\w.]+\s+){0,2}(?:trade|surplus|deficit|exports|imports)\b",
    re.IGNORECASE,
)


# Words that put a whole sentence at world level: its unnamed "exports" are not the passage's pair.
_WORLD_SENTENCE = re.compile(
    r"\b(?:with the world|in the world|world's|worldwide|globally|global|foreign trade|"
    r"(?:total|overall) (?:exports|imports|trade))\b",
    re.IGNORECASE,
)


def _blocked(s: str, fig: Figure, lo: int, hi: int) -> bool:
    """True when a non-trade word (investment, GDP, tourists...) is nearer the figure than any
    trade word in its clause: "$36 billion of foreign direct investment", not "$30 billion in trade
    and 1 million mutual visits"."""
    lo2, hi2 = max(lo, fig.start - 45), min(hi, fig.end + 40)

    def dist(m: re.Match[str]) -> int:
        return fig.start - m.end() if m.end() <= fig.start else m.start() - fig.end

    # a word after the figure behind a comma is another clause's ("$7 billion, although growth
    # rates ...")
    blocks = [
        dist(m)
        for m in _BLOCK.finditer(s, lo2, hi2)
        if m.end() <= fig.start or "," not in s[fig.end : m.start()]
    ]
    if not blocks:
        return False
    trades = [dist(m) for m in _TRADE.finditer(s, lo2, hi2)]
    return not trades or min(blocks) < min(trades)


@dataclass
class _Context:
    """What earlier sentences tell the current one."""

    published: dt.date | None
    pair: tuple[str, str] | None
    home: str | None
    last_group: str | None = None
    # the pair the latest sentence naming an economy was about ("Trade with Japan remains in
    # trouble. Exports fell 13.1 percent ..."): home first
    topic: tuple[str, str] | None = None
    topic_age: int = 99  # sentences since the topic was named or used
    world: bool = False  # the current sentence is about trade with the whole world

    def passage_pair(self) -> tuple[str, str] | None:
        """The topic, while it is fresh (named or used in the previous sentence) and the
        sentence is not about trade with the world."""
        if self.world:
            return None
        if self.topic and self.topic_age <= 1:
            return self.topic
        if self.topic and self.pair and set(self.topic) == set(self.pair) and self.topic_age <= 3:
            # "... between India and China ... Minister Goyal informed this in a written reply.
            # Trade deficit is the difference between import and exports. The deficit during
            # 2021-22 had jumped to $73.31 billion": asides without figures do not end the
            # passage about the article's own pair (in the order its last claim gave)
            last = self.last_claim
            if last is not None and set(last.economies) == set(self.topic):
                return last.economies  # type: ignore[return-value]
            return self.topic
        return None

    last_claim: Claim | None = None
    last_year: int | None = None
    # the period a sentence without claims named last ("... strengthened in the last fiscal
    # year."), until a sentence gives claims of its own
    last_seen: str | None = None
    claim_age: int = 99  # sentences since the last one with claims
    claims: list[Claim] = field(default_factory=list)

    @property
    def last_period(self) -> str | None:
        return self.last_claim.period if self.last_claim else None

    def last_annual(self) -> str | None:
        for c in reversed(self.claims):
            if is_annual(c.period) and c.kind != "target":
                return c.period
        return str(self.last_year) if self.last_year else None


def _clause_bounds(s: str, pos: int) -> tuple[int, int]:
    """The clause of the sentence around ``pos``."""
    start, end = 0, len(s)
    for m in _CLAUSE_BREAK.finditer(s):
        if m.group(0).startswith(", and") and _LIST_TAIL.search(
            s[max(0, m.start() - 40) : m.start()]
        ):
            continue
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _subject(ms: list[Mention], s: str, lo: int = 0, hi: int | None = None) -> Mention | None:
    """First economy in [lo, hi) that is not the object of a preposition."""
    for m in ms:
        if m.start < lo or (hi is not None and m.start >= hi) or m.code is None:
            continue
        if not _PREP_BEFORE.search(s[max(0, m.start - 20) : m.start]):
            return m
    return None


def _after_prep(ms: list[Mention], s: str, preps: str, lo: int, hi: int) -> Mention | None:
    rx = re.compile(rf"\b(?:{preps})\s+(?:the\s+)?$", re.IGNORECASE)
    for m in ms:
        if lo <= m.start < hi and m.code and rx.search(s[max(0, m.start - 16) : m.start]):
            return m
    return None


def _right_before(ms: list[Mention], s: str, pos: int, words: int = 3) -> Mention | None:
    """The economy just before position ``pos`` ("Korea's exports", "Korean car exports")."""
    best = None
    for m in ms:
        if m.end <= pos and m.code:
            gap = s[m.end : pos]
            if len(gap.split()) <= words and not re.search(r"[,;:]|\b(?:to|from|with|and)\b", gap):
                best = m
    return best


def _product(s: str, flow_m: re.Match[str] | None, ms: list[Mention]) -> str | None:
    """The product a figure is about: "exports of mineral fuels", "Korean car exports"."""
    if flow_m is None:
        return None
    word = flow_m.group(0).lower()
    after = s[flow_m.end() :]
    m = re.match(
        r" of (?:[A-Z][a-z]+ )?(?P<p>[a-z][a-z ,-]*?)"
        r"(?= to\b| from\b| into\b| were\b| was\b| rose\b| fell\b| grew\b| "
        r"jumped\b| reached\b| increased\b| declined\b| totalled\b| totaled\b| amounted\b|,|$)",
        after,
    )
    if m and not word.startswith(("partner", "market", "trade")):
        p = _strip_product(m["p"], ms, s)
        if p:
            return p
    before = s[: flow_m.start()]
    b = re.search(
        r"(?:'s?|\b(?:[A-Z][a-z]+)|\b(?:with|while|and))\s(?P<p>[a-z][a-z -]*?)\s$", before
    )
    if b and word.startswith(("export", "import", "shipment", "sale", "purchase")):
        p = _strip_product(b["p"], ms, s)
        if p:
            return p
    # an abbreviation before the flow word: "Russia's LNG exports" (never a country: "US")
    acr = re.search(r"(?:'s?|\b[A-Z][a-z]+)\s(?P<p>[A-Z]{2,5})\s$", before)
    flow_word = word.startswith(("export", "import", "shipment", "sale", "purchase"))
    if acr and flow_word and not _is_economy(acr["p"]):
        return acr["p"]
    return None


def _is_economy(text: str) -> bool:
    """True when ``text`` names a country or group ("US", "EU", "UAE")."""
    from bilat.errors import BilatError
    from bilat.ledger.economies import resolve

    try:
        resolve(text)
    except BilatError:
        return False
    return True


def _strip_product(p: str, ms: list[Mention], s: str) -> str | None:
    words = [w for w in p.strip(" ,").split() if w]
    while words and words[0].lower() in _PRODUCT_STOP | {"discounted", "higher", "its"}:
        words = words[1:]
    text = " ".join(words)
    if not text or all(w.lower() in _PRODUCT_STOP for w in words):
        return None
    return text.lower()


# ", its biggest export item," describes a noun; its flow word is not the figure's flow
_APPOSITIVE = re.compile(
    r", (?:its|their|the) [^,]{3,40},"
    # ", South Korea's largest trading partner,": a possessive name and a partner noun
    r"|, (?:[A-Z][\w.]*\s){0,2}[A-Z][\w.]*'s? (?:[\w-]+ ){0,3}"
    r"(?:partner|market|destination|supplier|source|buyer|customer)s?,"
    # "(difference between imports and exports)": a gloss, not the figure's flow
    r"|\([^()]{3,80}\)"
)


def _nearest_flow(s: str, lo: int, hi: int, pos: int) -> tuple[Flow | None, re.Match[str] | None]:
    """The flow word nearest before ``pos`` in [lo, hi), else the nearest after."""
    cands: list[tuple[int, Flow, re.Match[str]]] = []
    asides = [m.span() for m in _APPOSITIVE.finditer(s)]
    for flow, rx in (
        ("exports", _EXPORT_WORD),
        ("imports", _IMPORT_WORD),
        ("turnover", _TURNOVER_WORD),
        ("balance", _BALANCE_WORD),
    ):
        for m in rx.finditer(s, lo, hi):
            if not any(a <= m.start() < b for a, b in asides):
                cands.append((m.start(), flow, m))  # type: ignore[arg-type]
    before = [c for c in cands if c[0] < pos]
    if before:
        # "trade partner" and "export market" name the flow by their first word
        c = max(before, key=lambda c: c[0])
        return c[1], c[2]
    after = [c for c in cands if c[0] >= pos]
    if after:
        c = min(after, key=lambda c: c[0])
        return c[1], c[2]
    return None, None


def _resolve_anaphors(ms: list[Mention], ctx: _Context) -> list[Mention]:
    out = []
    for m in ms:
        if m.form == "group_anaphor":
            if ctx.last_group:
                out.append(Mention(m.start, m.end, ctx.last_group, "group", False, m.text))
            continue
        out.append(m)
        if m.form == "group" and m.code:
            ctx.last_group = m.code
    return out


def _counterpart(ctx: _Context, code: str | None) -> str | None:
    """The other side for ``code`` in the passage's pair; None when the passage has none (then
    "Korea's exports" are most likely Korea's exports to the world)."""
    t = ctx.passage_pair()
    if t and code in t:
        return t[1] if t[0] == code else t[0]
    return None


def _update_topic(ctx: _Context, ms: list[Mention]) -> None:
    codes = list(dict.fromkeys(m.code for m in ms if m.code and m.form != "pair"))
    if sum(c not in GROUPS for c in codes) >= 2:
        codes = [c for c in codes if c not in GROUPS]  # "the two countries", not the bloc
    if len(codes) >= 2:
        a, b = codes[0], codes[1]
        ctx.topic = (b, a) if ctx.home == b else (a, b)
        ctx.topic_age = 0
    elif len(codes) == 1 and ctx.home and codes[0] != ctx.home:
        ctx.topic = (ctx.home, codes[0])
        ctx.topic_age = 0


def _other(ctx: _Context, code: str | None) -> str | None:
    """The side of the article's pair that is not ``code``; the home economy when unclear."""
    if ctx.pair and code in ctx.pair and (ctx.home is None or ctx.home in ctx.pair):
        return ctx.pair[1] if ctx.pair[0] == code else ctx.pair[0]
    if ctx.home and ctx.home != code:
        return ctx.home
    return None


def _pair_from(codes: list[str], ctx: _Context) -> tuple[str, ...] | None:
    uniq = list(dict.fromkeys(c for c in codes if c))
    if len(uniq) >= 2:
        return tuple(uniq[:2])
    if len(uniq) == 1:
        other = _other(ctx, uniq[0])
        return (other, uniq[0]) if other else None
    return ctx.pair


def _sentence_claims(sent: Sentence, ctx: _Context, all_ms: list[Mention]) -> list[Claim]:
    s = sent.text
    dl = _DATELINE.match(s)
    body_start = dl.end() if dl else 0
    ms = [m for m in all_ms if m.start >= body_start]
    periods = [
        p  # a dateline's date is when the story was filed, not a figure's period
        for p in find_periods(
            s, ctx.published, ctx.last_year or (ctx.published.year if ctx.published else None)
        )
        if p.start >= body_start
    ]
    figures = find_figures(s)
    ctx.world = bool(_WORLD_SENTENCE.search(s))
    claims: list[Claim] = []
    sentence_trade = bool(_TRADE.search(s))
    concrete = [m for m in ms if m.code and m.form != "pair"]
    pair_word = any(m.form == "pair" for m in ms)
    it_subject = bool(
        re.search(
            r"\b(?:it|It) (?:has |had |then )?"
            r"(?:rose|grew|fell|increased|decreased|declined|dropped|"
            r"jumped|was|stood|reached|amounted|totalled|totaled|halved|doubled|ranked|ranks)\b",
            s,
        )
    ) or bool(
        re.match(
            # ("The eleven-month figure represents a 21-point-six percent decrease")
            r"^(?:A: )?(?:It|That's|That is|This is|(?:The|This|That) "
            r"(?:total |overall |[a-z]+-month |annual )?(?:figure|number|amount|value|sum))\b",
            s,
        )
        # "In 2017, this figure increased by 20.8%": the figure of the claim before
        or re.search(r"\b(?:this|that) figure\b", s)
        # "In 2023, the figure reached a record high of $240.11 bln" (TASS, after a 2022 level)
        or re.search(r"^(?:In \d{4}, )?the figure (?:reached|rose|grew|fell|increased|stood)\b", s)
    )
    if ctx.claim_age > 1 and ctx.last_claim is not None:
        # "It was almost double the amount shipped by Saudi Arabia" two sentences after the last
        # claim: "it" is what the sentence before spoke of (barrels), not that claim (before any
        # claim, "it" is the pair: "trade had recovered strongly. ... it rose 31 per cent")
        it_subject = False
    lead = re.match(r"^(?:It|They) (?:was|were|is|are)(?= followed by\b)", s)
    last = next((c for c in reversed(ctx.claims) if c.kind == "rank"), None)
    if lead and last is not None and last.unit == "rank" and ctx.claim_age <= 1:
        # "Russia was Türkiye's leading supplier ... It was followed by China, Germany, Italy,
        # and the US": the list continues the ranking of the sentence before
        anchor = Figure(lead.end(), lead.end(), "rank", last.value, "rank", None, "")
        for item in _list_ranks(s, sent, anchor, last, concrete):
            claims.append(item)
            ctx.claims.append(item)
    for fig in figures:
        claim = _figure_claim(
            s, sent, fig, figures, ms, concrete, periods, ctx, sentence_trade, pair_word, it_subject
        )
        if claim is not None:
            claims.append(claim)
            ctx.claims.append(claim)
            ctx.last_claim = claim
            regional = _REGIONAL.match(s[fig.end :]) or re.search(
                r"\b(?:in|among|within) the$", fig.text
            )
            if claim.kind == "rank" and claim.unit == "rank" and not regional:
                # ("the third in the Asia-Pacific region after China and Japan": ranks within a
                # region, not among all partners)
                for item in _list_ranks(s, sent, fig, claim, concrete):
                    claims.append(item)
                    ctx.claims.append(item)
    for p in periods:
        if p.role == "point" and is_annual(p.period):
            ctx.last_year = int(p.period)  # type: ignore[arg-type]
    named = [p.period for p in periods if p.role == "point" and p.period]
    if claims:
        ctx.last_seen = None
        ctx.claim_age = 1
    else:
        ctx.claim_age += 1
        if named:
            ctx.last_seen = named[-1]
    claims = _respectively(s, claims, concrete, figures, sent.start)
    ctx.claims[len(ctx.claims) - len(claims) :] = claims
    if claims:
        ctx.last_claim = claims[-1]
    ctx.topic_age += 1
    if ctx.topic and any(set(c.economies) == set(ctx.topic) for c in claims):
        ctx.topic_age = 0
    _update_topic(ctx, ms)
    if ctx.world and len({m.code for m in ms if m.code}) <= 1:
        # "In general, the volume of China's foreign trade ... The volume of exports decreased
        # by 13.3%": the passage has moved to the world; its unnamed figures are not the pair's
        ctx.topic_age = 99
    return claims


# A list after a rank names the partners ahead of it ("fourth-largest partner after China, the US
# and Japan": China 1st, the US 2nd, Japan 3rd) or behind it ("tops the list, followed by China,
# the UAE and Saudi Arabia": China 2nd ...). Each item is a rank claim of its own pair.
_AHEAD = re.compile(r"\s*(?:,\s*)?(?:after|behind|following|trailing(?: only)?)\s+", re.IGNORECASE)
_BEHIND = re.compile(r"\s*(?:,\s*)?(?:and\s+)?followed by\s+", re.IGNORECASE)
_LIST_GAP = re.compile(
    r"(?:the\s+)?|\s*(?:\([^)]{0,40}\))?\s*(?:,|,?\s+and|,?\s+then)\s+(?:the\s+)?"
)


def _list_ranks(
    s: str, sent: Sentence, fig: Figure, claim: Claim, concrete: list[Mention]
) -> list[Claim]:
    """Rank claims for the partners a list after ``fig`` places ahead of or behind it."""
    tail = s[fig.end :]
    # the trigger may follow the rank's noun ("the third spot, following China")
    lead = re.match(
        r"(?:[\w' $-]|\.(?=\d)){0,60}?(?=\s*,?\s*(?:after|behind|following|trailing|and followed|"
        r"followed)\b)",
        tail,
    )
    off = fig.end + (lead.end() if lead else 0)
    ahead, behind = _AHEAD.match(s, off), _BEHIND.match(s, off)
    trig = ahead or behind
    if trig is None:
        return []
    items: list[Mention] = []
    pos = trig.end()
    for m in sorted(concrete, key=lambda m: m.start):
        if m.start < pos:
            continue
        if not _LIST_GAP.fullmatch(s[pos : m.start]):
            break
        if m.code in claim.economies[:1]:
            break
        items.append(m)
        pos = m.end
    first = 1.0
    if ahead and 0 < len(items) < claim.value - 1:
        # "the eighth most important trade partner ..., after Japan and before India": fewer
        # names than places ahead are the ones right ahead (Japan 7th)
        first = claim.value - len(items)
    out = []
    for i, m in enumerate(items):
        rank = first + i if ahead else claim.value + i + 1
        if ahead and rank >= claim.value:
            break  # more items ahead than the rank allows: not a list of those ahead
        out.append(
            Claim(
                kind="rank",
                economies=(claim.economies[0], m.code),  # type: ignore[arg-type]
                flow=claim.flow,
                period=claim.period,
                value=rank,
                unit="rank",
                base=None,
                product=None,
                approx=None,
                sentence=s,
                start=sent.start,
                end=sent.end,
                value_text=m.text,
                value_start=sent.start + m.start,
                value_end=sent.start + m.end,
            )
        )
    nxt = re.match(r"\s*,?\s*and\s+(?:just\s+)?(?:before|ahead of)\s+(?:the\s+)?", s[pos:])
    after = next((m for m in concrete if nxt and m.start == pos + nxt.end()), None)
    if ahead and after is not None and after.code not in claim.economies[:1]:
        # "... after Japan and before India": India is the next place down
        out.append(
            Claim(
                kind="rank",
                economies=(claim.economies[0], after.code),  # type: ignore[arg-type]
                flow=claim.flow,
                period=claim.period,
                value=claim.value + 1,
                unit="rank",
                base=None,
                product=None,
                approx=None,
                sentence=s,
                start=sent.start,
                end=sent.end,
                value_text=after.text,
                value_start=sent.start + after.start,
                value_end=sent.start + after.end,
            )
        )
    return out


# "... in Asia after China and Japan", "the third in the Asia-Pacific region": a regional ranking
_REGIONAL = re.compile(
    r"\s+(?:in|among|within) (?:the\b|(?!January|February|March|April|May|June|July|August|"
    r"September|October|November|December)[A-Z][a-z])"
)
_LIST_SEP = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*,\s+and\s+)(?:the\s+)?")


def _runs(items: list, s: str) -> list[list]:
    """Maximal runs of items (spans) separated only by ", " / " and " (a written list)."""
    runs: list[list] = []
    for it in items:
        if runs and _LIST_SEP.fullmatch(s[runs[-1][-1].end : it.start]):
            runs[-1].append(it)
        else:
            runs.append([it])
    return [r for r in runs if len(r) >= 2]


def _respectively(
    s: str, claims: list[Claim], concrete: list[Mention], figures: list[Figure], offset: int
) -> list[Claim]:
    """ "Exports to China and the United States rose 21.1 and 11.0 per cent (respectively)",
    "India, Germany and Malaysia saw their surpluses decrease 9.7, 5.5 and 3.8 percent": the
    i-th figure of a list belongs to the i-th economy of a list before it."""
    econ_runs = _runs(sorted(concrete, key=lambda m: m.start), s)
    fig_runs = _runs([f for f in figures if f.kind in {"money", "percent"}], s)
    if not econ_runs or not fig_runs:
        return claims
    out = list(claims)
    for figs in fig_runs:
        ms = next((r for r in reversed(econ_runs) if r[-1].end <= figs[0].start), None)
        if ms is None or len(ms) != len(figs):
            continue
        codes = [m.code for m in ms]
        for f, m in zip(figs, ms, strict=True):
            for k, c in enumerate(out):
                if c.value_start != offset + f.start:
                    continue
                if m.code in c.economies:
                    continue
                swapped = tuple(m.code if e in codes else e for e in c.economies)
                if swapped != c.economies and len(set(swapped)) == len(swapped):
                    out[k] = replace(c, economies=swapped)  # type: ignore[arg-type]
    return out


def _figure_claim(
    s: str,
    sent: Sentence,
    fig: Figure,
    figures: list[Figure],
    ms: list[Mention],
    concrete: list[Mention],
    periods: list[PeriodMention],
    ctx: _Context,
    sentence_trade: bool,
    pair_word: bool,
    it_subject: bool,
) -> Claim | None:
    lo, hi = _clause_bounds(s, fig.start)
    if fig.kind not in {"rank", "top"} and _blocked(s, fig, lo, hi):
        return None
    if fig.kind == "rank" and _BLOCK.search(s[fig.start : min(len(s), fig.end + 15)]):
        return None
    # "Vietnam and South Korea, meanwhile, recorded total trade turnover of $29.12 billion": a
    # pair named before the figure makes its "total" the pair's
    pair_before = len({m.code for m in concrete if m.start < fig.start}) >= 2 or any(
        m.form == "pair" and m.start < fig.start for m in ms
    )
    ws = list(_WORLD_SENTENCE.finditer(s, lo, fig.start))
    if (
        ws
        and not any(ws[-1].end() <= m.start < fig.start for m in concrete)
        and not (pair_before and not re.search(r"world|global", ws[-1].group(0), re.I))
    ):
        return None  # "Japan's total exports with the world decreased 2.4 percent"
    wt = _WORLD_TOTAL.search(s[lo : fig.start]) if fig.kind not in {"rank", "top"} else None
    owned_total = wt is not None and re.search(
        r"'s?\s+$", s[max(0, lo + wt.start() - 4) : lo + wt.start()]
    )
    if (
        wt
        and (not pair_before or owned_total)
        and not re.match(r"\s+(?:[\w-]+\s+){0,2}(?:with|between|to|from)\b", s[lo + wt.end() :])
    ):
        return None  # "the overall trade surplus": a total with the world, not a bilateral figure
    if re.match(r"[^,.;]{0,40}\bas a whole\b", s[fig.end :]):
        return None  # "the 16.3 percent increase for South Korean exports as a whole"
    refers_back = (
        fig.kind == "multiple"
        and re.match(r"\s+(?:that|it|this)\b", s[fig.end :]) is not None
        and ctx.last_claim is not None
    )
    if it_subject and ctx.last_claim is None and ctx.pair is None:
        it_subject = False
    if not (sentence_trade or refers_back or it_subject):
        return None
    # --- kind -------------------------------------------------------------------------------------
    kind: str
    value, unit = fig.value, fig.unit
    target_p = next((p for p in periods if p.role == "target" and p.start > fig.start), None)
    targety = bool(_TARGET_WORD.search(s[: fig.start])) or target_p is not None
    future = target_p is not None and (
        ctx.published is None or int(target_p.period or 0) >= ctx.published.year
    )
    if fig.kind in {"rank", "top"}:
        kind = "rank"
    elif fig.kind == "percent" or fig.kind == "fraction":
        before = s[lo : fig.start]
        share_m = _SHARE.search(before[-40:]) if before else None
        of_total = re.match(
            r"\s+of\s+(?:[\w.' ]+?(?:'s?|s')\s+|its\s+|their\s+|the\s+)?(?:total\s+|overall\s+)?"
            r"(?:[a-z ]+\s)?(?:trade|exports|imports|turnover|shipments|purchases|sales|supplies)"
            r"|\s+of\s+the\s+total\b",
            s[fig.end :],
        )
        # "57 per cent of India's total inbound shipments": a part of a named total is a share
        # whatever verb comes before it
        named_total = of_total is not None and re.search(r"total|overall|'s?\s", of_total.group(0))
        # "some 36% of Chinese exports to Russia consisted of ...": a part of one economy's
        # flow to another, named by its adjective
        named_total = named_total or re.match(
            r"\s+of\s+(?:all\s+)?[A-Z][a-z]+\s+(?:exports|imports|shipments|supplies)\s+"
            r"(?:to|from)\s",
            s[fig.end :],
        )
        # "accounting for 14.7 per cent.": the share of the total just named
        bare_share = re.search(
            r"\b(?:accounts?|accounted|accounting) for (?:about |nearly |over |more than )?$",
            before[-40:],
        ) and re.match(r"\s*(?:[.,;]|$)", s[fig.end :])
        # "Russia's share in India's total trade has increased to 3.54%, up from 1.27%"
        share_noun = re.search(r"\bshare (?:in|of)\b", before) and not re.match(
            r"\s*(?:percentage )?points?\b", s[fig.end :]
        )
        compared = re.search(
            r"compared (?:with|to) [\w.' ]+?'s?\s*$", s[max(0, fig.start - 40) : fig.start]
        )
        up = _UP.search(before[-60:]) if before else None
        down = _DOWN.search(before[-60:]) if before else None
        paren = (
            re.match(r"\s*\(", s[fig.start - 2 : fig.start])
            or s[max(0, fig.start - 1) : fig.start] == "("
        )
        # "Japan (12 per cent or $66.1 billion)", "Germany (15.7 billion euros, 36%)": a percent
        # beside a partner's money figure in its bracket is that partner's share
        bracket_share = bool(
            (paren and re.match(r"\s+or\s+(?:US)?\$", s[fig.end :]))
            or re.search(r"\(\s*(?:US)?\$?\d[\d.,]*\s*[a-z]*\s*[a-z]*,\s*$", s[lo : fig.start])
        )
        if (
            (share_m and of_total)
            or compared
            or named_total
            or bare_share
            or share_noun
            or bracket_share
        ):
            kind = "share"
        elif future and _FORWARD.search(before[-80:]):
            kind = "target"  # "expects the annual trade growth ... would be 35% by 2020"
        elif re.search(
            r"\b(?:will|would|forecasts?|expects?|expected|projected)\b", before[-80:]
        ) and (re.search(r"\b(?:this|next) year\b", s[lo:hi])):
            kind = "target"  # "forecast that exports this year will rise about 40 percent"
        elif up or down or paren or _AFTER_CHANGE.match(s[fig.end :]):
            kind = "change"
            last_up = up.start() if up else -1
            last_down = down.start() if down else -1
            after_m = _AFTER_CHANGE.match(s[fig.end :])
            # "the nearly 16 percent on-year decrease": the change's own word is the last one
            after_down = bool(after_m and _DOWN_AFTER.match(after_m.group(0).split()[-1]))
            after_up = bool(after_m and not after_down)
            if ((last_down > last_up and not after_up) or after_down) and value > 0:
                value = -value
        elif (
            re.search(r"\bby\s+$", before)
            and ctx.last_claim is not None
            and ctx.last_claim.sentence == s
            and ctx.last_claim.kind == "change"
        ):
            # "In 2017, this figure increased by 20.8%, ... and in 2019 - by 3.4%": the change
            # verb given once for the list
            kind = "change"
            if ctx.last_claim.value < 0 and value > 0:
                value = -value
        else:
            return None
    elif fig.kind == "multiple":
        if fig.value == 0.5:
            kind, value, unit = "change", -50.0, "%"
        elif (
            targety
            and (future or refers_back)
            and fig.text.lower().split()[-1]
            in {"double", "triple", "quadruple", "doubling", "tripling"}
        ):
            kind = "target"
        else:
            kind = "change"
    else:  # money
        bals = list(_BALANCE_WORD.finditer(s[max(lo, fig.start - 50) : fig.start]))
        # "the $19.03 billion deficit": the balance word right after the figure
        # ("a $53-billion trade deficit with Australia": "trade" may come between)
        gap = re.match(r" (?:trade )?", s[fig.end :])
        bal_after = _BALANCE_WORD.match(s, fig.end + gap.end()) if gap else None
        bal = bals[-1] if bals else bal_after
        money_change = _MONEY_CHANGE.search(s[max(0, fig.start - 30) : fig.start])
        from_level = (
            targety
            and re.search(
                r"\bfrom (?:about |around |some )?$", s[max(0, fig.start - 20) : fig.start]
            )
            and re.match(r"\s+to\s+(?:about |around |over )?(?:US)?\$|\s+to\s+\d", s[fig.end :])
        )
        if money_change and not targety:
            # "down $4.69 billion", "a decrease of $3.2 billion": a difference, signed
            kind = "change"
            if _DOWN.search(money_change.group(0)) and value > 0:
                value = -value
        elif from_level:
            kind = "value"  # "rise from $62 bln to $100 bln": the level now, then the goal
        elif (
            (future and targety)
            or (target_p is None and _forward_before(s, lo, fig.start))
            or (
                _GOAL_AFTER.match(s[fig.end :])
                and not _GOAL_REACHED.search(s[max(0, fig.start - 30) : fig.start])
            )
        ):
            kind = "target"
        elif bal:
            kind = "balance"
            negative = re.search(
                r"\bnegative\s+(?:trade\s+)?balance\s+(?:of\s+)?$",
                s[max(0, fig.start - 60) : fig.start],
            )
            if ("deficit" in bal.group(0).lower() or negative) and value > 0:
                value = (
                    -value
                )  # a deficit is negative from its owner's side; "-US$1.5 bn" already is
        else:
            kind = "value"
    # --- flow ------------------------------------------------------------------------------------
    if kind == "balance":
        flow: Flow | None = "balance"
        flow_m = None
    elif kind == "rank":
        noun = fig.noun or "trading partner"
        if fig.noun is None and it_subject and ctx.last_claim:
            noun = {"exports": "destination", "imports": "supplier"}.get(
                ctx.last_claim.flow or "", noun
            )
        # the owner's partners ranked: its importers and buyers take its exports, its exporters
        # and suppliers send its imports ("the largest mollusk importer of Vietnam")
        flow = (
            "turnover"  # "the biggest export and import market": both ways
            if re.search(r"export", noun) and re.search(r"import", noun)
            else "imports"
            if re.search(r"exporter|supplier|source", noun)
            else "exports"
            if re.search(r"importer|export|buyer|customer|destination|market", noun)
            else "imports"
            if re.search(r"import", noun)
            else "turnover"
        )
        flow_m = None
    else:
        flow, flow_m = _nearest_flow(s, lo, hi, fig.start)
        if flow is None:
            flow, flow_m = _nearest_flow(s, 0, len(s), fig.start)
        if flow == "turnover" and flow_m is not None and flow_m.group(0).lower() == "trade":
            # "the surplus Japan saw in its trade with South Korea shrank ...", "The U.S. deficit
            # in the bilateral trade recorded ...": the trade is where the balance is, the balance
            # is the subject
            inner = re.search(
                r"\bin (?:the |its |their )?(?:bilateral |two-way )?$",
                s[max(0, flow_m.start() - 30) : flow_m.start()],
            )
            bal_subj = list(_BALANCE_WORD.finditer(s, max(lo, flow_m.start() - 60), flow_m.start()))
            if inner and bal_subj:
                flow, flow_m = "balance", bal_subj[-1]
        if flow is None and (refers_back or it_subject):
            flow = ctx.last_claim.flow if ctx.last_claim else "turnover"
        if flow is None:
            return None
        if kind == "change" and flow == "balance":
            pass
        elif flow == "balance" and kind == "value":
            kind = "balance"
            if flow_m is not None and "deficit" in flow_m.group(0).lower() and value > 0:
                value = -value
    # --- economies ------------------------------------------------------------------------------
    economies = _economies(
        s, kind, flow, fig, flow_m, ms, concrete, lo, hi, ctx, pair_word, it_subject, refers_back
    )
    if economies is None or len(economies) < 2 or economies[0] == economies[1]:
        return None
    # --- period ----------------------------------------------------------------------------------
    period, base = _period(s, kind, fig, periods, lo, hi, ctx, refers_back)
    if (
        fig.kind == "money"
        and kind == "value"
        and targety
        and re.search(r"\bfrom (?:about |around |some )?$", s[max(0, fig.start - 20) : fig.start])
        and not any(lo <= p.start < hi and p.role == "point" for p in periods)
        and ctx.published is not None
    ):
        period = str(ctx.published.year - 1)  # the level a goal starts from: the last full year
    if kind == "change" and base is None:
        base = previous_period(period)
    if kind == "target" and unit == "x" and refers_back and ctx.last_claim:
        base = ctx.last_claim.period
    product = (
        _product(s, flow_m, ms) if flow_m is not None and kind not in {"rank", "balance"} else None
    )
    if kind == "share":
        sm = re.match(
            r"\s+of\s+(?:[\w.' ]+?(?:'s?|s')\s+)?(?P<p>[a-z ]+?)\s(?:exports|imports)", s[fig.end :]
        )
        product = _strip_product(sm["p"], ms, s) if sm else None
        tail = s[fig.end : fig.end + 50]
        if re.search(r"deficit|surplus|imbalance", tail):
            flow = "balance"  # "35 per cent of India's total trade imbalance"
        elif re.search(r"\binbound\b", tail):
            flow = "imports"  # "of India's total inbound shipments from Russia"
        elif re.search(r"\b(?:exports?|outbound|shipments|sales)\b", tail[:40]):
            flow = "exports"
        elif re.search(r"\b(?:imports?|purchases)\b", tail[:40]):
            flow = "imports"
        elif re.search(r"\bimports?\s+(?:accounting|accounted|accounts)\b", s[lo : fig.start]):
            flow = "imports"  # "with Russian imports accounting for about 1 per cent"
        elif re.search(r"\bexports?\s+(?:accounting|accounted|accounts)\b", s[lo : fig.start]):
            flow = "exports"
        elif (
            not re.match(r"\s+of\b", tail)
            and ctx.last_claim is not None
            and (ctx.last_claim.sentence == s or it_subject)
        ):
            flow = ctx.last_claim.flow  # "accounting for 14.7 per cent": the flow just given
        else:
            flow = "turnover"
    return Claim(
        kind=kind,  # type: ignore[arg-type]
        economies=tuple(economies),
        flow=flow,
        period=period,
        value=round(value, 4) if unit in {"%", "x"} else value,
        unit=unit,
        base=base,
        product=product,
        approx=fig.approx.lower() if fig.approx else None,
        sentence=s,
        start=sent.start,
        end=sent.end,
        value_text=fig.text,
        value_start=sent.start + fig.start,
        value_end=sent.start + fig.end,
    )


def _economies(
    s: str,
    kind: str,
    flow: str | None,
    fig: Figure,
    flow_m: re.Match[str] | None,
    ms: list[Mention],
    concrete: list[Mention],
    lo: int,
    hi: int,
    ctx: _Context,
    pair_word: bool,
    it_subject: bool,
    refers_back: bool,
) -> tuple[str, ...] | None:
    clause_ms = [m for m in concrete if lo <= m.start < hi]
    if refers_back and ctx.last_claim and not concrete:
        return ctx.last_claim.economies
    after_for = re.match(r"\s+for\s+(?:the\s+)?", s[fig.end :])
    if it_subject and ctx.last_claim and after_for and kind == "value":
        # "The total amount is third-highest after $79.25 billion for China and $39.66 billion for
        # the United States": the same reporter, another partner
        who = next((m for m in concrete if m.start == fig.end + after_for.end()), None)
        if who and who.code != ctx.last_claim.economies[0]:
            return (ctx.last_claim.economies[0], who.code)  # type: ignore[return-value]
    if it_subject and ctx.last_claim and not clause_ms and kind not in {"rank", "share"}:
        # "The figure is expected to hit 800 million USD", "In 2017, this figure increased by
        # 20.8%": the economies of the claim before
        return ctx.last_claim.economies
    item = _list_item(concrete, s, fig)
    if item is not None and kind == "value" and flow in {"exports", "imports"}:
        # "its exports to the next top four nations combined - Japan at $50 billion, South Korea
        # $21 billion, the U.S. 16 billion": each figure is its own partner's, with the reporter
        # of the passage's flow
        last = ctx.last_claim
        rep = last.economies[0] if last is not None else ctx.home
        if rep and rep != item.code:
            return (rep, item.code)
    listed = _bracketed_after(concrete, s, fig)
    if listed is not None and kind == "balance" and ctx.last_claim is not None:
        # "highest surplus are observed in Germany (8.9 billion euros), France (2.8 billion
        # euros)": each listed economy's balance with the passage's partner
        partner = Counter(c.economies[1] for c in ctx.claims[-8:]).most_common(1)[0][0]
        if partner != listed.code and not any(
            m.code == partner for m in _list_run(concrete, s, listed)
        ):
            return (listed.code, partner)
    if listed is not None and kind in {"value", "change"}:
        # "The US ($57,632.37 million), China ($50,792.83 million) ... recorded higher volumes of
        # trade with India": each bracketed figure is its economy's, with the economy outside
        # the list
        items = _list_run(concrete, s, listed)
        outside = [m for m in concrete if m not in items and m.code != listed.code]
        movers = re.search(
            r"\b(?:countries|states|members|economies)\s+(?:exporting|importing)\b",
            s[: listed.start],
        )
        if movers and flow in {"exports", "imports"}:
            # "main countries exporting to South Korea are Germany (15.7 billion euros, 36%)",
            # "Main countries importing South Korean goods are Germany (...)": the listed economy
            # is the one that exports or imports, the one named with the verb its partner
            near = [m for m in outside if movers.end() <= m.start < listed.start]
            if near:
                return (listed.code, near[0].code)  # type: ignore[return-value]
        if outside:
            return (outside[0].code, listed.code)  # type: ignore[return-value]
        o = _other(ctx, listed.code)
        return (o, listed.code) if o else None
    if kind == "rank":
        last = ctx.last_claim
        if (
            fig.text.lower().startswith("the ")
            and last
            and last.kind == "rank"
            and last.sentence == s
        ):
            return last.economies  # "... and the third in the region": same two economies
        if (
            last
            and last.kind == "rank"
            and last.sentence == s
            and re.search(r"\bits\s+$", s[: fig.start])
        ):
            return last.economies  # "seventh biggest trading partner, up from its 25th position"
        own_it = re.search(r"\b[Ii]t\s+(?:\w+\s+){0,6}$", s[lo : fig.start]) or re.match(
            r"^(?:The|This|That) (?:total |overall )?(?:figure|number|amount|value|sum)\b", s
        )
        if last and ((it_subject and own_it) or (not concrete and last.kind == "rank")):
            # "It presently replaced Hong Kong this year to make the top three", "The total
            # amount is third-highest": the economies of the claim before
            return last.economies
        return _rank_economies(s, fig, concrete, ctx)
    open_at = s.rfind("(", 0, fig.start)
    in_bracket = open_at >= 0 and ")" not in s[open_at : fig.start]
    last = ctx.last_claim
    if (
        in_bracket
        and kind in {"share", "value"}
        and last is not None
        and last.sentence == s
        and open_at < last.value_start - last.start < fig.start
    ):
        # "Germany (15.7 billion euros, 36%)", "Japan (12 per cent or $66.1 billion)": the two
        # figures of one bracket are the same pair's
        return last.economies
    if kind == "share":
        who = next((m for m in concrete if in_bracket and 0 <= open_at - m.end <= 2), None)
        if who is not None and re.match(r"\s+or\s", s[fig.end :]):
            # "Japan (12 per cent or $66.1 billion)": Japan's part of the home economy's total
            shares = [c for c in ctx.claims if c.kind == "share" and c.sentence == s]
            owner = (
                shares[-1].economies[0]
                if shares
                else last.economies[0]
                if last is not None
                else ctx.home
            )
            if owner and owner != who.code:
                return (owner, who.code)
        found = _share_economies(s, fig, concrete, ctx)
        if found is None and it_subject and ctx.last_claim and not clause_ms:
            # "The figure made up 6.3 percent of the country's total export turnover"
            return ctx.last_claim.economies
        return found
    if kind == "balance" or (kind == "change" and flow == "balance"):
        owner = None
        bal_of = list(_BALANCE_WORD.finditer(s, 0, fig.start))
        of = re.match(r"\s+of\s+(?:the\s+)?", s[bal_of[-1].end() :]) if bal_of else None
        if of:
            # "The positive balance of Russia", "... of the Russian side": the owner follows
            at = bal_of[-1].end() + of.end()
            owner = next((m for m in concrete if m.start == at), None)
        if owner is not None:
            partner = next((m for m in concrete if m.code != owner.code), None)
            o = partner.code if partner else _counterpart(ctx, owner.code)
            if o:
                return (owner.code, o)  # type: ignore[return-value]
        lv = re.search(
            r"\b(?:leaving|giving|left)\s+(?P<w>it|[\w.' ]+?)\s+(?:with\s+)?an?\b",
            s[lo : fig.start],
        )
        if lv:
            if lv["w"].lower() == "it":
                owner = _subject(concrete, s)
            else:
                owner = next((m for m in concrete if m.start >= lo + lv.start("w")), None)
        if owner is None:
            bal = list(_BALANCE_WORD.finditer(s, 0, fig.start))
            pos = bal[-1].start() if bal else fig.start
            owner = (
                _right_before(concrete, s, pos, 3)
                or _subject(concrete, s, lo, hi)
                or _subject(concrete, s)
            )
        partner = _after_prep(concrete, s, "with|against", fig.start - 80, len(s))
        if partner is None or (owner and partner.code == owner.code):
            partner = next((m for m in concrete if owner is None or m.code != owner.code), None)
        if partner is None and any(m.form == "country_anaphor" for m in ms):
            return (
                (owner.code, _other(ctx, owner.code)) if owner and _other(ctx, owner.code) else None
            )
        if owner is None and partner is not None:
            o = _other(ctx, partner.code)
            return (o, partner.code) if o else None
        if owner and partner:
            return (owner.code, partner.code)  # type: ignore[return-value]
        if (
            owner and not pair_word
        ):  # "The US trade deficit stood at ...": with the passage's partner
            o = _counterpart(ctx, owner.code)
            return (owner.code, o) if o else None
        if pair_word:
            return ctx.pair
        return ctx.passage_pair() if not concrete else None
    # flows: value, change, target
    last = ctx.last_claim
    if (
        flow in {"exports", "imports"}
        and not clause_ms
        and last is not None
        and last.sentence == s
        and last.flow in {"exports", "imports"}
        and (lo, hi) != _clause_bounds(s, last.value_start - last.start)
    ):
        # "exports from Korea to Japan dropped ..., while imports declined by 8.8 percent": the
        # other flow of the same reporter (a clause of its own that names no economy)
        return last.economies
    if flow in {"exports", "imports"} and flow_m is not None:
        fpos = flow_m.start()
        own = _right_before(concrete, s, fpos, 3)
        if own is None:
            own = (
                # "exports from Russia", "goods exported by Russia"
                _after_prep(concrete, s, "from|by", fpos, fpos + 25) if flow == "exports" else None
            )
        if own is None:
            own = _subject(concrete, s, lo, fpos) or _subject(concrete, s, 0, fpos)
        if flow == "exports":
            other = (
                _after_prep(concrete, s, "to|into", fpos, hi)
                or _after_prep(concrete, s, "to|into", 0, len(s))
                # "one of Vietnam's strong points in the RoK market": the market is the buyer
                or next(
                    (
                        m
                        for m in concrete
                        if re.match(r"\s+market\b", s[m.end :])
                        and re.search(r"\b(?:in|to|into)\s+(?:the\s+)?$", s[: m.start])
                    ),
                    None,
                )
            )
        else:
            other = _after_prep(concrete, s, "from", fpos, hi) or _after_prep(
                concrete, s, "from", 0, len(s)
            )
            if other is None:
                dem = re.match(r"\s+of\s+(?:[a-z]+\s+)?", s[flow_m.end() :])
                if dem:
                    other = next((m for m in concrete if m.start == flow_m.end() + dem.end()), None)
        if own and other and own.code != other.code:
            return (own.code, other.code)  # type: ignore[return-value]
        if other is not None and own is None:
            # "Exports to China and the United States": the second item is another destination,
            # not the exporter; the exporter is an unprepositioned economy, else the passage's
            alt = _subject([m for m in concrete if m.code != other.code], s)
            o = alt.code if alt else (_counterpart(ctx, other.code) or _other(ctx, other.code))
            return (o, other.code) if o else None
        if own is not None and other is None:
            if pair_word or it_subject:
                o = _other(ctx, own.code)
                return (own.code, o) if o else None
            alt = next((m for m in concrete if m.code != own.code), None)
            if alt is None:  # "India's exports stood at ...": the partner of the passage
                o = _counterpart(ctx, own.code)
                return (own.code, o) if o else None
            return (own.code, alt.code)  # type: ignore[return-value]
        if own is None and other is None:
            if it_subject and ctx.last_claim:
                return ctx.last_claim.economies
            last = ctx.last_claim
            if (
                last is not None
                and last.sentence == s
                and last.flow in {"exports", "imports"}
                and not clause_ms
            ):
                # "exports from Korea to Japan dropped ..., while imports declined by 8.8
                # percent": the other flow of the same reporter
                return last.economies
            if pair_word:
                return ctx.pair
            # "Exports fell 13.1 percent to $5.5 billion": no economy named, the passage's pair
            if not concrete:
                return ctx.passage_pair()
            # "Seafood is also one of Vietnam's strong point in the RoK market with an export
            # turnover of ...": both sides named, neither as exporter or destination: the
            # passage's pair, in its order
            topic = ctx.topic or ctx.pair
            if topic and {m.code for m in concrete} == set(topic):
                return topic
            return None
    # turnover (or a flow word without economies around it)
    codes = [m.code for m in clause_ms if m.code]
    if len(set(codes)) < 2:
        codes = codes + [m.code for m in concrete if m.code and m.code not in codes]
    uniq = list(dict.fromkeys(codes))
    if len(uniq) >= 2:
        return tuple(uniq[:2])
    if len(uniq) == 1:
        o = _other(ctx, uniq[0])
        if o is None:
            return None
        subj = _subject(concrete, s)
        return (uniq[0], o) if subj and subj.code == uniq[0] else (o, uniq[0])
    if pair_word:
        return ctx.pair
    if it_subject and ctx.last_claim:
        return ctx.last_claim.economies
    is_sentence = s.rstrip().endswith((".", "!", "?", '"'))  # a headline is not a sentence
    if it_subject or (
        is_sentence
        and not ms
        and flow == "turnover"
        and re.search(r"\b(?:[Tt]rade|[Tt]urnover)\b", s)
    ):
        # "Trade halved within two years": no economy named, so the pair the article is about
        return ctx.pair
    if not concrete:
        # "The surplus represents a decrease of $3.2 billion": the pair of the sentence before
        return ctx.passage_pair()
    return None


_ITEM_GAP = re.compile(r"\s+(?:at\s+|with\s+)?")


def _list_item(concrete: list[Mention], s: str, fig: Figure) -> Mention | None:
    """The economy a figure follows in a list of two or more "Economy [at] $N" items."""

    def before(start: int) -> Mention | None:
        return next(
            (m for m in concrete if m.end <= start and _ITEM_GAP.fullmatch(s[m.end : start])),
            None,
        )

    m = before(fig.start)
    if m is None:
        return None
    others = [
        f for f in find_figures(s) if f.kind == "money" and f.start != fig.start and before(f.start)
    ]
    return (
        m
        if others
        and (
            ", " in s[max(0, m.start - 3) : m.start]
            or others[0].start < fig.start
            or re.match(r",\s", s[fig.end :])
        )
        else None
    )


def _bracketed_after(concrete: list[Mention], s: str, fig: Figure) -> Mention | None:
    """The economy a bracketed figure follows: "China ($50,792.83 million)"."""
    if not re.search(r"\(\s*$", s[max(0, fig.start - 3) : fig.start]):
        return None
    return next((m for m in concrete if 0 <= fig.start - m.end <= 3), None)


def _list_run(concrete: list[Mention], s: str, m0: Mention) -> list[Mention]:
    """The written list ("A (..), B (..) and C (..)") that ``m0`` is an item of."""
    ms = sorted(concrete, key=lambda m: m.start)
    gap = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:,|,?\s+and)\s+(?:the\s+)?")
    i = ms.index(m0)
    lo_i = i
    while lo_i > 0 and gap.fullmatch(s[ms[lo_i - 1].end : ms[lo_i].start]):
        lo_i -= 1
    hi_i = i
    while hi_i + 1 < len(ms) and gap.fullmatch(s[ms[hi_i].end : ms[hi_i + 1].start]):
        hi_i += 1
    return ms[lo_i : hi_i + 1]


def _rank_economies(
    s: str, fig: Figure, concrete: list[Mention], ctx: _Context
) -> tuple[str, ...] | None:
    """(economy whose partners are ranked, the ranked partner)."""
    before = s[: fig.start]
    owner: str | None = None
    poss = [
        m
        for m in concrete
        if m.possessive and m.end <= fig.start and len(s[m.end : fig.start].split()) <= 3
    ]
    if poss:
        owner = poss[-1].code
    elif re.search(r"\bits\s+(?:\w+\s+)?$", before):
        subj = _subject(concrete, s)
        owner = subj.code if subj else None
    elif fig.kind == "top":
        m = next(
            (m for m in concrete if m.start >= fig.start - len(fig.text) - 30 and m.possessive),
            None,
        )
        owner = m.code if m else None
    if owner is None:
        of = re.match(r"\s+of\s+(?:the\s+)?", s[fig.end :])
        if of:
            m2 = next((m for m in concrete if m.start == fig.end + of.end()), None)
            owner = m2.code if m2 else None
    if fig.kind == "top":
        poss2 = [m for m in concrete if m.possessive and m.start < fig.start]
        owner = poss2[-1].code if poss2 else owner
    cop = re.match(r"\s+(?:was|is|were|are|remained|remains)\s+(?:the\s+)?", s[fig.end :])
    who = next((m for m in concrete if cop and m.start == fig.end + cop.end()), None)
    if owner is None and who is not None and _subject(concrete, s, 0, fig.start) is None:
        # "The second largest two-way trading partner was Japan": the partner after the verb,
        # of the article's home economy
        o = ctx.home if ctx.home and ctx.home != who.code else _counterpart(ctx, who.code)
        return (o, who.code) if o else None  # type: ignore[return-value]
    if owner is None:
        # "Viet Nam ... retained the third spot", "The United States tops the list": the ranking
        # is the passage's other economy's (its partners are ranked)
        subj = _subject(concrete, s, 0, fig.start)
        if subj is not None:
            o = _counterpart(ctx, subj.code) or _other(ctx, subj.code)
            return (o, subj.code) if o else None  # type: ignore[return-value]
        return None
    # the ranked partner: the subject of the rank's own clause, else of the sentence
    lo, _ = _clause_bounds(s, fig.start)
    cands = [m for m in concrete if m.code != owner and m.end <= fig.start]
    in_clause = [
        m
        for m in cands
        if m.start >= lo and not _PREP_BEFORE.search(s[max(0, m.start - 20) : m.start])
    ]
    partner = in_clause[0] if in_clause else None
    if partner is None:
        unprep = [m for m in cands if not _PREP_BEFORE.search(s[max(0, m.start - 20) : m.start])]
        partner = unprep[-1] if unprep else (cands[-1] if cands else None)
    if partner is None:
        o = _other(ctx, owner)
        return (owner, o) if o else None
    return (owner, partner.code)  # type: ignore[return-value]


def _share_economies(
    s: str, fig: Figure, concrete: list[Mention], ctx: _Context
) -> tuple[str, ...] | None:
    """(economy whose total is shared, the partner taking the share)."""
    after = s[fig.end :]
    owner: str | None = None
    total = re.match(
        r"\s+of\s+(?:the\s+)?(?:total\s+)?(?:goods\s+)?(?:exports?|imports?|trade)\s+"
        r"(?:of\s+goods\s+)?(?:from|of)\s+(?:the\s+)?",
        after,
    )
    if total:
        # "accounted for 84% of total exports from the EU to South Korea": the first named is
        # the total's owner, the one after "to"/"with" its partner
        a = next((m for m in concrete if m.start == fig.end + total.end()), None)
        if a is not None:
            b = _after_prep(concrete, s, "to|with|from", a.end, a.end + 30)
            if b is not None and b.code != a.code:
                return (a.code, b.code)  # type: ignore[return-value]
    of = re.match(r"\s+of\s+(?:the\s+)?", after)
    if of:
        m = next((m for m in concrete if m.start == fig.end + of.end()), None)
        if m:
            owner = m.code
        elif re.match(r"\s+of\s+its\b", after):
            poss = [m for m in concrete if m.possessive]
            owner = poss[0].code if poss else None
    sh = re.search(r"(?:'s?\s+)?share (?:in|of)\s+(?:the\s+)?$", s[: fig.start])
    sh = sh or re.search(r"'s?\s+share (?:in|of)\s+", s[: fig.start])
    if owner is None and sh:
        # "Russia's share in India's total trade": India's total, Russia's part
        after_sh = [m for m in concrete if m.start >= sh.end() - 1 and m.end <= fig.start]
        before_sh = [m for m in concrete if m.end <= sh.start() + 2]
        if after_sh and before_sh and after_sh[0].code != before_sh[-1].code:
            return (after_sh[0].code, before_sh[-1].code)  # type: ignore[return-value]
    if owner is None and (
        re.match(r"\s+of\s+(?:the\s+country's|the\s+total\b)", after)
        or re.match(r"\s*(?:[.,;]|$)", after)
    ):
        # "... accounting for nearly 15% of the country's total imports", "accounting for 20.1
        # per cent of the total": the total of the economy the sentence ranks partners of (a
        # possessive before the figure), else the article's home economy
        poss = [m for m in concrete if m.possessive and m.end <= fig.start]
        owner = poss[-1].code if poss else ctx.home
    compared = re.search(r"compared (?:with|to) ", s[: fig.start])
    if compared and ctx.last_claim and ctx.last_claim.kind == "share":
        who = next((m for m in concrete if compared.end() <= m.start < fig.start), None)
        if who:
            return (ctx.last_claim.economies[0], who.code)  # type: ignore[return-value]
    if owner is None:
        return None
    partner = next((m for m in concrete if m.code != owner and m.end <= fig.start), None)
    if partner is None:
        # "75 percent of Vietnam's imports from Russia": the partner follows the total
        partner = _after_prep(concrete, s, "from|to|with", fig.end, fig.end + 80)
    if partner is None or partner.code == owner:
        return None
    return (owner, partner.code)  # type: ignore[return-value]


def _period(
    s: str,
    kind: str,
    fig: Figure,
    periods: list[PeriodMention],
    lo: int,
    hi: int,
    ctx: _Context,
    refers_back: bool,
) -> tuple[str | None, str | None]:
    """(period, base) for a figure: its own period, then the comparison a few words after it
    ("down 6.4 percent from the previous month and 11 percent from May in 2011"; "compared to
    $21.4 billion during the same period in 2014")."""
    period, base = _own_period(s, kind, fig, periods, lo, hi, ctx, refers_back)
    span = re.match(r"\s+from\s[^,;]{0,60}?\sto\s[^,;]{0,60}", s[fig.end :])
    if kind == "change" and span:
        # "has nearly doubled from $43.3 billion in FY21 to $83.7 billion in FY24": the change
        # runs from the first period to the second
        inside = [
            p for p in periods if p.role == "point" and fig.end < p.start < fig.end + span.end()
        ]
        if len(inside) == 2 and inside[0].period != inside[1].period:
            return inside[1].period, inside[0].period
    near = [
        p
        for p in periods
        if p.role in {"base", "since", "prevmonth", "monthbase", "sameyear"}
        and fig.end <= p.start <= fig.end + 40
    ]
    frm = re.match(r"\s+from (?:about |around )?(?:US)?\$[\d.,]+\s*[a-z]*\s+", s[fig.end :])
    if kind == "change" and frm and period:
        # "up 13 percent from $1.7 billion in April": the base is the earlier figure's period
        at = [p for p in periods if p.role == "point" and p.start <= fig.end + frm.end() + 3]
        at = [p for p in at if p.start >= fig.end]
        if at:
            return period, at[0].period
    if kind == "change" and near and period:
        p0 = near[0]
        if p0.role == "prevmonth":
            base = _previous_month(period)
        elif p0.role == "monthbase":
            base = _month_before(period, int(p0.base or 0))
        elif p0.role == "sameyear" and len(set(re.findall(r"\d{4}", period))) == 1:
            base = re.sub(r"\d{4}", p0.base or "", period)
        elif p0.base:
            base = p0.base
    if (
        kind in {"value", "balance"}
        and period
        and re.search(r"\bfrom (?:about |around )?$", s[max(0, fig.start - 20) : fig.start])
        and re.match(r"\s+(?:from |in )?(?:a|one) year (?:earlier|before|ago)\b", s[fig.end :])
    ):
        # "a 21-point-six percent decrease from 21-point-seven billion dollars from a year
        # earlier": the level compared with is the year before's
        return previous_period(period), base
    if (
        kind in {"value", "balance"}
        and near
        and near[0].role == "sameyear"
        and period
        and len(set(re.findall(r"\d{4}", period))) == 1
    ):
        period = re.sub(r"\d{4}", near[0].base or "", period)
    return period, base


def _month_before(period: str, month: int) -> str | None:
    """The named month at or before a month period ("2024-08", July -> "2024-07"; "2021-01",
    December -> "2020-12")."""
    m = re.fullmatch(r"(\d{4}|\?{4})-(\d\d)", period)
    if not m or not 1 <= month <= 12:
        return None
    y = m[1]
    if month >= int(m[2]) and y.isdigit():
        y = str(int(y) - 1)
    return f"{y}-{month:02d}"


def _previous_month(period: str) -> str | None:
    """The month before a month period ("2012-05" -> "2012-04")."""
    m = re.fullmatch(r"(\d{4})-(\d\d)", period)
    if not m:
        return previous_period(period)
    y, mo = int(m[1]), int(m[2])
    return f"{y - 1}-12" if mo == 1 else f"{y}-{mo - 1:02d}"


def _own_period(
    s: str,
    kind: str,
    fig: Figure,
    periods: list[PeriodMention],
    lo: int,
    hi: int,
    ctx: _Context,
    refers_back: bool,
) -> tuple[str | None, str | None]:
    """(period, base) for a figure, from its clause, its sentence, then the passage."""
    base = None
    bracket = re.search(r"\(\s*$", s[max(0, fig.start - 3) : fig.start])
    if bracket and kind != "change":
        # "in 2017-18 ($10,686.85 million) and 2019-20 ($10,110.68 million)"
        right = [p for p in periods if p.role == "point" and 0 <= fig.start - p.end <= 3]
        if right:
            return right[0].period, base
        # "an increase of 26.7% from last August ($6.3 billion)": the level of the base month
        was = [p for p in periods if p.role == "base" and p.base and 0 <= fig.start - p.end <= 3]
        if was and re.fullmatch(r"(?:\d{4}|\?{4})-\d\d", was[0].base or ""):
            return was[0].base, base
        # "The US ($57,632.37 million), China (...) ... during the first five months of 2022-23"
        own = [p for p in periods if p.role == "point"]
        if own and re.search(r"[A-Za-z.]\s*\(\s*$", s[max(0, fig.start - 4) : fig.start]):
            return own[0].period, base
    rng = next((p for p in periods if p.role == "range"), None)
    if kind == "change":
        since = next((p for p in periods if p.role in {"since", "base"}), None)
        if since:
            base = since.base
        if rng:
            return rng.period, rng.base
        same = any(p.role == "same" for p in periods)
        own = any(p.role == "point" for p in periods)
        if same and ctx.last_period and not own:
            return ctx.last_period, previous_period(ctx.last_period)
    if kind == "target":
        t = next((p for p in periods if p.role == "target" and p.start > fig.start), None)
        # "to $30 billion in 2020": a year right after the goal; "..., the Ministry announced in
        # March 2015" further on is when it was said, not the goal's year
        t = t or next(
            (
                p
                for p in periods
                if p.role in {"target", "point"}
                and (
                    (fig.end <= p.start <= fig.end + 25 and "," not in s[fig.end : p.start])
                    or (
                        lo <= p.start < hi
                        and re.match(r"(?:this|next) year", s[p.start : p.end].lower())
                    )
                )
            ),
            None,
        )
        return (t.period if t else None), None
    points = [p for p in periods if p.role in {"point", "now"}]
    distinct = {p.period for p in points if p.role == "point"}
    if (
        kind in {"rank", "share"}
        and len(distinct) == 1
        and not any(lo <= p.start < hi for p in points)
        and re.match(r", making\b", s[max(0, lo - 8) : lo] + s[lo:])
    ):
        # "... reached USD 62.6 billion by the end of November, making Vietnam the RoK's
        # fourth-largest trade partner": the sentence's period
        return next(p.period for p in points if p.role == "point"), base
    if kind in {"rank", "share"} and not any(lo <= p.start < hi for p in points):
        points = [p for p in points if is_annual(p.period)]
        if not points and _PRESENT.search(s) and ctx.published:
            # "South Korea is the EU's eighth largest export destination": the last full year
            return str(ctx.published.year - 1), base
    anaphor = any(p.role == "anaphor" for p in periods)
    if anaphor and ctx.last_period and not any(lo <= p.start < hi for p in points):
        # "in the period", "over the cited period": the one the passage's figures are about (a
        # rank said in between is not what "the period" points to)
        flows = [c.period for c in ctx.claims if c.period]
        if any(p.role == "anaphor" and p.base == "lastmonth" for p in periods):
            # "in October. ... the nearly 16 percent decrease posted in September. ... slipped
            # 12 percent last month": the latest month reported
            months = [f for f in flows if re.fullmatch(r"(?:\d{4}|\?{4})-\d\d", f)]
            if months:
                return max(months, key=lambda f: (f[:4], f[5:])), base
        # "over the cited period", "in the reviewed period": the latest span of months given (a
        # rank "in October" or a year said in between is not what "the period" points to)
        spans = [f for f in flows if re.fullmatch(r"(?:\d{4}|\?{4})-(?:[QH]\d|\d\d/.*)", f)]
        return (spans[-1] if spans else flows[-1] if flows else ctx.last_period), base
    in_clause_after = [p for p in points if lo <= p.start < hi and p.start >= fig.end]
    in_clause_before = [p for p in points if lo <= p.start < hi and p.end <= fig.start]
    near_after = [
        p
        for p in in_clause_after
        if p.start - fig.end <= 40
        and (
            not _FIGURE_START.search(s, fig.end, p.start)
            or re.match(r"\s+and\s+(?:amounted to|reached|stood at|totall?ed)\s", s[fig.end :])
        )
        and not (in_clause_before and "," in s[fig.end : p.start])
    ]
    # "$1.3 billion a year before" aside, the periods of a "from $1.7 billion in April" are the
    # base's, not the clause's
    in_clause_before = [
        p
        for p in in_clause_before
        if not re.search(
            r"\bfrom (?:US)?\$[\d.,]+ \w+ (?:(?:in|during) )?$", s[max(0, p.start - 40) : p.start]
        )
    ] or in_clause_before
    if near_after and (not in_clause_before or near_after[0].start - fig.end <= 25):
        p0 = near_after[0]
        between = s[fig.end : p0.start]
        if re.search(r"\bfrom (?:the )?(?:US ?)?\$|\bfrom (?:the )?\d", between):
            # "$31.9 billion, up from $21.2 billion in 2016": 2016 is the earlier figure's; the
            # figure's own is the clause's period before it ("recorded $2 billion in May, up 13
            # percent from $1.7 billion in April"), else a year later
            if in_clause_before:
                return in_clause_before[-1].period, base
            return _next_period(p0.period), base
        if re.search(r"\bfrom (?:about |around )?$", s[max(0, fig.start - 20) : fig.start]) and (
            re.match(r"\s+to\s", s[fig.end :])
        ):
            # "decreased from $36.5 billion to $35.6 billion in the first half": the base's
            return previous_period(p0.period), base
        return p0.period, base
    if in_clause_before:
        return in_clause_before[-1].period, base
    if (
        in_clause_after
        and not re.search(
            r"\b(?:said|says|announced|reported|noted|stated|told|showed|meeting|on)\b",
            s[fig.end : in_clause_after[0].start],
        )
        # "on December 7, 2023": the day something was said or met, not a figure's period
        and not re.search(r"\b[A-Z][a-z]+ \d{1,2},\s*$", s[: in_clause_after[0].start])
        and (
            not _FIGURE_START.search(s, fig.end, in_clause_after[0].start)
            or re.match(r"\s+and\s+(?:amounted to|reached|stood at|totall?ed)\s", s[fig.end :])
        )
    ):
        # "The UAE with $3.6bn was the third biggest trade partner ... during the first five
        # months of the financial year"
        return in_clause_after[0].period, base
    if in_clause_after and kind in {"rank", "share"}:
        return in_clause_after[0].period, base  # "... of India's total trade imbalance in FY2024"
    if rng and lo <= rng.start < hi:
        return rng.period, base
    if points and not (ctx.last_period and all(abs(p.start - fig.start) > 40 for p in points)):
        return min(points, key=lambda p: abs(p.start - fig.start)).period, base
    if rng:
        return rng.period, base
    if points and re.search(r"\b(?:whereas|while)\b", s[fig.end : points[-1].start]):
        # "exports stood at $3.25bn, whereas imports had been valued at $9.87bn last financial
        # year": two halves of one comparison share the period given once
        return points[-1].period, base
    if kind in {"rank", "share"}:
        if (
            ctx.claim_age <= 1
            and ctx.last_period
            and re.search(r"\b(?:was|were)\b", s[: fig.start])
        ):
            # "Russia was Türkiye's leading supplier" after "exported ... in April": a past rank
            # of the passage's period
            flows = [c.period for c in ctx.claims if c.kind != "target" and c.period]
            if flows:
                return flows[-1], base
        # a present-tense rank or share: the last full year before publication ("????" when
        # the page gives no date at all)
        return ctx.last_annual() or (str(ctx.published.year - 1) if ctx.published else "????"), base
    if ctx.last_seen and kind != "target" and not ctx.last_period:
        # "The trade ties ... strengthened in the last fiscal year. For the first time, exports
        # ... topped $40 billion": the period the sentence before named without a figure
        return ctx.last_seen, base
    if ctx.last_period and kind != "target":
        last = ctx.last_claim
        if last is not None and (
            last.kind == "target" or (last.kind == "rank" and last.sentence == s)
        ):
            # the passage's period is its flows', not a goal's, nor a ranking's said alongside
            # ("The total amount is third-highest after $79.25 billion for China")
            prev = [c.period for c in ctx.claims if c.kind != "target" and c.sentence != s]
            prev = prev or [c.period for c in ctx.claims if c.kind != "target"]
            return (prev[-1] if prev else None), base
        return ctx.last_period, base
    if ctx.last_year:
        return str(ctx.last_year), base
    return (str(ctx.published.year - 1) if ctx.published else None), base


_FIGURE_START = re.compile(
    r"(?:US)?\$\s?\d|\d(?:[\d.,]*)\s?(?:%|per ?cent|percent|billion|million)"
)
_PRESENT = re.compile(r"\b(?:is|are|remains?|has become|have become|ranks)\b")


def _next_period(period: str | None) -> str | None:
    """The same period one year later (the inverse of ``previous_period``)."""
    return re.sub(r"\d{4}", lambda m: str(int(m.group(0)) + 1), period) if period else None


def _home_and_pair(
    doc: Document, mentions: list[list[Mention]]
) -> tuple[str | None, tuple[str, str] | None]:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    pair: tuple[str, str] | None = None
    together: Counter[tuple[str, ...]] = Counter()
    order: dict[tuple[str, ...], tuple[int, tuple[str, str]]] = {}
    for i, ms in enumerate(mentions):
        s = doc.sentences[i].text
        dl = _DATELINE.match(s)
        codes = [m.code for m in ms if m.code and (not dl or m.start >= dl.end())]
        for m in ms:
            if m.code:
                counts[m.code] += 2 if m.possessive else 1
                first.setdefault(m.code, i)
        uniq = list(dict.fromkeys(codes))
        if len(uniq) >= 2:
            # the pair the article is about: named together most often (first seen on a tie);
            # a pair of two countries ("the two countries") before one with a group
            countries = [c for c in uniq if c not in GROUPS] or uniq
            a, b = (countries + [c for c in uniq if c not in countries])[:2]
            key = tuple(sorted((a, b)))
            together[key] += 1
            order.setdefault(key, (i, (a, b)))
    if together:
        best = max(together, key=lambda k: (together[k], -order[k][0]))
        pair = order[best][1]
    home = max(counts, key=lambda c: (counts[c], -first[c])) if counts else None
    return home, pair


def extract_document(doc: Document, published: dt.date | None = None) -> tuple[Claim, ...]:
    """Claims in an already cleaned document.

    Without ``published``, the date is looked for in the text (``bilat.claims.dating``): a date
    line, else the latest year the text gives a figure for.
    """
    if published is None:
        found = find_published(doc)
        published = found.date if found else None
    raw = [find_mentions(s.text) for s in doc.sentences]
    home, pair = _home_and_pair(doc, raw)
    ctx = _Context(published=published, pair=pair, home=home)
    out: list[Claim] = []
    for sent, ms in zip(doc.sentences, raw, strict=True):
        resolved = _resolve_anaphors(ms, ctx)
        out.extend(_sentence_claims(sent, ctx, resolved))
    return tuple(out)


def extract(
    text: str, published: dt.date | str | None = None, *, is_html: bool | None = None
) -> tuple[Claim, ...]:
    """Quantitative trade claims in an article (plain text or HTML), in reading order.

    ``published`` (a date or ISO string) resolves "last year", "this year" and bare months.
    """
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    return extract_document(clean(text, is_html=is_html), published)

"""Sentences that hold numbers but gave no claim, each with the reason, for a reader to audit.

A fact-checker reading the result wants to see what the checker passed over: "Korea's GDP grew
2.7 %" (not trade), "Korea's exports rose 5 %" (a total with the world), "the 10th meeting" (a
count). The reason is the first rule, in the extractor's order, that keeps each figure out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bilat.claims.figures import find_figures
from bilat.claims.mentions import find_mentions
from bilat.claims.model import Claim
from bilat.claims.text import Document

__all__ = ["Skipped", "skipped_sentences"]

_NUMBER = re.compile(r"\d")
_WORLD_WORD = re.compile(r"\b(?:overall|worldwide|global|total exports|total imports)\b", re.I)


@dataclass(frozen=True)
class Skipped:
    """A sentence at [start, end) of the cleaned text with numbers and no claim, and why."""

    start: int
    end: int
    sentence: str
    why: str

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict."""
        return {"start": self.start, "end": self.end, "sentence": self.sentence, "why": self.why}


def _why(s: str) -> str:
    from bilat.claims.extract import _BLOCK, _TRADE, _WORLD_SENTENCE, _WORLD_TOTAL

    figures = find_figures(s)
    if not figures:
        return "numbers, but no amount of money, percentage, multiple or rank (a date, a count)"
    if not _TRADE.search(s):
        block = _BLOCK.search(s)
        if block:
            return f"a figure about {block.group(0).lower()}, not about trade"
        return "no word of trade (exports, imports, turnover, trade, partner) in the sentence"
    for f in figures:
        near = s[max(0, f.start - 45) : f.end + 40]
        block = _BLOCK.search(near)
        if block and not _TRADE.search(near):
            return f"the figure {f.text!r} is about {block.group(0).lower()}, not about trade"
    if _WORLD_SENTENCE.search(s) or _WORLD_TOTAL.search(s) or _WORLD_WORD.search(s):
        return "a total with the whole world, not trade between two economies"
    codes = {m.code for m in find_mentions(s) if m.code}
    if len(codes) < 2:
        return "no pair of economies named, and none the passage makes clear"
    return "the figure is not tied to a flow between the economies named"


def skipped_sentences(doc: Document, claims: tuple[Claim, ...] | list[Claim]) -> list[Skipped]:
    """Sentences of ``doc`` with a digit or a figure in words and no claim, in reading order."""
    with_claims = {c.start for c in claims}
    out = []
    for sent in doc.sentences:
        if sent.start in with_claims:
            continue
        s = sent.text
        if not (_NUMBER.search(s) or find_figures(s)):
            continue
        if re.fullmatch(r"\s*date \d{4}-\d\d-\d\d\s*", s):
            continue  # the search tool's date line
        out.append(Skipped(sent.start, sent.end, s, _why(s)))
    return out

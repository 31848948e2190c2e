"""Turn compact hand notes into annotation records with character spans (annotator's helper).

A claim is written as ``C(quote, value_text, slots)``: ``quote`` a verbatim piece of the article
(``quote#2`` for its second occurrence), ``value_text`` the figure inside it (``#2`` likewise), and
``slots`` one line ``kind economies flow period value unit qualifier base product``, with ``-`` for
null, economies joined by ``-`` (``RUS-KOR``), and ``_`` for spaces inside a qualifier or product
(``more_than``, ``flat_panel_displays``), and an optional tenth field ``S`` when the figure
includes services. A non-claim is ``N(quote, category)``.
This module only locates text; it never changes the article.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["C", "N", "locate", "to_records"]


@dataclass(frozen=True)
class C:
    quote: str
    value_text: str
    slots: str
    note: str | None = None


@dataclass(frozen=True)
class N:
    quote: str
    category: str


def _split_occ(s: str) -> tuple[str, int]:
    if "#" in s and s.rsplit("#", 1)[1].isdigit():
        q, k = s.rsplit("#", 1)
        return q, int(k)
    return s, 1


def locate(text: str, needle: str, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """[start, end) of the k-th occurrence of ``needle`` (``text#k``) in ``text[lo:hi]``."""
    hi = len(text) if hi is None else hi
    q, k = _split_occ(needle)
    pos = lo - 1
    for _ in range(k):
        pos = text.find(q, pos + 1, hi)
        if pos < 0:
            raise ValueError(f"not found: {needle!r}")
    return pos, pos + len(q)


def _null(s: str) -> str | None:
    return None if s == "-" else s.replace("_", " ")


def to_records(text: str, claims: list[C], non_claims: list[N]) -> tuple[list[dict], list[dict]]:
    """Annotation records (with spans into ``text``) for the notes of one article."""
    out_c = []
    for c in claims:
        s, e = locate(text, c.quote)
        vs, ve = locate(text, c.value_text, s, e)
        f = c.slots.split()
        if len(f) not in (9, 10) or (len(f) == 10 and f[9] != "S"):
            raise ValueError(f"{c.slots!r}: expected 9 fields (and an optional S), got {len(f)}")
        kind, econ, flow, period, value, unit, qual, base, product = f[:9]
        out_c.append(
            {
                "quote": text[s:e],
                "span": [s, e],
                "value_text": text[vs:ve],
                "value_span": [vs, ve],
                "kind": kind,
                "economies": econ.split("-"),
                "flow": flow,
                "period": _null(period),
                "value": float(value),
                "unit": unit,
                "qualifier": _null(qual),
                "base": _null(base),
                "product": _null(product),
                "services": len(f) == 10,
                "note": c.note,
            }
        )
    out_n = []
    for n in non_claims:
        s, e = locate(text, n.quote)
        out_n.append({"quote": text[s:e], "span": [s, e], "category": n.category})
    return out_c, out_n

"""Load the real-text claim corpus: articles, their annotations, and the dev / held-out split.

Layout (rules and schema in ``ANNOTATION.md``): ``articles/rNN.txt`` is the page excerpt as
retrieved, ``articles/rNN.json`` its source address and annotations (character spans into the
``.txt`` as stored), ``second/rNN.json`` a second annotator's pass, ``split.json`` the split.

    from tests.claims.real.corpus import load_articles
    dev = load_articles(split="dev")

Nothing here reads the extractor; it only loads and checks files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "ARTICLES",
    "HELD_OUT",
    "KINDS",
    "NON_CLAIM_CATEGORIES",
    "SECOND",
    "SPLITS",
    "Article",
    "GoldClaim",
    "NonClaim",
    "load_articles",
    "load_second",
    "load_split",
    "problems",
]

ROOT = Path(__file__).resolve().parent
ARTICLES = ROOT / "articles"
SECOND = ROOT / "second"
SPLIT = ROOT / "split.json"

KINDS = ("value", "change", "share", "rank", "balance", "target")
FLOWS = ("exports", "imports", "turnover", "balance")
UNITS = ("USD", "EUR", "CNY", "JPY", "KRW", "RUB", "AUD", "%", "pp", "x", "rank", "top")
NON_CLAIM_CATEGORIES = (
    "gdp",
    "population",
    "fdi",
    "tourists",
    "exchange_rate",
    "arms",
    "duties",
    "world_total",
    "quantity",
    "count",
    "date",
    "alt_unit",
    "other",
)
_YEAR = r"(?:\d{4}|\?{4})"
_MONTH = rf"{_YEAR}-(?:0[1-9]|1[0-2])"
_POINT = (
    rf"{_YEAR}|{_YEAR}-H[12]|{_YEAR}-Q[1-4]|{_MONTH}|{_MONTH}-W[1-5]|{_MONTH}-[0-3]\d|FY\d{{4}}"
)
PERIOD = re.compile(rf"(?:{_POINT})(?:/(?:{_POINT}))?")

SPLITS = ("dev", "dev2", "dev3", "dev4", "heldout", "heldout2", "heldout3")
HELD_OUT = frozenset({"heldout", "heldout2", "heldout3"})  # scored, never tuned on
Split = Literal["dev", "dev2", "dev3", "dev4", "heldout", "heldout2", "heldout3"]


@dataclass(frozen=True)
class GoldClaim:
    """One annotated trade claim; spans are ``[start, end)`` offsets into the stored text."""

    quote: str
    span: tuple[int, int]
    value_text: str
    value_span: tuple[int, int]
    kind: str
    economies: tuple[str, ...]
    flow: str
    period: str | None
    value: float
    unit: str
    qualifier: str | None
    base: str | None
    product: str | None
    services: bool
    note: str | None


@dataclass(frozen=True)
class NonClaim:
    """A figure that is not a trade claim (GDP, FDI, dates, world totals, …)."""

    quote: str
    span: tuple[int, int]
    category: str


@dataclass(frozen=True)
class Article:
    """A stored page excerpt with its source and annotations."""

    id: str
    url: str
    outlet: str
    text: str
    published: dt.date | None
    claims: tuple[GoldClaim, ...]
    non_claims: tuple[NonClaim, ...]
    split: str | None
    meta: dict[str, object]


def load_split(path: Path = SPLIT) -> dict[str, str]:
    """Article id → ``dev``, ``dev2``, ``dev3``, ``dev4`` (dev sets gathered later), ``heldout``,
    ``heldout2`` or ``heldout3`` (the third and fourth passes' held-out halves)."""
    s = json.loads(path.read_text("utf-8"))
    return {k: name for name in SPLITS for k in s.get(name, [])}


def _claim(c: dict[str, object]) -> GoldClaim:
    return GoldClaim(
        quote=str(c["quote"]),
        span=(int(c["span"][0]), int(c["span"][1])),  # type: ignore[index]
        value_text=str(c["value_text"]),
        value_span=(int(c["value_span"][0]), int(c["value_span"][1])),  # type: ignore[index]
        kind=str(c["kind"]),
        economies=tuple(c["economies"]),  # type: ignore[arg-type]
        flow=str(c["flow"]),
        period=c.get("period"),  # type: ignore[arg-type]
        value=float(c["value"]),  # type: ignore[arg-type]
        unit=str(c["unit"]),
        qualifier=c.get("qualifier"),  # type: ignore[arg-type]
        base=c.get("base"),  # type: ignore[arg-type]
        product=c.get("product"),  # type: ignore[arg-type]
        services=bool(c.get("services", False)),
        note=c.get("note"),  # type: ignore[arg-type]
    )


def _non_claim(n: dict[str, object]) -> NonClaim:
    return NonClaim(str(n["quote"]), (int(n["span"][0]), int(n["span"][1])), str(n["category"]))  # type: ignore[index]


def _load(path: Path, text: str, split: dict[str, str]) -> Article:
    a = json.loads(path.read_text("utf-8"))
    pub = a.get("published")
    return Article(
        id=a["id"],
        url=a.get("url", ""),
        outlet=a.get("outlet", ""),
        text=text,
        published=dt.date.fromisoformat(pub) if pub else None,
        claims=tuple(_claim(c) for c in a["claims"]),
        non_claims=tuple(_non_claim(n) for n in a.get("non_claims", [])),
        split=split.get(a["id"]),
        meta=a,
    )


def load_articles(
    split: Split | None = None, folder: Path = ARTICLES, split_file: Path = SPLIT
) -> tuple[Article, ...]:
    """Every annotated article (``rNN.txt`` with ``rNN.json``), or those of one split, by id."""
    which = load_split(split_file)
    out = []
    for meta in sorted(folder.glob("r*.json")):
        txt = meta.with_suffix(".txt")
        if not txt.exists():  # the texts are not committed: see ANNOTATION.md, "The texts"
            continue
        a = _load(meta, txt.read_text("utf-8"), which)
        if split is None or a.split == split:
            out.append(a)
    return tuple(out)


def texts_present(folder: Path = ARTICLES, ids: frozenset[str] | None = None) -> bool:
    """True when every annotated article's text (or each of ``ids``) is here as annotated."""
    import hashlib

    for meta in sorted(folder.glob("r*.json")):
        if ids is not None and meta.stem not in ids:
            continue
        txt = meta.with_suffix(".txt")
        want = json.loads(meta.read_text("utf-8")).get("text_sha256")
        if not txt.exists() or (want and hashlib.sha256(txt.read_bytes()).hexdigest() != want):
            return False
    return True


def needs_split_texts(split: str):
    """A skip mark for tests on ``split``'s articles when their texts are not restored."""
    import pytest

    ids = frozenset(k for k, v in load_split().items() if v == split)
    return pytest.mark.skipif(
        not ids or not texts_present(ids=ids),
        reason=f"{split} article texts not restored (tests/claims/real/ANNOTATION.md)",
    )


def load_second(folder: Path = SECOND, articles: Path = ARTICLES) -> tuple[Article, ...]:
    """The second annotator's pass (same schema; text read from ``articles/``)."""
    which = load_split()
    return tuple(
        _load(p, (articles / f"{p.stem}.txt").read_text("utf-8"), which)
        for p in sorted(folder.glob("r*.json"))
    )


def problems(a: Article) -> list[str]:
    """What is wrong with an article's annotations (empty when well-formed)."""
    out = []
    n = len(a.text)

    def span_ok(what: str, span: tuple[int, int], quote: str) -> None:
        s, e = span
        if not (0 <= s < e <= n):
            out.append(f"{a.id}: {what} span {span} outside the text (length {n})")
        elif a.text[s:e] != quote:
            out.append(f"{a.id}: {what} span {span} is {a.text[s:e]!r}, not {quote!r}")

    for i, c in enumerate(a.claims):
        where = f"claim {i}"
        span_ok(where, c.span, c.quote)
        span_ok(where + " value", c.value_span, c.value_text)
        if not (c.span[0] <= c.value_span[0] and c.value_span[1] <= c.span[1]):
            out.append(f"{a.id}: {where}: value span {c.value_span} not inside {c.span}")
        if c.kind not in KINDS:
            out.append(f"{a.id}: {where}: kind {c.kind!r} not one of {KINDS}")
        if c.flow not in FLOWS:
            out.append(f"{a.id}: {where}: flow {c.flow!r} not one of {FLOWS}")
        if c.unit not in UNITS:
            out.append(f"{a.id}: {where}: unit {c.unit!r} not one of {UNITS}")
        if len(c.economies) != 2 or c.economies[0] == c.economies[1]:
            out.append(f"{a.id}: {where}: economies {c.economies} must be two different codes")
        for slot in ("period", "base"):
            v = getattr(c, slot)
            if v is not None and not PERIOD.fullmatch(v):
                out.append(f"{a.id}: {where}: {slot} {v!r} is not a period")
        if c.kind == "balance" and c.flow != "balance":
            out.append(f"{a.id}: {where}: a balance claim has flow 'balance'")
    for i, nc in enumerate(a.non_claims):
        span_ok(f"non-claim {i}", nc.span, nc.quote)
        if nc.category not in NON_CLAIM_CATEGORIES:
            out.append(f"{a.id}: non-claim {i}: category {nc.category!r} unknown")
    return out

"""Claim checker benchmark: extraction P/R/F1 and slot accuracy, verdict accuracy, timing.

Run: .venv/bin/python benchmarks/bench_claims.py   (verdicts and timing need the data bundle)
Prints scores on the development corpus (tests/claims/corpus) and on the held-out texts
(tests/claims/heldout, written after the extractor was frozen), verdict accuracy on the gold
claims that carry an expected verdict, and the time to check a 1,000-word article.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from pathlib import Path

import ibis
import pandas as pd

from bilat.claims import check
from bilat.claims.extract import extract_document
from bilat.claims.scoring import SLOTS, CorpusScore, load_corpus, match, score
from bilat.claims.text import clean
from bilat.schema import FLOWS_SCHEMA
from bilat.settings import bundle_path
from bilat.store.session import DataLike

warnings.simplefilter("ignore")
ROOT = Path(__file__).resolve().parents[1] / "tests" / "claims"


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def corpus_score(folder: Path) -> CorpusScore:
    """Extraction scores over every text of a gold folder."""
    results = []
    for t in load_corpus(folder):
        doc = clean(t.text)
        results.append((t.name, doc.text, t.claims, extract_document(doc, _date(t.published))))
    return score(results)


def penppml_flows() -> ibis.Table | None:
    """The bundle's penppml totals as a canonical flows table (None without the bundle)."""
    path = bundle_path() / "flows/penppml/trade.csv.gz"
    if not path.exists():
        return None
    raw = pd.read_csv(path, usecols=["exp", "imp", "time", "export"])
    frame = pd.DataFrame(
        {
            "year": raw.time.astype("int16"),
            "period": "A",
            "exporter": raw.exp,
            "importer": raw.imp,
            "product": "TOTAL",
            "value_usd": raw.export.astype(float),
            "flow": "X",
            "reported_by": "exporter",
            "non_country": raw.exp.isin(["UNS", "WLD"]) | raw.imp.isin(["UNS", "WLD"]),
            "source": "penppml",
            "release": "penppml-0.2.4",
        }
    )
    return ibis.memtable(frame.reindex(columns=FLOWS_SCHEMA.names))


def verdict_accuracy(data: DataLike | None) -> tuple[int, int, list[str]]:
    """(right, total, misses) over gold claims with an expected verdict, matched to a prediction."""
    right = total = 0
    misses = []
    for t in load_corpus(ROOT / "corpus"):
        result = check(t.text, data=data, published=t.published)
        preds = {id(c.claim): c for c in result.checks}
        pairs = match(result.text, t.claims, [c.claim for c in result.checks])
        for g, p in pairs:
            if g.verdict is None:
                continue
            total += 1
            got = preds[id(p)].verdict if p is not None else "not found"
            ok = got == g.verdict or {got, g.verdict} == {"supported", "approximately"}
            right += ok
            if not ok:
                misses.append(f"{t.name}: {g.anchor[:50]!r} expected {g.verdict}, got {got}")
    return right, total, misses


def article_1000_words() -> tuple[str, int]:
    """About 1,000 words of corpus prose on Russia-Korea, joined into one article."""
    parts, words = [], 0
    for t in load_corpus(ROOT / "corpus"):
        if t.path.suffix != ".txt":
            continue
        text = clean(t.text).text
        parts.append(text)
        words += len(text.split())
        if words >= 1000:
            break
    return "\n\n".join(parts), words


def main() -> None:
    print("## Extraction")
    for name in ("corpus", "heldout"):
        s = corpus_score(ROOT / name)
        print(
            f"{name:8s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
            f"(TP {s.true_positives}, FP {s.false_positives}, FN {s.false_negatives})  "
            f"slot accuracy {s.slot_accuracy:.3f}"
        )
        print("         per slot: " + ", ".join(f"{k} {v:.3f}" for k, v in s.per_slot().items()))
    assert set(SLOTS)

    data = penppml_flows()
    if data is None:
        print("data bundle not found: verdicts and timing skipped")
        return
    print("\n## Verdicts (bundle: penppml totals)")
    right, total, misses = verdict_accuracy(data)
    print(
        f"verdict accuracy {right}/{total} = {right / total:.3f}  "
        "(supported and approximately count as agreeing)"
    )
    for m in misses:
        print("  miss:", m)

    print("\n## Timing")
    text, words = article_1000_words()
    t0 = time.perf_counter()
    doc = clean(text)
    n = len(extract_document(doc, dt.date(2017, 9, 7)))
    t_extract_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    extract_document(clean(text), dt.date(2017, 9, 7))
    t_extract = time.perf_counter() - t0
    fresh = penppml_flows()  # a data object the checker has not seen: its ledger queries are cold
    t0 = time.perf_counter()
    r = check(text, data=fresh, published="2017-09-07")
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    check(text, data=fresh, published="2017-09-07")
    t_warm = time.perf_counter() - t0
    print(f"article: {words} words, {n} claims, {len(r)} checked")
    print(
        f"extraction only: {t_extract_cold * 1000:.0f} ms first (tables built), "
        f"{t_extract * 1000:.0f} ms warm"
    )
    print(f"check, first time against this data: {t_first:.2f} s (ledger queries run)")
    print(f"check, warm (same data, queries cached): {t_warm * 1000:.0f} ms  (target < 1 s)")


if __name__ == "__main__":
    main()

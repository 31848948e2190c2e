"""Check that no page of the real-text corpus is on the shared exclusion list.

The list (``/work/shared/claims/heldout-pages.sha256``, or ``$BILAT_CLAIMS_EXCLUDED``) holds SHA-256
hashes of page addresses kept out of every corpus we build or tune on (an outside evaluation set).
The address rule is the one in ``/work/shared/claims/README.md``; it is repeated here so this
script stands alone.

Run: python tests/claims/real/check_excluded.py [URL ...]
Without arguments it checks every article of the corpus and exits 1 if any is excluded; with
addresses it prints, for each, ``excluded`` or ``ok`` and its hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

__all__ = ["DEFAULT_LIST", "excluded_hashes", "find_excluded", "page_hash"]

DEFAULT_LIST = Path("/work/shared/claims/heldout-pages.sha256")
ARTICLES = Path(__file__).resolve().parent / "articles"


def page_hash(url: str) -> str:
    """SHA-256 (hex) of an address: lower case, no scheme, no leading www./m./english., no end /."""
    u = re.sub(r"^https?://", "", url.strip().lower())
    u = re.sub(r"^(www\.|m\.|english\.)", "", u).rstrip("/")
    return hashlib.sha256(u.encode()).hexdigest()


def excluded_hashes(path: Path | None = None) -> frozenset[str]:
    """The hashes on the exclusion list (one hex digest a line; blank lines ignored)."""
    path = path or Path(os.environ.get("BILAT_CLAIMS_EXCLUDED", DEFAULT_LIST))
    return frozenset(
        line.strip().lower() for line in path.read_text("utf-8").splitlines() if line.strip()
    )


def find_excluded(
    articles: Path = ARTICLES, hashes: frozenset[str] | None = None
) -> list[tuple[str, str]]:
    """(article id, url) of every corpus article whose address (or a repost's) is excluded."""
    hashes = excluded_hashes() if hashes is None else hashes
    bad = []
    for meta in sorted(articles.glob("*.json")):
        a = json.loads(meta.read_text("utf-8"))
        for url in [a["url"], *a.get("duplicate_urls", [])]:
            if page_hash(url) in hashes:
                bad.append((meta.stem, url))
    return bad


def main(argv: list[str]) -> int:
    hashes = excluded_hashes()
    if argv:
        for url in argv:
            h = page_hash(url)
            print(f"{'excluded' if h in hashes else 'ok':8s} {h} {url}")
        return 0
    bad = find_excluded(hashes=hashes)
    n = len(list(ARTICLES.glob("*.json")))
    for aid, url in bad:
        print(f"EXCLUDED {aid}: {url}")
    print(f"{n} articles checked, {len(bad)} excluded")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Claims: find quantitative trade claims in a text and check them against the data.

``check(text, data=store)`` is the entry point; ``extract(text)`` gives the claims alone.
"""

from __future__ import annotations

import datetime as dt

from bilat.claims.extract import extract
from bilat.claims.model import Claim
from bilat.claims.result import CheckResult
from bilat.claims.text import clean
from bilat.claims.verify import CheckedClaim, Evidence, check_claims
from bilat.store.session import DataLike

__all__ = ["CheckResult", "CheckedClaim", "Claim", "Evidence", "check", "extract"]


def check(
    text: str,
    data: DataLike | None = None,
    published: dt.date | str | None = None,
    *,
    is_html: bool | None = None,
) -> CheckResult:
    """Find the trade claims in ``text`` (plain text or HTML) and check each against ``data``.

    ``data`` is a ``bilat.store.Store`` or an ibis flows table; ``published`` (date or ISO string)
    resolves "last year" and months without a year. Without data, claims are listed as "no data".
    """
    from bilat.claims.dating import find_published
    from bilat.claims.extract import extract_document
    from bilat.claims.skipped import skipped_sentences

    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    doc = clean(text, is_html=is_html)
    # the date the relative periods were resolved with: given, else found in the text
    found = find_published(doc, published)
    claims = extract_document(doc, found.date if found else None)
    return CheckResult(
        doc.text,
        found.date if found else None,
        check_claims(claims, data),
        skipped=tuple(skipped_sentences(doc, claims)),
        published_source=found.source if found else "unknown",
    )

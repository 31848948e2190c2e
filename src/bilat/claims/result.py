"""The result of checking an article: claims with verdicts, as a table, JSON or highlighted HTML."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from bilat.claims.skipped import Skipped
from bilat.claims.verify import CheckedClaim

__all__ = ["CheckResult"]

VERDICT_COLOURS = {
    "supported": "#1a7f37",
    "approximately": "#9a6700",
    "contradicted": "#cf222e",
    "not checkable": "#6e7781",
    "no data": "#8250df",
}


@dataclass(frozen=True)
class CheckResult:
    """Every claim found in a text, each with its verdict and evidence; spans refer to ``text``."""

    text: str
    published: dt.date | None
    checks: tuple[CheckedClaim, ...]
    #: sentences with numbers that gave no claim, each with why (bilat.claims.skipped)
    skipped: tuple[Skipped, ...] = ()
    #: where the publication date came from ("given", "date line", "latest year ...")
    published_source: str = "given"

    def __len__(self) -> int:
        return len(self.checks)

    def __iter__(self):
        return iter(self.checks)

    @property
    def verdicts(self) -> tuple[str, ...]:
        """The verdicts in reading order."""
        return tuple(c.verdict for c in self.checks)

    def to_frame(self) -> pd.DataFrame:
        """One row per claim: slots, verdict, the data's figure and the reading used."""
        rows = []
        for i, c in enumerate(self.checks, 1):
            cl, ev = c.claim, c.used
            rows.append(
                {
                    "claim": i,
                    "kind": cl.kind,
                    "economies": "-".join(cl.economies),
                    "flow": cl.flow,
                    "period": cl.period,
                    "base": cl.base,
                    "product": cl.product,
                    "claimed": cl.value_label,
                    "value": cl.value,
                    "unit": cl.unit,
                    "verdict": c.verdict,
                    "data": ev.label if ev else None,
                    "data_value": ev.figure if ev else None,
                    "reading": ev.reading if ev else None,
                    "evidence_period": ev.period if ev else None,
                    "evidence_source": ev.data_source if ev else None,
                    "evidence_release": ev.release if ev else None,
                    "sides": "; ".join(f"{x.side}: {x.label} {x.verdict}" for x in c.sides) or None,
                    "conversion": c.conversion or None,
                    "reason": c.reason,
                    "why": c.why,
                    "sentence": cl.sentence,
                    "start": cl.start,
                    "end": cl.end,
                }
            )
        return (
            pd.DataFrame(rows).set_index("claim")
            if rows
            else pd.DataFrame(
                columns=[
                    "kind",
                    "economies",
                    "flow",
                    "period",
                    "claimed",
                    "verdict",
                    "data",
                    "reason",
                ]
            )
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict: published date and one object per claim."""
        return {
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source,
            "claims": [c.to_dict() for c in self.checks],
            "skipped": [x.to_dict() for x in self.skipped],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        if not self.checks:
            return "No trade claims found."
        lines = [f"{len(self.checks)} claim(s)"]
        for i, c in enumerate(self.checks, 1):
            ev = c.used
            data = f" | data: {ev.label}" if ev else ""
            cite = f" ({ev.cite})" if ev and ev.cite else ""
            lines.append(f"{i:>2}. [{c.verdict}] {c.claim}{data}{cite}")
            lines.append(f"    why: {c.reason}")
            for x in c.sides:
                lines.append(f"    {x.side}: {x.label} -> {x.verdict} ({x.cite})")
            if c.conversion:
                lines.append(f"    {c.conversion}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        counts = pd.Series(self.verdicts).value_counts().to_dict() if self.checks else {}
        return f"CheckResult({len(self.checks)} claims: {counts})"

    # --- HTML (through bilat/render/templates: _claims.html) -----------------------------------
    def _html_parts(self) -> dict[str, object]:
        """The text as paragraphs of (text, mark) segments and each claim's details: data for
        the templates, which escape every text."""
        marks: list[tuple[int, int, int, CheckedClaim]] = []
        for i, c in enumerate(self.checks, 1):
            marks.append((c.claim.value_start, c.claim.value_end, i, c))
        marks.sort(key=lambda t: t[0])
        flat: list[tuple[str, dict[str, object] | None]] = []
        pos = 0
        for start, end, i, c in marks:
            if start < pos:
                continue  # two claims on one figure: the first one is highlighted
            flat.append((self.text[pos:start], None))
            mark = {
                "i": i,
                "verdict": c.verdict,
                "colour": VERDICT_COLOURS[c.verdict],
                "title": f"{c.verdict}: {c.claim}",
            }
            flat.append((self.text[start:end], mark))
            pos = end
        flat.append((self.text[pos:], None))
        # paragraphs at line breaks (a marked figure never spans one)
        paras: list[list[tuple[str, dict[str, object] | None]]] = [[]]
        for text, mark in flat:
            if mark is not None:
                paras[-1].append((text, mark))
                continue
            pieces = text.split("\n")
            for k, piece in enumerate(pieces):
                if k:
                    paras.append([])
                if piece:
                    paras[-1].append((piece, None))
        segments = [p for p in paras if any(t.strip() or m for t, m in p)]
        items = [
            {
                "i": i,
                "colour": VERDICT_COLOURS[c.verdict],
                "verdict": c.verdict,
                "claim": str(c.claim),
                "sentence": c.claim.sentence,
                "why": c.why,
                "evidence": c.evidence,
                "sides": c.sides,
            }
            for i, c in enumerate(self.checks, 1)
        ]
        return {"segments": segments, "items": items}

    def _repr_html_(self) -> str:
        from bilat.render.html import render_template

        return render_template("claims_fragment.html", **self._html_parts())

    def to_html(self, title: str = "bilat claim check") -> str:
        """A standalone HTML page: the text, claims coloured by verdict, evidence on expand."""
        from bilat.render.html import render_template

        legend = list(VERDICT_COLOURS.items())
        parts = self._html_parts()
        return render_template("claims_page.html", title=title, legend=legend, **parts)

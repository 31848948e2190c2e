"""The result of checking an article: claims with verdicts, as a table, JSON or highlighted HTML."""

from __future__ import annotations

import datetime as dt
import html
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

    # --- HTML -------------------------------------------------------------------------------------
    def _body_html(self) -> str:
        marks: list[tuple[int, int, int, CheckedClaim]] = []
        for i, c in enumerate(self.checks, 1):
            marks.append((c.claim.value_start, c.claim.value_end, i, c))
        marks.sort(key=lambda t: t[0])
        out, pos = [], 0
        for start, end, i, c in marks:
            if start < pos:
                continue  # two claims on one figure: the first one is highlighted
            out.append(html.escape(self.text[pos:start]))
            colour = VERDICT_COLOURS[c.verdict]
            out.append(
                f'<a href="#claim-{i}" class="claim v-{c.verdict.replace(" ", "-")}" '
                f'style="background:{colour}22;border-bottom:2px solid {colour};color:inherit" '
                f'title="{html.escape(c.verdict)}: {html.escape(str(c.claim))}">'
                f"{html.escape(self.text[start:end])}<sup>{i}</sup></a>"
            )
            pos = end
        out.append(html.escape(self.text[pos:]))
        paras = "".join(out).split("\n")
        return "".join(f"<p>{p}</p>" for p in paras if p.strip())

    def _claims_html(self) -> str:
        items = []
        for i, c in enumerate(self.checks, 1):
            colour = VERDICT_COLOURS[c.verdict]
            ev_rows = "".join(
                f"<tr><td>{'&#9733;' if k == 0 else ''}</td><td>{html.escape(e.reading)}</td>"
                f"<td>{html.escape(e.label)}</td><td>{html.escape(e.period)}</td>"
                f"<td>{html.escape(e.data_source)}</td><td>{html.escape(e.release)}</td>"
                f"<td><code>{html.escape(e.query)}</code></td></tr>"
                for k, e in enumerate(c.evidence)
            )
            table = (
                "<table><tr><th></th><th>reading</th><th>data</th><th>period</th><th>source</th>"
                f"<th>release</th><th>query</th></tr>{ev_rows}</table>"
                if ev_rows
                else ""
            )
            if c.sides:
                table += "<table class='sides'><tr><th>side</th><th>figure</th><th>verdict</th>"
                table += "<th>source</th></tr>"
                table += "".join(
                    f"<tr><td>{html.escape(x.side)}</td><td>{html.escape(x.label)}</td>"
                    f"<td>{html.escape(x.verdict)}</td><td>{html.escape(x.cite)}</td></tr>"
                    for x in c.sides
                )
                table += "</table>"
            items.append(
                f'<details id="claim-{i}"><summary>'
                f'<b style="color:{colour}">{html.escape(c.verdict)}</b> '
                f"{i}. {html.escape(str(c.claim))}</summary><p>{html.escape(c.claim.sentence)}</p>"
                f"<p>{html.escape(c.why)}</p>{table}</details>"
            )
        return "".join(items)

    def _repr_html_(self) -> str:
        return f"<div class='bilat-claims'>{self._body_html()}<hr>{self._claims_html()}</div>"

    def to_html(self, title: str = "bilat claim check") -> str:
        """A standalone HTML page: the text, claims coloured by verdict, evidence on expand."""
        legend = " ".join(
            f'<span style="border-bottom:2px solid {c};background:{c}22">{v}</span>'
            for v, c in VERDICT_COLOURS.items()
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:52em;"
            "margin:2em auto;line-height:1.5}} td,th{{border-bottom:1px solid #ddd;padding:2px 6px;"
            "font-size:90%;vertical-align:top}} details{{margin:.5em 0}}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>{legend}</p>{self._repr_html_()}</body></html>"
        )

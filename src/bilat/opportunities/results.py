"""The result of an export-opportunity analysis: a ranked product table plus its inputs (USD)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilat.ledger import _hs
from bilat.ledger.results import LedgerResult, Provenance, format_number
from bilat.opportunities.inputs import Context, Ease, Input

#: the columns of a ranking that its text and HTML show
SHOWN = [
    "code",
    "description",
    "actual",
    "potential",
    "untapped",
    "untapped_pct",
    "share",
    "demand",
]
_SUMS = ["actual", "potential", "untapped"]


def _pct(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.0f}%"


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A display copy: descriptions cut to 40 characters, shares as % of world exports."""
    out = frame.copy()
    if "description" in out:
        out["description"] = [d if len(d) <= 40 else d[:39] + "…" for d in out.description]
    if "share" in out:
        out["share"] = [_pct(100 * s) if pd.notna(s) else "–" for s in out.share]
    if "untapped_pct" in out:
        out["untapped_pct"] = [_pct(v) for v in out.untapped_pct]
    return out


@dataclass(frozen=True, repr=False)
class OpportunitiesResult(LedgerResult):
    """Products ranked by untapped potential of ``exporter`` in ``market``, with the inputs used.

    ``table`` has one row per product: actual, potential, untapped (USD), untapped_pct (% of
    potential), the components share (of world exports), demand (USD), ease, and ``missing``
    naming the inputs the store lacked for that product.
    """

    exporter: str = ""
    market: str = ""
    year: int = 0
    digits: int = 0
    ease: Ease | None = None
    inputs: tuple[Input, ...] = ()
    context: Context | None = field(default=None)

    # ------------------------------------------------------------------ selections
    @property
    def ranked(self) -> pd.DataFrame:
        """Products whose potential could be computed, largest untapped potential first."""
        return self.table[self.table.missing == ""].reset_index(drop=True)

    @property
    def incomplete(self) -> pd.DataFrame:
        """Products for which some input was missing (potential left empty)."""
        return self.table[self.table.missing != ""].reset_index(drop=True)

    @property
    def missing_inputs(self) -> tuple[Input, ...]:
        """The inputs the store did not hold at all."""
        return tuple(i for i in self.inputs if not i.available)

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` products with the largest untapped potential (USD)."""
        return self.ranked.head(n)

    def value(self, code: str, column: str = "untapped") -> float:
        """One figure for one product code (NaN when that input was missing)."""
        hit = self.table[self.table.code == code]
        if hit.empty:
            from bilat.errors import NoDataError

            raise NoDataError(f"product {code} is not in the result ({self.digits}-digit codes)")
        return float(hit[column].iloc[0])

    # ------------------------------------------------------------------ aggregation
    def _grouped(self, frame: pd.DataFrame, title: str, note: str) -> LedgerResult:
        out = frame.copy()
        out["untapped_pct"] = np.where(
            out.potential > 0, 100.0 * out.untapped / out.potential, np.nan
        )
        return LedgerResult(
            title=title,
            table=out.reset_index(drop=True),
            provenance=self.provenance,
            formula="sums over the products of each group with all inputs; untapped = Σ max("
            "potential − actual, 0); untapped_pct = 100 × untapped / potential",
            notes=(note,) if note else (),
        )

    def by_section(self) -> LedgerResult:
        """Actual, potential and untapped potential summed by HS section (USD)."""
        t = self.table.assign(section=[_hs.section_of(c[:2]) for c in self.table.code])
        done = t.missing == ""
        g = t[done].groupby("section", as_index=False)[_SUMS].sum()
        counts = t.groupby("section").agg(
            products=("code", "size"), incomplete=("missing", lambda m: int((m != "").sum()))
        )
        g = counts.reset_index().merge(g, on="section", how="left")
        g.insert(1, "description", [_hs.section_name(s) for s in g.section])
        g = g.sort_values("untapped", ascending=False, na_position="last")
        return self._grouped(
            g[["section", "description", *_SUMS, "products", "incomplete"]],
            f"Export opportunities of {self.exporter} in {self.market}, {self.year}, "
            "by HS section (USD)",
            "'incomplete' products lack an input and are not in the sums",
        )

    def by_basket(self, basket: str = "nine_bridges") -> LedgerResult:
        """Actual, potential and untapped summed per sector of a basket (default nine bridges)."""
        sectors = _hs.load_baskets(basket)
        t = self.table
        rows = []
        for sid, (label, codes) in sectors.items():
            inside = t.code.str.startswith(tuple(codes)) if codes else t.code != t.code
            part = t[inside]
            done = part[part.missing == ""]
            rows.append(
                {
                    "sector": sid,
                    "label": label,
                    # no complete product: unknown, not zero
                    **{c: float(done[c].sum()) if len(done) else np.nan for c in _SUMS},
                    "products": len(part),
                    "incomplete": int((part.missing != "").sum()),
                }
            )
        g = pd.DataFrame(rows).sort_values("untapped", ascending=False, na_position="last")
        finest = max((len(c) for _, cs in sectors.values() for c in cs), default=0)
        note = "sectors may overlap (LNG is gas and Northern Sea Route), so sums need not add up"
        if self.digits < finest:
            note += (
                f"; the data are at {self.digits} digits, so sectors defined by finer codes "
                "match no product and show 0"
            )
        return self._grouped(
            g,
            f"Export opportunities of {self.exporter} in {self.market}, {self.year}, "
            f"by sector of basket {basket!r} (USD)",
            note,
        )

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the ledger fields plus exporter, market, ease, inputs and context."""
        out = super().to_dict()
        out.update(
            exporter=self.exporter,
            market=self.market,
            year=self.year,
            digits=self.digits,
            ease=self.ease.to_dict() if self.ease else None,
            inputs=[i.to_dict() for i in self.inputs],
            context=self.context.to_dict() if self.context else None,
        )
        return out

    def _header(self) -> list[str]:
        lines = [f"Inputs ({len(self.inputs) - len(self.missing_inputs)} of 4 found):"]
        lines += [f"  {i}" for i in self.inputs]
        if self.ease is not None:
            lines.append(f"  {self.ease.formula}")
        if self.context is not None:
            lines.append(f"Pair: {self.context} (context, not used in the formula)")
        return lines

    def _footer(self) -> list[str]:
        lines = []
        if self.formula:
            lines.append(f"Formula: {self.formula}")
        lines.append(f"Data: {self.provenance}")
        lines.extend(f"Note: {n}" for n in self.notes)
        return lines

    def __str__(self) -> str:
        return self.summary()

    def summary(self, rows: int = 25) -> str:
        """Text summary: inputs, the ``rows`` best-ranked products, what is missing, the method."""
        ranked, rest = self.ranked, self.incomplete
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            body = (
                _shown(ranked.head(rows)[SHOWN]).to_string(
                    index=False, float_format=format_number, na_rep="–"
                )
                if len(ranked)
                else "(no product has all four inputs)"
            )
            if len(ranked) > rows:
                body += f"\n… {len(ranked) - rows} more ranked products (see .to_frame())"
            parts = [self.title, *self._header(), "", body]
            if len(rest):
                parts += [
                    "",
                    f"{len(rest)} products lack an input (first 10; potential not computed):",
                    _shown(
                        rest.head(10)[
                            ["code", "description", "share", "demand", "actual", "missing"]
                        ]
                    ).to_string(index=False, float_format=format_number, na_rep="–"),
                ]
        return "\n".join([*parts, *self._footer()])

    def __repr__(self) -> str:
        missing = ", ".join(i.name for i in self.missing_inputs) or "none"
        return (
            f"<OpportunitiesResult: {self.exporter}→{self.market} {self.year}, HS{self.digits}; "
            f"{len(self.ranked)} ranked, {len(self.incomplete)} incomplete; missing: {missing}>"
        )

    def _section(self) -> object:
        from bilat.render.html import Section, table

        ranked = _shown(self.ranked[SHOWN])
        rest = _shown(
            self.incomplete[["code", "description", "share", "demand", "actual", "missing"]]
        )
        tables = [table(ranked, max_rows=50)]
        if len(rest):
            tables.append(
                table(rest, caption=f"Products lacking an input ({len(rest)})", max_rows=50)
            )
        return Section(
            self.title,
            tables,
            intro=[line.strip() for line in self._header()[1:]],
            footer=self._footer(),
        )

    def _repr_html_(self) -> str:
        from bilat.render.html import fragment

        return fragment(self._section())  # type: ignore[arg-type]

    def to_html(self) -> str:
        """A standalone HTML page of the result (through the templates)."""
        from bilat.render.html import page

        return page(self.title, [self._section()])  # type: ignore[list-item]


__all__ = ["OpportunitiesResult", "Provenance"]

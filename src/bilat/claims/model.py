"""A trade claim found in a text: what it says (kind, economies, flow, period, value) and where."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["CLAIM_KINDS", "FLOWS", "Claim", "ClaimKind", "Flow"]

ClaimKind = Literal["value", "change", "rank", "share", "balance", "target"]
Flow = Literal["exports", "imports", "turnover", "balance"]
CLAIM_KINDS: tuple[str, ...] = ("value", "change", "rank", "share", "balance", "target")
FLOWS: tuple[str, ...] = ("exports", "imports", "turnover", "balance")


def _fmt_value(value: float, unit: str) -> str:
    if unit in {"%"}:
        return f"{value:+g} %" if value < 0 else f"{value:g} %"
    if unit == "x":
        return f"x{value:g}"
    if unit == "rank":
        return f"#{value:g}"
    if unit == "top":
        return f"top {value:g}"
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
        if abs(value) >= scale:
            return f"{value / scale:g} {word} {unit}"
    return f"{value:g} {unit}"


@dataclass(frozen=True)
class Claim:
    """One quantitative trade claim.

    ``economies`` is ``(reporter, partner)`` as ISO3 or group codes: exporter then importer for
    exports, importer then exporter for imports, the side with the surplus/deficit for a balance,
    the economy whose partners are ranked (or whose total is shared) for rank and share.
    ``value`` is in units (USD, not billions), signed percent, a multiple (unit ``x``), or a rank.
    ``start``/``end`` is the sentence's span in the cleaned text; ``value_start``/``value_end`` the
    figure's span there.
    """

    kind: ClaimKind
    economies: tuple[str, ...]
    flow: Flow
    period: str | None
    value: float
    unit: str
    base: str | None
    product: str | None
    approx: str | None
    sentence: str
    start: int
    end: int
    value_text: str
    value_start: int
    value_end: int

    @property
    def forward_looking(self) -> bool:
        """True for targets and forecasts, which data cannot check yet."""
        return self.kind == "target"

    @property
    def value_label(self) -> str:
        """The value as an analyst writes it: '15 bn USD', '+50 %', '#7'."""
        return _fmt_value(self.value, self.unit)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict of every field."""
        d = asdict(self)
        d["economies"] = list(self.economies)
        return d

    def __str__(self) -> str:
        who = "-".join(self.economies)
        extra = f", base {self.base}" if self.base else ""
        prod = f" [{self.product}]" if self.product else ""
        return f"{self.kind}: {who} {self.flow}{prod} {self.period}: {self.value_label}{extra}"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        return fragment(Section(str(self), [], footer=[self.sentence]))

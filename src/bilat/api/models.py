"""Pydantic models of the API's requests and responses (they make the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bilat.scenarios.schema import SIGMA_MAX, Level

Cell = str | int | float | bool | None


class ProvenanceOut(BaseModel):
    """Where a figure comes from: source, release, years and which side reported it."""

    source: str
    release: str
    years: list[int]
    basis: str
    notes: list[str]
    products: str = Field("", description="What the figures cover: 'all goods', 'HS 27, 44' …")


class LedgerOut(BaseModel):
    """One ledger result: title, formula, notes, provenance, the tidy table's rows (USD), and
    the result's own headline fields (an index's value, a target's verdict …) in ``summary``.
    A result's own top-level fields (an index's ``value``, ``name``, ``coverage`` …) pass
    through: the answer is the result's ``to_dict``, the CLI's ``--format json`` alike."""

    model_config = ConfigDict(extra="allow")

    title: str
    formula: str
    notes: list[str]
    provenance: ProvenanceOut
    rows: list[dict[str, Cell]]
    summary: dict[str, Cell] = Field(default_factory=dict)


class EconomyOut(BaseModel):
    """A side of a relationship: code (ISO3 or group id), display name and kind."""

    code: str
    name: str
    kind: str


class ChartOut(BaseModel):
    """One chart of the profile: Plotly JSON, or none and a note saying what is not covered."""

    key: str
    title: str
    figure: dict[str, Any] | None = Field(
        description="Plotly figure (data, layout); null when the data cannot draw it."
    )
    note: str = Field(description="What the chart covers (source, release), or why it is empty.")
    csv: str = Field(description="The values drawn, raw (USD, fractions), as CSV.")


class ProfileOut(BaseModel):
    """The one-page profile of A–B: flows plus every section the data could answer."""

    a: EconomyOut
    b: EconomyOut
    years: list[int]
    year: int | None = Field(
        None, description="The reference year of every point-in-time section (latest covered)."
    )
    flows: LedgerOut
    sections: dict[str, LedgerOut]
    missing: dict[str, str] = Field(description="Sections the data could not answer, and why.")
    summary: dict[str, Any] | None = Field(
        default=None,
        description="The report's one-screen summary: turnover, balance, growth, ranks, top "
        "products, each index's headline value, the target's required growth and verdict; "
        "each item's words (``text``) beside its raw values.",
    )
    products: dict[str, Any] | None = Field(
        default=None,
        description="What ``products`` resolved to (codes, and the text each came from); the "
        "composition and mirror sections keep only those products.",
    )
    charts: list[ChartOut] | None = Field(
        default=None, description="With ``charts=true``: the charts the web profile draws."
    )


class EconomyChoice(BaseModel):
    """An economy to pick: code, name, kind (country or group) and other names it answers to."""

    code: str
    name: str
    kind: Literal["country", "group"]
    aliases: list[str]


class DatasetOut(BaseModel):
    """What the store holds: one row per table, source, dataset and release."""

    table: str
    source: str
    dataset: str
    release: str
    rows: int
    first_year: int | None
    last_year: int | None
    #: flows only, in words: the products covered ("all goods", "HS 27 only"), the shape of
    #: the years ("every 4th year, 1964–2016"), the frequency, and who reported
    products: str = ""
    years: str = ""
    frequency: str = ""
    reporting: str = ""


class HealthOut(BaseModel):
    """Server status: version, store generation and the cache's hit counts."""

    status: Literal["ok"]
    version: str
    generation: int
    cache_hits: int
    cache_misses: int


class ClaimsIn(BaseModel):
    """An article to check: plain text or HTML, with its publication date if known."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200_000, description="The article, text or HTML.")
    published: dt.date | None = Field(
        None, description="Publication date (resolves 'last year' and months without a year)."
    )
    is_html: bool | None = Field(None, description="Force HTML (true) or text (false) reading.")

    @field_validator("text")
    @classmethod
    def _unicode(cls, text: str) -> str:
        """Lone surrogates (``"\ud800"`` in JSON) are not text: refused, with where."""
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"character {exc.start} is a lone surrogate (U+{ord(text[exc.start]):04X}), "
                "not text: send the article as valid UTF-8"
            ) from None
        return text


class EvidenceOut(BaseModel):
    """One reading of a claim and the figure the data give for it."""

    reading: str
    figure: float | None
    label: str
    query: str
    source: str
    primary: bool
    exact: bool
    period: str = ""
    data_source: str = ""
    release: str = ""


class SideOut(BaseModel):
    """The claim under one side's report (the exporter's or the importer's)."""

    side: str
    basis: str
    figure: float
    label: str
    verdict: str
    why: str
    cite: str


class SkippedOut(BaseModel):
    """A sentence with numbers that gave no claim, and why."""

    start: int
    end: int
    sentence: str
    why: str


class ClaimOut(BaseModel):
    """A claim found in the text, with its position, verdict and evidence."""

    model_config = ConfigDict(extra="allow")

    kind: str
    economies: list[str]
    flow: str | None
    period: str | None
    value: float | None
    unit: str | None
    sentence: str
    start: int
    end: int
    value_text: str
    value_start: int
    value_end: int
    verdict: str
    reason: str
    evidence: list[EvidenceOut]
    why: str = ""
    sides: list[SideOut] = []
    conversion: str = ""
    context: str = ""


class ClaimsOut(BaseModel):
    """Every claim found in the text (spans index ``text``, the cleaned text)."""

    text: str
    published: dt.date | None
    published_source: str = "given"
    counts: dict[str, int]
    claims: list[ClaimOut]
    skipped: list[SkippedOut] = []


class ScenarioInfo(BaseModel):
    """A shipped scenario: file name, title, baseline year, σ, focus pair and shocks."""

    name: str
    title: str
    year: int
    sigma: float
    focus: list[str] | None
    shocks: list[str]


def _shipped() -> tuple[str, ...]:
    from bilat.scenarios.scenario import shipped_names

    return tuple(shipped_names())


# The only scenarios the API runs: the files shipped with bilat (no path ever comes from a request)
ShippedName = Literal[_shipped()]  # type: ignore[valid-type]


class ScenarioIn(BaseModel):
    """A scenario run: a shipped scenario by name, optionally with another σ or MC draws."""

    model_config = ConfigDict(extra="forbid")

    name: ShippedName = Field(description="Shipped scenario file name (GET /api/scenarios).")
    # the bounds of the scenario files' schema (bilat.scenarios.schema)
    sigma: float | None = Field(
        None, gt=1.0, le=SIGMA_MAX, allow_inf_nan=False, description="Elasticity of substitution."
    )
    draws: int | None = Field(
        None, ge=2, le=200, description="Monte Carlo draws of the agreement effect (intervals)."
    )
    level: Level = Field(0.9, allow_inf_nan=False, description="Interval level with draws.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Random seed with draws.")
    deficits: Literal["multiplicative", "additive"] | None = Field(
        None,
        description="Trade imbalances in the full GE: multiplicative (E = φ·Y, the default, "
        "the Advanced Guide's) or additive (E = Y + D, Stata ge_gravity's default).",
    )
    normalisation: Literal["reference", "world_output"] | None = Field(
        None,
        description="Numeraire: the reference country's price index (default) or world output.",
    )


JobState = Literal["queued", "running", "done", "failed"]


class ScenarioResultOut(BaseModel):
    """A solved scenario: assumptions, per-country effects (%) and the focus pair."""

    model_config = ConfigDict(extra="allow")

    scenario: str
    sigma: float
    reference: str
    year: int
    assumptions: list[str]
    deficits: str | None = None
    normalisation: str | None = None
    welfare: dict[str, str] | None = None
    countries: list[dict[str, Cell]]
    focus: list[dict[str, Cell]] | None = None


class JobOut(BaseModel):
    """A background scenario run: state, progress (0–1), stage, and the result when done."""

    id: str
    name: str
    state: JobState
    progress: float
    stage: str
    submitted: float
    finished: float | None = None
    error: str | None = None
    result: ScenarioResultOut | None = None


class ErrorOut(BaseModel):
    """An error: what went wrong and how to fix it."""

    detail: str | list[dict[str, Any]]
    #: for a question the data do not cover (404): what exists instead, nearest figures
    coverage: dict[str, Any] | None = None

"""``bilateral_flows`` for two countries, annual, all goods, without ibis.

A cold ``bilat flows RUS KOR --year 2016`` spent ~0.5 s importing ibis and compiling two small
queries. For the common question (two single countries, annual figures, all goods, the DuckDB
engine, a current serving copy) this module runs the same two queries as parameterised SQL
(``bilat.store.engines.duckdb_sql``) and applies the same rules as ``bilat.ledger.flows`` and
``bilat.ledger._data._choose`` to plain rows; ``to_result`` gives the ``FlowsResult`` the CLI
renders like any other. Any other question, and any question it cannot answer (nothing
covered, no rows), returns None: the caller asks ``bilateral_flows``, which gives the answer
or the error with its full context. ``tests/ledger/test_flows_direct.py`` holds the two paths
to identical results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from bilat.ledger import economies
from bilat.ledger.coverage import partial_notes
from bilat.ledger.economies import Economy
from bilat.ledger.results import Provenance
from bilat.ledger.vocabulary import BASES

if TYPE_CHECKING:
    import pandas as pd

    from bilat.ledger.flows_result import FlowsResult
    from bilat.render.tables import Columns
    from bilat.store import Store

#: The default basis in words (docs/coverage.md), shown in every provenance line that used it.
AUTO_RULE = "auto (reconciled, else the importer's report, else the exporter's)"
FORMULA = "turnover = exports + imports; balance = exports − imports"
_INCOMPLETE = (
    "incomplete periods: a direction not reported, or not every sub-period: "
    "see 'missing' and 'complete'; turnover and balance are not computed for them"
)


@dataclass(frozen=True)
class DirectFlows:
    """A flows answer as plain rows (one dict per year), with what its FlowsResult says.

    It prints as its ``FlowsResult`` does, without pandas: text through
    ``bilat.render.sections`` (``table`` is a ``render.tables.Columns``), ``to_dict`` the
    same JSON, ``to_csv`` the same characters as the frame's ``to_csv(index=False)``.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    provenance: Provenance
    a: Economy
    b: Economy
    basis: str
    formula: str = FORMULA
    notes: tuple[str, ...] = ()
    #: the report section it is (its text's headers and the columns dropped first)
    section: ClassVar[str] = "flows"

    @property
    def table(self) -> Columns:
        """The rows as plain columns, for the text renderer."""
        from bilat.render.tables import Columns

        return Columns.of_rows(self.columns, self.rows)

    def to_dict(self) -> dict[str, Any]:
        """``FlowsResult.to_dict`` of the same answer: missing values as None, the headline
        fields (the economies as codes, the basis) under ``summary``."""
        rows = [{c: None if _missing(r[c]) else r[c] for c in self.columns} for r in self.rows]
        return {
            "title": self.title,
            "formula": self.formula,
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            "rows": rows,
            "summary": {"a": self.a.code, "b": self.b.code, "basis": self.basis},
        }

    def to_csv(self) -> str:
        """The table as pandas writes it (``to_csv(index=False)``): floats by ``repr``, a
        missing value empty, booleans as True/False, one row a line."""
        import csv
        import io

        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(self.columns)
        for r in self.rows:
            out.writerow(["" if _missing(r[c]) else _csv_cell(r[c]) for c in self.columns])
        return buf.getvalue()

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (imports pandas: Excel and Parquet are written from it)."""
        return self.to_result().to_frame()

    def to_result(self) -> FlowsResult:
        """The same answer as a ``FlowsResult`` (imports pandas)."""
        import pandas as pd

        from bilat.ledger.flows_result import FlowsResult

        table = pd.DataFrame([{c: r[c] for c in self.columns} for r in self.rows])
        table["year"] = table.year.astype(int)
        return FlowsResult(
            title=self.title,
            table=table,
            provenance=self.provenance,
            formula=self.formula,
            notes=self.notes,
            a=self.a,
            b=self.b,
            basis=self.basis,
        )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _csv_cell(value: Any) -> Any:
    # repr is what pandas writes for a float64 cell ("10557803520.0", "1e+16")
    return repr(value) if isinstance(value, float) else value


def direct_flows(
    store: Store,
    a: str,
    b: str,
    *,
    years: tuple[int, ...] | None = None,
    basis: str = "auto",
    source: str | None = None,
) -> DirectFlows | None:
    """The annual all-goods flows of two countries, or None when this path does not apply
    (then ``bilateral_flows`` answers, or raises the error with its context)."""
    if basis not in BASES:
        return None
    con = store.serving_sql()
    if con is None:
        return None
    try:
        ea, eb = economies.pair(a, b)
    except Exception:  # the full path raises the same error, with its own wording
        return None
    if ea.kind != "country" or eb.kind != "country":
        return None
    from bilat.store.engines import duckdb_sql as sql

    try:
        sc = store.coverage()
        choice = _choose(sql.pair_summary(con, ea.code, eb.code, source), sc, source, years)
        if choice is None or basis not in choice.bases():
            return None
        sums = sql.pair_sums(
            con, ea.code, eb.code, choice.source, choice.totals, years, choice.reported_by
        )
    finally:
        con.close()
    if not sums or any(p.period != "A" for p in sums):
        return None  # no rows, or sub-year periods to roll up: the full path
    rows, columns, used = _pick_basis(sums, basis, choice, sc, ea, eb)
    _mark_missing(rows, ea, eb, choice.source, sc, basis)
    notes = [choice.why]
    if not all(r["complete"] for r in rows):
        notes.append(_INCOMPLETE)
    prov = choice.provenance(used, tuple(notes))
    return DirectFlows(
        title=f"Trade of {ea} with {eb} (USD)",
        columns=(*columns, "turnover", "balance", "missing"),
        rows=tuple(rows),
        provenance=replace(prov, years=tuple(sorted({r["year"] for r in rows}))),
        a=ea,
        b=eb,
        basis=used,
    )


@dataclass(frozen=True)
class _Choice:
    """The chosen source, as ``ledger._data.SourceChoice`` for a total question."""

    source: str
    release: str
    totals: bool
    years: tuple[int, ...]
    reported_by: tuple[str, ...]
    why: str
    uncovered: tuple[int, ...]
    partial: tuple[str, ...]

    def bases(self) -> tuple[str, ...]:
        return (
            "auto",
            *(b for b in ("reconciled", "exporter", "importer") if b in self.reported_by),
        )

    def provenance(self, basis: str, notes: tuple[str, ...]) -> Provenance:
        from bilat.store.coverage import describe_years

        extra = []
        if self.uncovered:
            extra.append(f"not covered (no figure shown): {describe_years(self.uncovered)}")
        if self.partial:
            extra.append("partial sources not used: " + "; ".join(self.partial))
        return Provenance(
            self.source, self.release, self.years, basis, (*notes, *extra), products="all goods"
        )


def _choose(
    summary: Iterable[Any], sc: Any, source: str | None, years: tuple[int, ...] | None
) -> _Choice | None:
    """``ledger._data._choose`` for a total question on a pair: the source whose own totals
    (or detail holding all goods) cover the most asked years; None when none covers any."""
    rows = [r for r in summary if not years or r.year in set(years)]
    if not rows:
        return None
    ok, dropped = [], []
    for r in rows:
        scope = sc.get((r.source, r.year))
        all_goods = scope is not None and scope.all_goods
        (ok if r.is_total or all_goods else dropped).append((r, all_goods))
    partial = tuple(partial_notes(sc, years, [r.source for r, _ in dropped])) if sc else ()
    if not ok:
        return None
    per: dict[str, dict[str, Any]] = {}
    for r, _ in ok:
        p = per.setdefault(r.source, {"n": 0, "years": set(), "is_total": False})
        p["n"] += r.n
        p["years"].add(r.year)
        p["is_total"] = p["is_total"] or r.is_total
    # totals first, then the source covering most years, then most rows, then by name
    best = min(per, key=lambda s: (-per[s]["is_total"], -len(per[s]["years"]), -per[s]["n"], s))
    is_total = per[best]["is_total"]
    mine = [r for r, _ in ok if r.source == best and r.is_total == is_total]
    others = sorted(set(per) - {best})
    why = (
        f"source given: {best}"
        if source
        else f"{best} chosen ({'totals' if is_total else 'summed product detail'}, "
        f"{len(per[best]['years'])} years)"
        + (f"; also in store: {', '.join(others)}" if others else "")
    )
    got = tuple(sorted({r.year for r in mine}))
    return _Choice(
        source=best,
        release=", ".join(sorted({str(x) for r in mine for x in r.releases})),
        totals=is_total,
        years=got,
        reported_by=tuple(sorted({str(x) for r in mine for x in r.reported_by})),
        why=why,
        uncovered=tuple(sorted(set(years) - set(got))) if years else (),
        partial=partial,
    )


def _declares_imports(sc: Any, source: str, year: int, importer: Economy) -> bool:
    """``flows.importer_reports`` for one year: the importer declares its imports then."""
    scope = sc.get((source, year))
    if scope is None or "importer" not in scope.reported_by:
        return False
    members = importer.members(year) or importer.all_members
    return bool(members) and members <= scope.reporters


def _pick_basis(
    sums: list[Any], basis: str, choice: _Choice, sc: Any, ea: Economy, eb: Economy
) -> tuple[list[dict[str, Any]], tuple[str, ...], str]:
    """``flows.pick_basis`` on plain rows: (rows, their columns, the basis used)."""
    nan = math.nan
    if basis == "auto" and "reconciled" in choice.reported_by:
        basis = "reconciled"
    rows = []
    if basis in ("reconciled", "exporter", "importer"):
        for p in sums:
            x, m = p.sums[f"ab_{basis}"], p.sums[f"ba_{basis}"]
            rows.append(
                {
                    "year": p.year,
                    "period": p.period,
                    "exports": nan if x is None else x,
                    "imports": nan if m is None else m,
                    "complete": True,
                }
            )
        return rows, ("year", "period", "exports", "imports", "complete"), basis
    for p in sums:
        imp_x, exp_x = p.sums["ab_importer"], p.sums["ab_exporter"]
        imp_m, exp_m = p.sums["ba_importer"], p.sums["ba_exporter"]
        # the importer's report where it declares its imports (a product it did not list: 0)
        imp_x = (
            (0.0 if imp_x is None else imp_x)
            if _declares_imports(sc, choice.source, p.year, eb)
            else None
        )
        imp_m = (
            (0.0 if imp_m is None else imp_m)
            if _declares_imports(sc, choice.source, p.year, ea)
            else None
        )
        x, m = _first(imp_x, exp_x), _first(imp_m, exp_m)
        rows.append(
            {
                "year": p.year,
                "period": p.period,
                "exports": nan if x is None else x,
                "imports": nan if m is None else m,
                "exports_as_exported": nan if exp_x is None else exp_x,
                "imports_as_exported": nan if exp_m is None else exp_m,
                "exports_reported_by": _who(imp_x, exp_x, "importer (B)", "exporter (A)"),
                "imports_reported_by": _who(imp_m, exp_m, "importer (A)", "exporter (B)"),
                "complete": True,
            }
        )
    columns = (
        "year", "period", "exports", "imports", "exports_as_exported", "imports_as_exported",
        "exports_reported_by", "imports_reported_by", "complete",
    )  # fmt: skip
    return rows, columns, AUTO_RULE


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _who(importer: float | None, exporter: float | None, imp: str, exp: str) -> str:
    return imp if importer is not None else exp if exporter is not None else ""


def _mark_missing(
    rows: list[dict[str, Any]], ea: Economy, eb: Economy, source: str, sc: Any, basis: str
) -> None:
    """``flows._mark_missing`` on plain rows, in place."""
    for row in rows:
        scope = sc.get((source, row["year"]))
        gone = []
        for label, src, dst in (("exports", ea, eb), ("imports", eb, ea)):
            if not math.isnan(row[label]):
                continue
            if reported(scope, src, dst, row["year"], basis):
                row[label] = 0.0
            else:
                gone.append(f"{src.code}→{dst.code}")
        row["turnover"] = row["exports"] + row["imports"]
        row["balance"] = row["exports"] - row["imports"]
        row["missing"] = ", ".join(gone)
        row["complete"] = row["complete"] and not gone


def reported(scope: object, src: Economy, dst: Economy, year: int, basis: str) -> bool:
    """Would the source hold the flow src→dst in ``year`` if there were one?"""
    if scope is None:
        return False
    exp_side = src.members(year) or src.all_members
    imp_side = dst.members(year) or dst.all_members
    by = scope.reported_by  # type: ignore[attr-defined]
    if "reconciled" in by and basis in ("auto", "reconciled"):
        return bool(exp_side & scope.exporters) and bool(imp_side & scope.importers)  # type: ignore[attr-defined]
    reporters = scope.reporters  # type: ignore[attr-defined]
    by_exporter = basis in ("auto", "exporter") and "exporter" in by
    by_importer = basis in ("auto", "importer") and "importer" in by
    return (by_exporter and exp_side <= reporters) or (by_importer and imp_side <= reporters)

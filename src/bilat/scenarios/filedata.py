"""Scenarios on a data file rather than the store: a square panel with home trade (e.g. WIOD).

Stata's ``ge_gravity`` example works on one CSV of exporter, importer, year and trade including
intranational flows, with its policy dummies as columns. A scenario file says so with a
``[baseline]`` table (the file, the columns, the agreements in force) and, to estimate the
agreement effect from the same file, an ``[estimation]`` table with a formula:

    [baseline]
    file = "gravity/ge_gravity/TradeData0014.csv.gz"   # relative: scenario folder, then bundle
    agreements = "eu_enlargement"                      # 0/1 column: agreements in force

    [estimation]
    formula = "trade ~ eu_enlargement + other_fta | exp_year + imp_year + pair_dir"
    term = "eu_enlargement"
    cluster = "pair_dir"
    international = true                               # exporter ≠ importer only
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilat.errors import DataFormatError, InputError
from bilat.scenarios.effects import AgreementEffect
from bilat.scenarios.ge import Baseline
from bilat.scenarios.gravity import add_identifiers, estimate


def resolve(path: str, near: str | None = None) -> Path:
    """A data file named in a scenario: absolute, else next to the scenario, else in the bundle."""
    from bilat.settings import bundle_path

    p = Path(path).expanduser()
    tried = [p] if p.is_absolute() else []
    if not p.is_absolute():
        if near:
            tried.append(Path(near).parent / p)
        tried += [Path.cwd() / p, bundle_path() / p]
    for cand in tried:
        if cand.is_file():
            return cand
    raise InputError(
        f"data file {path!r} not found (tried {', '.join(str(t) for t in tried)}); give an "
        "absolute path, one relative to the scenario file, or one inside the data bundle "
        "(BILAT_BUNDLE)"
    )


def read_panel(path: Path) -> pd.DataFrame:
    """A CSV (optionally gzipped) or Parquet panel; exporter and importer as plain strings."""
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    return frame


@dataclass(frozen=True)
class FileBaseline:
    """The baseline economy from a data file with home trade: one year's square flows.

    ``file``: CSV/Parquet path (see :func:`resolve`); ``trade``, ``exporter``, ``importer``,
    ``year``: its columns; ``agreements``: a 0/1 column of agreements in force in that year
    (agreement shocks then form only pairs without one). Costs are calibrated to the flows.
    """

    file: str
    trade: str = "trade"
    exporter: str = "exporter"
    importer: str = "importer"
    year: str = "year"
    agreements: str | None = None

    def read(self, near: str | None = None) -> pd.DataFrame:
        """The whole panel, with the columns checked."""
        path = resolve(self.file, near)
        frame = read_panel(path)
        cols = [self.trade, self.exporter, self.importer, self.year]
        cols += [self.agreements] if self.agreements else []
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise DataFormatError(
                path,
                f"no column(s) {missing} named in [baseline]",
                fix=f"columns are {list(frame.columns)}",
            )
        return frame

    def baseline(self, year: int, reference: str, near: str | None = None) -> Baseline:
        """The calibrated baseline of ``year`` (costs t_ij^(1-σ) ∝ X_ij / (Y_i E_j))."""
        frame = self.read(near)
        rows = frame[frame[self.year].astype(int) == int(year)]
        if rows.empty:
            years = sorted(int(y) for y in frame[self.year].dropna().unique())
            raise InputError(f"{self.file}: no rows in year {year}; years are {years}")
        rows = rows.assign(
            **{
                self.exporter: rows[self.exporter].astype(str),
                self.importer: rows[self.importer].astype(str),
            }
        )
        return Baseline.from_frame(
            rows,
            reference=reference,
            trade=self.trade,
            exporter=self.exporter,
            importer=self.importer,
            year=int(year),
            agreements=self.agreements,
            notes=(
                f"baseline: {year} flows of {self.file} (with home trade) calibrated exactly "
                "(t_ij^(1-σ) ∝ X_ij / (Y_i E_j))",
                *(
                    [f"agreements in force: column {self.agreements!r} of the file, {year}"]
                    if self.agreements
                    else []
                ),
            ),
        )


@dataclass(frozen=True)
class FileEstimation:
    """A PPML of the agreement effect on a data file (default: the baseline's file).

    ``formula`` in pyfixest syntax over the file's columns and the identifiers bilat adds
    (exp_year, imp_year, pair (undirected, one shared level for home pairs), pair_dir
    (directed), pair_id, intl); ``term`` is the coefficient used as the agreement effect;
    ``cluster`` the column of clustered standard errors (and of the pairs bootstrap);
    ``international``: estimate on exporter ≠ importer rows only (as the ge_gravity example);
    ``years``: restrict to these years (default all).
    """

    formula: str
    term: str
    cluster: str | None = "pair_dir"
    international: bool = True
    file: str | None = None
    years: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if "~" not in str(self.formula):
            raise InputError(f"[estimation] formula {self.formula!r} has no '~'")
        covariates = {t.strip() for t in self.formula.split("~", 1)[1].split("|")[0].split("+")}
        if self.term not in covariates:
            raise InputError(
                f"[estimation] term {self.term!r} is not a covariate of formula {self.formula!r}"
            )

    def sample(self, source: FileBaseline | None, near: str | None = None) -> pd.DataFrame:
        """The estimation sample with the fixed-effect identifiers."""
        if self.file is None and source is None:
            raise InputError("[estimation] needs file = ... (there is no [baseline] file)")
        fb = source if self.file is None else FileBaseline(file=self.file)
        frame = fb.read(near) if self.file is None else read_panel(resolve(self.file, near))
        frame = frame.rename(
            columns={
                fb.exporter: "exporter",
                fb.importer: "importer",
                fb.year: "year",
                fb.trade: "trade",
            }
        )
        for col in ("exporter", "importer"):
            frame[col] = frame[col].astype(str)
        if self.years:
            frame = frame[frame["year"].astype(int).isin(self.years)]
        if self.international:
            frame = frame[frame["exporter"] != frame["importer"]]
        return add_identifiers(frame)

    def effect(self, source: FileBaseline | None, near: str | None = None) -> AgreementEffect:
        """Estimate: the ``term`` coefficient, its clustered s.e., the fit and the sample."""
        data = self.sample(source, near)
        fit = estimate(data, self.formula, cluster=self.cluster)
        years = sorted(int(y) for y in data["year"].unique())
        what = (
            f"estimated here: PPML {self.formula!r} on {self.file or (source and source.file)}"
            f"{' (international flows)' if self.international else ''}, years "
            f"{', '.join(map(str, years))}, {fit.nobs:,} observations, s.e. "
            f"{'clustered by ' + self.cluster if self.cluster else 'robust'}; "
            f"the agreement effect is the {self.term!r} coefficient"
        )
        return AgreementEffect(
            value=fit.coef(self.term),
            std_error=fit.se(self.term),
            origin="estimated",
            description=what,
            fit=fit,
            sample=data,
            term=self.term,
            cluster=self.cluster,
        )

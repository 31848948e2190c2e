"""``bilat scenario run`` and ``bilat gravity estimate``: shells over bilat.scenarios."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path

import typer

from bilat.cli import examples
from bilat.cli.options import StoreOption, fail
from bilat.cli.output import Fmt, Out, emit
from bilat.errors import BilatError


class DeficitsOption(StrEnum):
    """How spending follows output in the full GE."""

    multiplicative = "multiplicative"
    additive = "additive"


class NormalisationOption(StrEnum):
    """What fixes the price level."""

    reference = "reference"
    world_output = "world_output"


class DrawOption(StrEnum):
    """How the agreement effect is drawn for intervals."""

    normal = "normal"
    bootstrap = "bootstrap"


class OutputFormat(StrEnum):
    """How to write a result."""

    text = "text"
    table = "table"  # the older name of text
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    html = "html"

    @property
    def name_in_output(self) -> str:
        """The ``cli.output`` format ("table" is text)."""
        return "text" if self.value == "table" else self.value


def _html(result) -> str:  # type: ignore[no-untyped-def]
    """A standalone page (through ``render/templates``, Plotly's JS inlined: no network): the
    per-country table, a welfare chart and the focus pair's trade chart."""
    from bilat.render.html import Chart, Section, page, table
    from bilat.render.jsonable import jsonable

    c = result.countries
    top = c.loc[c["real_gdp_pct"].abs().sort_values(ascending=False).index[:25]].sort_values(
        "real_gdp_pct"
    )
    bar: dict = {
        "type": "bar",
        "x": list(top["real_gdp_pct"]),
        "y": list(top.index),
        "orientation": "h",
    }
    if "real_gdp_pct_low" in top.columns:  # Monte Carlo interval as error bars
        bar["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": list(top["real_gdp_pct_high"] - top["real_gdp_pct"]),
            "arrayminus": list(top["real_gdp_pct"] - top["real_gdp_pct_low"]),
        }
    welfare = "Change in real GDP (welfare), %, full endowment GE"
    layout: dict = {"title": welfare, "height": 650}
    charts = [Chart(welfare, jsonable({"data": [bar], "layout": layout}))]
    ft = result.focus
    if ft is not None:
        a, b = result.scenario.focus
        title = f"Change in {a}–{b} trade, %"
        x = list(ft.index)
        traces = [
            {"type": "bar", "name": "conditional", "x": x, "y": list(ft["conditional_pct"])},
            {"type": "bar", "name": "full endowment", "x": x, "y": list(ft["full_pct"])},
        ]
        layout = {"title": title, "barmode": "group"}
        charts.append(Chart(title, jsonable({"data": traces, "layout": layout})))
    head = result.summary().split("\n\n")[0].splitlines()
    tables = []
    if result.routes is not None:
        tables.append(table(result.routes.reset_index(), caption="routes"))
    if ft is not None:
        tables.append(table(ft.reset_index(), caption="the focus pair"))
    tables.append(table(c.reset_index(), caption="by country"))
    sections = [
        Section(
            str(result.scenario.name),
            tables,
            intro=[line for line in head[1:] if line.strip()],
        )
    ]
    return page(f"bilat scenario: {result.scenario.name}", sections, charts)


def render(result, fmt: OutputFormat) -> str:  # type: ignore[no-untyped-def]
    """The result as text (table), JSON, CSV (per-country rows) or a standalone HTML page."""
    if fmt is OutputFormat.table:
        return result.summary()
    if fmt is OutputFormat.json:
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    if fmt is OutputFormat.csv:
        return result.countries.reset_index().to_csv(index=False)
    return _html(result)


def register(app: typer.Typer) -> None:
    """Add the ``scenario`` and ``gravity`` command groups."""
    scenario_app = typer.Typer(help="General-equilibrium policy scenarios.", no_args_is_help=True)
    gravity_app = typer.Typer(help="Structural gravity estimation (PPML).", no_args_is_help=True)
    app.add_typer(scenario_app, name="scenario")
    app.add_typer(gravity_app, name="gravity")

    @scenario_app.command("run")
    def run_cmd(
        file: str = typer.Argument(
            ..., help="Scenario TOML (a path, or a shipped name such as kor_eaeu_fta.toml)."
        ),
        store: StoreOption = None,
        sigma: float = typer.Option(
            None, "--sigma", help="Elasticity of substitution σ (> 1); default from the file."
        ),
        estimate: str = typer.Option(
            None,
            "--estimate",
            help="Estimate the agreement effect from the store: 'pair' (exporter-year, "
            "importer-year, pair FE) or 'geodist' (GeoDist covariates); default from the file.",
        ),
        years: str = typer.Option(
            None, "--years", help="Estimation years, comma-separated (default: 4 every 4 years)."
        ),
        draws: int = typer.Option(
            None, "--draws", help="Draws of the agreement effect for intervals (see --method)."
        ),
        method: DrawOption = typer.Option(  # noqa: B008
            None,
            "--method",
            help="With --draws: 'normal' (N(β̂, s.e.²), default) or 'bootstrap' (pairs "
            "bootstrap: the PPML re-estimated per draw; needs an estimated effect).",
        ),
        deficits: DeficitsOption = typer.Option(  # noqa: B008
            None,
            "--deficits",
            help="Trade imbalances in the full GE: 'multiplicative' (E = φ·Y, the default, the "
            "Advanced Guide's) or 'additive' (E = Y + D, ge_gravity's default).",
        ),
        normalisation: NormalisationOption = typer.Option(  # noqa: B008
            None,
            "--normalisation",
            help="Numeraire: 'reference' (the reference country's price index = 1, default) or "
            "'world_output' (world output fixed, as ge_gravity).",
        ),
        level: float = typer.Option(0.9, "--level", help="Interval level with --draws."),
        seed: int = typer.Option(0, "--seed", help="Random seed with --draws."),
        jobs: int = typer.Option(1, "--jobs", help="Parallel workers for the draws (joblib)."),
        fmt: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", help="text, json, csv, xlsx, parquet or html."
        ),
        out: Path = typer.Option(None, "--out", help="Write to this file instead of the terminal."),  # noqa: B008
    ) -> None:
        """Solve a scenario: per-country conditional and full-endowment effects, with assumptions."""  # noqa: E501
        from bilat.scenarios import scenario as sc
        from bilat.scenarios.effects import EstimationSpec
        from bilat.scenarios.filedata import FileEstimation
        from bilat.scenarios.uncertainty import UncertaintySpec

        try:
            s = sc.load(file)
            if sigma is not None:
                s = s.with_sigma(sigma)
            if (estimate or years) and isinstance(s.estimation, FileEstimation):
                raise BilatError(
                    f"{file}: --estimate and --years choose an estimation on the store; this "
                    "scenario estimates from its own data file ([estimation] formula = ...): "
                    "edit that table instead"
                )
            if estimate or years:
                base = s.estimation or EstimationSpec()
                ys = tuple(int(y) for y in years.split(",")) if years else base.years
                s = s.with_estimation(
                    EstimationSpec(
                        method=estimate or base.method,  # type: ignore[arg-type]
                        years=ys,
                        every=base.every,
                        periods=base.periods,
                        countries=base.countries,
                    )
                )
            if deficits is not None:
                s = s.with_deficits(deficits.value)  # type: ignore[arg-type]
            if normalisation is not None:
                s = s.with_normalisation(normalisation.value)  # type: ignore[arg-type]
            if draws is not None:
                how = method.value if method else (s.uncertainty.method if s.uncertainty else None)
                s = s.with_uncertainty(
                    UncertaintySpec(
                        draws=draws,
                        level=level,
                        seed=seed,
                        n_jobs=jobs,
                        method=how or "normal",  # type: ignore[arg-type]
                    )
                )
            elif method is not None:
                if s.uncertainty is None:
                    raise BilatError(
                        f"{file}: --method chooses how the draws are made; give --draws N "
                        "(or an [uncertainty] table) too"
                    )
                s = s.with_uncertainty(replace(s.uncertainty, method=method.value))  # type: ignore[arg-type]
            result = sc.run(s, store)
        except BilatError as exc:
            raise fail(exc) from exc
        except ValueError as exc:  # e.g. --years with something that is not a year
            raise fail(BilatError(f"bad option: {exc}")) from exc
        f = fmt.name_in_output

        def sheets() -> dict:
            out_ = {"countries": result.countries.reset_index()}
            if result.focus is not None:
                out_["focus"] = result.focus.reset_index()
            return out_

        try:
            emit(
                f,
                out,
                text=lambda width: render(result, OutputFormat.table),
                data=lambda: result.to_dict(),
                frame=lambda: result.countries.reset_index(),
                sheets=sheets,
                about=lambda: {"scenario": str(result.scenario.name)},
                html=lambda: _html(result),
            )
        except BilatError as exc:
            raise fail(exc, f) from None

    @scenario_app.command("list", epilog=examples.epilog("scenario list"))
    def list_cmd(
        fmt: Fmt = "text",
        out: Out = None,
    ) -> None:
        """The shipped scenarios: name to give `bilat scenario run`, title, year, pair, shocks."""
        from bilat.scenarios.scenario import load, shipped_names

        def frame() -> object:
            import pandas as pd

            rows = []
            for file in shipped_names():
                sc = load(file)
                rows.append(
                    {
                        "scenario": file.removesuffix(".toml"),
                        "title": sc.name,
                        "year": sc.year,
                        "focus": "–".join(sc.focus) if sc.focus else "",
                        "shocks": len(sc.shocks),
                        "data": sc.data,
                    }
                )
            return pd.DataFrame(rows)

        def text(width: int) -> str:
            from bilat.render.tables import fit

            fitted = fit(frame(), width, max_rows=100)  # type: ignore[arg-type]
            return fitted.text + "\nRun one: bilat scenario run NAME (e.g. kor_eaeu_fta)"

        try:
            emit(
                fmt,
                out,
                text=text,
                data=lambda: frame().to_dict(orient="records"),  # type: ignore[attr-defined]
                frame=frame,  # type: ignore[arg-type]
            )
        except BilatError as exc:
            raise fail(exc, fmt) from None

    @scenario_app.command("routes")
    def routes_cmd(
        files: list[Path] = typer.Argument(  # noqa: B008
            None, help="Route tables or scenario files with [[route]] tables (default: shipped)."
        ),
        fmt: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", help="text, json, csv, xlsx or parquet."
        ),
        out: Out = None,
    ) -> None:
        """List named routes: the pairs they serve, distances, change and usable share of the year."""  # noqa: E501
        from bilat.scenarios.routes import all_routes, routes_frame

        try:
            frame = routes_frame(all_routes(files or ()))
        except BilatError as exc:
            raise fail(exc) from exc

        def text(width: int) -> str:
            from bilat.render.tables import fit, wrap

            shown = frame.drop(columns=["source"]).reset_index()
            lines = [fit(shown, width, max_rows=100).text, "", "sources:"]
            lines += [wrap(f"  {rid}: {src}", width, "    ") for rid, src in frame.source.items()]
            return "\n".join(lines)

        try:
            emit(
                fmt.name_in_output,
                out,
                text=text,
                data=lambda: frame.reset_index().to_dict(orient="records"),
                frame=lambda: frame.reset_index(),
            )
        except BilatError as exc:
            raise fail(exc) from None

    @gravity_app.command("estimate")
    def estimate_cmd(
        data: Path = typer.Argument(  # noqa: B008
            ..., help="CSV/Parquet panel: exporter, importer, year, trade, policy columns."
        ),
        formula: str = typer.Option(
            "trade ~ rta | exp_year + imp_year + pair", help="pyfixest formula."
        ),
        cluster: str = typer.Option(
            "pair_id", help="Cluster standard errors by this column ('' for robust)."
        ),
        years_every: int = typer.Option(
            None, "--every", help="Keep every n-th year (the literature uses 4)."
        ),
        international: bool = typer.Option(
            False,
            "--international",
            help="Estimate on international flows only (exporter ≠ importer), as the "
            "ge_gravity example.",
        ),
        fmt: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text,
            "--format",
            help="text, json, csv, xlsx or parquet (csv, xlsx, parquet: the coefficient table).",
        ),
        out: Out = None,
    ) -> None:
        """Estimate a PPML gravity model with exporter-time, importer-time and pair fixed effects.

        The panel gets the identifiers exp_year, imp_year, pair (undirected, home pairs share
        one), pair_dir (directed) and pair_id for formulas and --cluster.
        """
        import pandas as pd

        from bilat.scenarios.gravity import add_identifiers, estimate
        from bilat.scenarios.gravity.panel import every_nth_year

        try:
            frame = pd.read_parquet(data) if data.suffix == ".parquet" else pd.read_csv(data)
            if years_every:
                frame = frame[
                    frame["year"].isin(every_nth_year(frame["year"].unique(), years_every))
                ]
            if international:
                if not {"exporter", "importer"} <= set(frame.columns):
                    raise BilatError(f"{data}: --international needs exporter and importer columns")
                frame = frame[frame["exporter"] != frame["importer"]]
            if {"exporter", "importer", "year"} <= set(frame.columns):
                frame = add_identifiers(
                    frame.assign(
                        exporter=frame["exporter"].astype(str),
                        importer=frame["importer"].astype(str),
                    )
                )
            result = estimate(frame, formula, cluster=cluster or None)
        except BilatError as exc:
            raise fail(exc) from exc
        except FileNotFoundError as exc:
            raise fail(BilatError(f"{data}: no such file")) from exc
        body = {
            "formula": result.formula,
            "nobs": result.nobs,
            "vcov": result.vcov,
            "coefficients": result.to_frame().to_dict(orient="records"),
        }
        try:
            emit(
                fmt.name_in_output,
                out,
                text=lambda width: result.summary(),
                data=lambda: body,
                frame=result.to_frame,
                about=lambda: {"formula": result.formula, "nobs": str(result.nobs)},
            )
        except BilatError as exc:
            raise fail(exc) from None

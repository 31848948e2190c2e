"""``bilat scenario run`` and ``bilat gravity estimate``: shells over bilat.scenarios."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from bilat.errors import BilatError


class OutputFormat(StrEnum):
    """How to write a result."""

    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


def _html(result, focus) -> str:  # type: ignore[no-untyped-def]
    import plotly.graph_objects as go

    from bilat.scenarios.scenario import focus_table

    c = result.countries.sort_values("real_gdp_pct")
    top = c.loc[c["real_gdp_pct"].abs().sort_values(ascending=False).index[:25]].sort_values(
        "real_gdp_pct"
    )
    fig = go.Figure(go.Bar(x=top["real_gdp_pct"], y=top.index, orientation="h"))
    fig.update_layout(title="Change in real GDP (welfare), %, full endowment GE", height=650)
    parts = [result._repr_html_(), fig.to_html(full_html=False, include_plotlyjs="cdn")]
    if focus:
        ft = focus_table(result, focus)
        fig2 = go.Figure(
            [
                go.Bar(name="conditional", x=ft.index[:2], y=ft["conditional_pct"][:2]),
                go.Bar(name="full endowment", x=ft.index[:2], y=ft["full_pct"][:2]),
            ]
        )
        fig2.update_layout(title=f"Change in {focus[0]}–{focus[1]} trade, %", barmode="group")
        parts += [ft.round(3).to_html(), fig2.to_html(full_html=False, include_plotlyjs=False)]
    return "<!doctype html><meta charset='utf-8'><title>bilat scenario</title>" + "".join(parts)


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
        sigma: float = typer.Option(
            None, "--sigma", help="Elasticity of substitution σ (> 1); default from the file."
        ),
        fmt: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.table, "--format", help="table, json, csv or html."
        ),
        out: Path = typer.Option(None, "--out", help="Write to this file instead of the terminal."),  # noqa: B008
    ) -> None:
        """Solve a scenario: per-country conditional and full-endowment effects, with assumptions."""  # noqa: E501
        from bilat.scenarios import scenario as sc

        try:
            s = sc.load(file)
            if sigma is not None:
                s = s.with_sigma(sigma)
            result = sc.run(s)
        except BilatError as exc:
            raise typer.BadParameter(str(exc)) from exc
        if fmt is OutputFormat.table:
            text = result.summary()
            if s.focus:
                text += "\n\n" + sc.focus_table(result, s.focus).round(3).to_string()
        elif fmt is OutputFormat.json:
            payload = {
                "scenario": s.name,
                "sigma": result.sigma,
                "reference": result.baseline.reference,
                "year": result.baseline.year,
                "shocks": list(result.shocks),
                "notes": list(result.baseline.notes + result.notes),
                "diagnostics": result.diagnostics,
                "countries": json.loads(result.countries.reset_index().to_json(orient="records")),
            }
            if s.focus:
                payload["focus"] = json.loads(
                    sc.focus_table(result, s.focus).reset_index().to_json(orient="records")
                )
            text = json.dumps(payload, indent=2, ensure_ascii=False)
        elif fmt is OutputFormat.csv:
            text = result.countries.reset_index().to_csv(index=False)
        else:
            text = _html(result, s.focus)
        if out:
            out.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}")
        else:
            typer.echo(text)

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
    ) -> None:
        """Estimate a PPML gravity model with exporter-time, importer-time and pair fixed effects."""  # noqa: E501
        import pandas as pd

        from bilat.scenarios.gravity import add_identifiers, estimate
        from bilat.scenarios.gravity.panel import every_nth_year

        try:
            frame = pd.read_parquet(data) if data.suffix == ".parquet" else pd.read_csv(data)
            if years_every:
                frame = frame[
                    frame["year"].isin(every_nth_year(frame["year"].unique(), years_every))
                ]
            if {"exporter", "importer", "year"} <= set(frame.columns):
                frame = add_identifiers(frame)
            result = estimate(frame, formula, cluster=cluster or None)
        except BilatError as exc:
            raise typer.BadParameter(str(exc)) from exc
        except FileNotFoundError as exc:
            raise typer.BadParameter(f"{data}: no such file") from exc
        typer.echo(result.summary())

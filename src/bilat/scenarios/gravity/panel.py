"""Gravity panels: flows joined with distances, agreements and GDP, with fixed-effect identifiers."""  # noqa: E501

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError

GDP_INDICATOR = "NY.GDP.MKTP.CD"
ExportsExceedGdp = Literal["floor", "drop"]


@dataclass(frozen=True, eq=False)
class GravityPanel:
    """A gravity panel (one row per exporter, importer, year; trade in USD) and how it was built."""

    data: pd.DataFrame
    internal_trade: str  # "data" (intranational flows observed) or "gdp" (derived)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def years(self) -> list[int]:
        """Years in the panel."""
        return sorted(int(y) for y in self.data["year"].unique())

    def __repr__(self) -> str:
        d = self.data
        return (
            f"<GravityPanel {len(d):,} rows, {d['exporter'].nunique()} exporters, "
            f"years {self.years}, internal trade from {self.internal_trade}>"
        )


def add_identifiers(data: pd.DataFrame) -> pd.DataFrame:
    """Add exp_year, imp_year, pair (one shared level for all home pairs), pair_id, pair_dir
    (directed pair), intl, ln_dist."""
    out = data.copy()
    year = out["year"].astype(int).astype(str)
    out["exp_year"] = out["exporter"] + "_" + year
    out["imp_year"] = out["importer"] + "_" + year
    home = out["exporter"] == out["importer"]
    # pairs are undirected, as the book's pair_id: ARG→AUS and AUS→ARG share one fixed effect
    ex, im = out["exporter"].astype(str), out["importer"].astype(str)
    first = ex < im
    undirected = ex.where(first, im) + "_" + im.where(first, ex)
    if "pair_id" not in out.columns:
        out["pair_id"] = undirected
    # the book's pair fixed effect: one per international pair, one shared by all home pairs
    out["pair"] = np.where(home, "_home", out["pair_id"].astype(str))
    # directed pairs (Stata's expcode#impcode, as in the ge_gravity example): ARG→AUS ≠ AUS→ARG
    if "pair_dir" not in out.columns:
        out["pair_dir"] = ex + ">" + im
    out["intl"] = (~home).astype(float)
    if "dist" in out.columns and "ln_dist" not in out.columns:
        out["ln_dist"] = np.log(out["dist"].astype(float))
    return out


def every_nth_year(years: Sequence[int], step: int, start: int | None = None) -> list[int]:
    """Every ``step``-th year from ``start`` (default the first): the literature uses 4."""
    ys = sorted(set(int(y) for y in years))
    if step < 1:
        raise InputError(f"year step must be ≥ 1, got {step}")
    first = ys[0] if start is None else start
    return [y for y in ys if y >= first and (y - first) % step == 0]


def add_internal_trade(
    flows: pd.DataFrame,
    gdp: pd.DataFrame,
    *,
    exports_exceed_gdp: ExportsExceedGdp = "floor",
    floor_share: float = 0.1,
) -> tuple[pd.DataFrame, list[str]]:
    """Add intranational trade X_ii = GDP_i − exports_i (USD) to international flows.

    Rule when exports reach or exceed GDP less ``floor_share``·GDP (entrepôts such as HKG, SGP,
    whose exports include re-exports): ``floor`` sets X_ii = floor_share·GDP_i; ``drop`` removes
    the economy. Countries without GDP for a year are dropped for that year. Returns notes.
    """
    notes: list[str] = []
    intl = flows[flows["exporter"] != flows["importer"]]
    exports = intl.groupby(["exporter", "year"], as_index=False)["trade"].sum()
    g = gdp.rename(columns={"country": "exporter", "value": "gdp"})[["exporter", "year", "gdp"]]
    home = exports.merge(g, on=["exporter", "year"], how="left")
    no_gdp = sorted(home.loc[home["gdp"].isna() | (home["gdp"] <= 0), "exporter"].unique())
    if no_gdp:
        notes.append(
            f"{len(no_gdp)} exporting economies without GDP in some year dropped in those years "
            f"(e.g. {', '.join(no_gdp[:8])})"
        )
    home = home[home["gdp"] > 0].copy()
    raw = home["gdp"] - home["trade"]
    low = raw < floor_share * home["gdp"]
    hit = sorted(home.loc[low, "exporter"].unique())
    if exports_exceed_gdp == "floor":
        home["internal"] = np.where(low, floor_share * home["gdp"], raw)
        if hit:
            notes.append(
                f"exports ≥ {1 - floor_share:.0%} of GDP for {', '.join(hit[:12])}"
                f"{'…' if len(hit) > 12 else ''}: internal trade set to {floor_share:.0%} of GDP"
            )
    elif exports_exceed_gdp == "drop":
        home = home[~low].copy()
        home["internal"] = raw[~low]
        if hit:
            notes.append(f"exports ≥ GDP·{1 - floor_share:g} for {', '.join(hit)}: dropped")
    else:
        raise InputError(
            f"exports_exceed_gdp must be 'floor' or 'drop', got {exports_exceed_gdp!r}"
        )
    keep = set(zip(home["exporter"], home["year"], strict=True))
    out = intl[
        [
            (e, y) in keep and (i, y) in keep
            for e, i, y in zip(intl["exporter"], intl["importer"], intl["year"], strict=True)
        ]
    ]
    internal = pd.DataFrame(
        {
            "exporter": home["exporter"],
            "importer": home["exporter"],
            "year": home["year"],
            "trade": home["internal"],
        }
    )
    notes.insert(
        0,
        "intranational trade derived as GDP (WDI, current USD) minus total merchandise exports; "
        "GDP includes services, so home trade is overstated relative to goods-only studies",
    )
    return pd.concat([out, internal], ignore_index=True), notes


def build_panel(
    flows: pd.DataFrame,
    *,
    distances: pd.DataFrame | None = None,
    agreements: pd.DataFrame | None = None,
    macro: pd.DataFrame | None = None,
    years: Sequence[int] | None = None,
    every: int | None = None,
    internal: Literal["data", "gdp"] | None = None,
    need: Sequence[str] = ("rta",),
    exports_exceed_gdp: ExportsExceedGdp = "floor",
    floor_share: float = 0.1,
) -> GravityPanel:
    """Build a gravity panel from canonical frames (flows: year, exporter, importer, value_usd).

    ``distances``: exporter, importer, dist, contig, comlang_off, colony (CEPII GeoDist);
    ``agreements``: year, country1, country2, rta; ``macro``: country, year, indicator, value
    (WDI GDP, needed when the flows have no intranational rows). ``need`` lists variables the
    estimation will use; a missing one raises InputError naming it.
    """
    f = flows.copy()
    if "value_usd" in f.columns and "trade" not in f.columns:
        f = f.rename(columns={"value_usd": "trade"})
    for col in ("year", "exporter", "importer", "trade"):
        if col not in f.columns:
            raise InputError(
                f"flows have no column {col!r} (need year, exporter, importer, value_usd); "
                f"columns are {sorted(f.columns)}"
            )
    if "product" in f.columns:
        f = f[f["product"] == "TOTAL"]
    if "non_country" in f.columns:
        f = f[~f["non_country"].astype(bool)]
    if "period" in f.columns:
        f = f[f["period"] == "A"]
    if f.duplicated(["year", "exporter", "importer"]).any():
        if "reported_by" not in f.columns:
            raise InputError(
                "flows have several rows per (year, exporter, importer); keep one source"
            )
        rank = f["reported_by"].map({"reconciled": 0, "importer": 1, "exporter": 2}).fillna(3)
        f = f.assign(_r=rank).sort_values("_r").drop_duplicates(["year", "exporter", "importer"])
    f = f[["year", "exporter", "importer", "trade"]].copy()
    f["year"] = f["year"].astype(int)
    if f.empty:
        raise NoDataError("no annual total-goods flows to build a gravity panel from")
    if years is not None:
        f = f[f["year"].isin([int(y) for y in years])]
    if every:
        f = f[f["year"].isin(every_nth_year(f["year"].unique(), every))]
    if f.empty:
        raise NoDataError(f"no flows in the years asked ({years or ''} every {every or 1})")
    notes: list[str] = []
    has_home = (f["exporter"] == f["importer"]).any()
    mode = internal or ("data" if has_home else "gdp")
    if mode == "gdp":
        if macro is None:
            raise InputError(
                "the flows have no intranational trade (exporter = importer) and no GDP was "
                f"given: pass macro= with indicator {GDP_INDICATOR} (WDI) to derive it"
            )
        gdp = macro
        if "indicator" in gdp.columns:
            gdp = gdp[gdp["indicator"] == GDP_INDICATOR]
        if "non_country" in gdp.columns:
            gdp = gdp[~gdp["non_country"].astype(bool)]
        gdp = gdp.assign(year=gdp["year"].astype(int))
        f, more = add_internal_trade(
            f, gdp, exports_exceed_gdp=exports_exceed_gdp, floor_share=floor_share
        )
        notes += more
    # the square panel: every exporter × importer × year among countries present that year
    countries_by_year = f.groupby("year")["exporter"].unique()
    grid = [
        pd.MultiIndex.from_product([[y], cs, cs], names=["year", "exporter", "importer"]).to_frame(
            index=False
        )
        for y, cs in countries_by_year.items()
    ]
    f = pd.concat(grid, ignore_index=True).merge(f, on=["year", "exporter", "importer"], how="left")
    f["trade"] = f["trade"].fillna(0.0)
    if distances is not None:
        keep = [
            c
            for c in ("exporter", "importer", "dist", "contig", "comlang_off", "colony")
            if c in distances.columns
        ]
        f = f.merge(
            distances[keep].drop_duplicates(["exporter", "importer"]),
            on=["exporter", "importer"],
            how="left",
        )
        home = f["exporter"] == f["importer"]
        for c in ("contig", "comlang_off", "colony"):
            if c in f.columns:
                f.loc[home, c] = 0
                f[c] = f[c].fillna(0)
        missing = f.loc[~home & f["dist"].isna(), ["exporter", "importer"]].drop_duplicates()
        if len(missing):
            notes.append(f"{len(missing)} pairs without a GeoDist distance")
    if agreements is not None:
        a = agreements.copy()
        a["country1"], a["country2"] = a["country1"].str.upper(), a["country2"].str.upper()
        a = a[a["rta"] > 0][["year", "country1", "country2"]].assign(rta=1.0)
        both = pd.concat(
            [
                a.rename(columns={"country1": "exporter", "country2": "importer"}),
                a.rename(columns={"country1": "importer", "country2": "exporter"}),
            ]
        ).drop_duplicates(["year", "exporter", "importer"])
        both["year"] = both["year"].astype(int)
        f = f.merge(both, on=["year", "exporter", "importer"], how="left")
        f["rta"] = f["rta"].fillna(0.0)
        f.loc[f["exporter"] == f["importer"], "rta"] = 0.0
    missing_vars = [v for v in need if v not in f.columns]
    if missing_vars:
        hint = {"rta": "agreements=", "dist": "distances=", "ln_dist": "distances="}
        raise InputError(
            f"gravity panel lacks {missing_vars}: pass "
            + ", ".join(sorted({hint.get(v, "a frame with it") for v in missing_vars}))
        )
    return GravityPanel(data=add_identifiers(f), internal_trade=mode, notes=tuple(notes))

"""Economies a baseline leaves out, why, and which of a scenario's groups lose them.

A store baseline keeps the economies that have flows, GDP (to derive home trade) and both
exports and imports in the year. The others are dropped, and a group a shock names (a route's
"Northern Europe", an agreement's members) silently shrinks unless it is said: this module
lists both, for the result's notes, its summary and its JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from bilat.scenarios.ge.members import members

if TYPE_CHECKING:
    from bilat.scenarios.ge import Baseline
    from bilat.scenarios.scenario import Scenario

# Codes of the flows that stand for several economies reported together (the penppml and BACI
# code 58, Belgium–Luxembourg): a member of a group is then in the data under the union's code.
DATA_UNIONS: dict[str, frozenset[str]] = {"BLX": frozenset({"BEL", "LUX"})}

Dropped = tuple[tuple[str, str], ...]  # (economy, why), as Baseline.dropped holds them


def dropped_from_panel(
    codes: Iterable[str],
    kept: Iterable[str],
    gdp_codes: Iterable[str],
    year: int,
    *,
    home_from_gdp: bool,
    exporters: Iterable[str] = (),
    trading: Iterable[str] | None = None,
) -> Dropped:
    """(economy, why) for each code of the flows not kept in the baseline of ``year``.

    ``kept``: the economies of the gravity panel; ``exporters``: economies with international
    exports in the flows (home trade GDP − exports is derived for those only); ``trading``:
    those of the panel that both export and import (the baseline); ``gdp_codes``: economies
    with WDI GDP that year.
    """
    kept_set, gdp, sellers = set(kept), set(gdp_codes), set(exporters)
    out: list[tuple[str, str]] = []
    for code in sorted(set(codes) - kept_set):
        if home_from_gdp and code not in gdp:
            why = f"no GDP in WDI for {year} (home trade is GDP − exports)"
        elif home_from_gdp and code not in sellers:
            why = f"no exports in the flows of {year} (home trade is GDP − exports)"
        elif home_from_gdp:
            why = "exports ≥ 90 % of GDP (exports_exceed_gdp = 'drop')"
        else:
            why = f"no home trade in the data for {year}"
        out.append((code, why))
    if trading is not None:
        for code in sorted(kept_set - set(trading)):
            out.append((code, f"no exports or no imports in {year}"))
    return tuple(sorted(out))


def why_absent(code: str, baseline: Baseline, data: str = "the store's") -> str:
    """Why an economy is not in the baseline, in words."""
    dropped = dict(baseline.dropped)
    if code in dropped:
        return f"dropped: {dropped[code]}"
    for union, parts in DATA_UNIONS.items():
        if code in parts:
            others = ", ".join(sorted(parts - {code}))
            where = (
                f"which is dropped: {dropped[union]}"
                if union in dropped
                else "which is in the baseline"
                if union in baseline.countries
                else "which is not in the baseline either"
            )
            return f"reported with {others} as {union} in the flows, {where}"
    return f"no flows in {data} data for {baseline.year}"


def left_out(scenario: Scenario, baseline: Baseline) -> pd.DataFrame:
    """One row per economy a shock's side names (directly or through a group) that is not in
    the baseline: shock, group (or the economy itself), economy, why."""
    present = baseline.countries
    defined = {k: frozenset(v) for k, v in scenario.groups}
    rows = []
    for k, shock in enumerate(scenario.shocks, start=1):
        local = {**defined, **{g: frozenset(m) for g, m in getattr(shock, "groups", ())}}
        names = [*getattr(shock, "side_a", ()), *(getattr(shock, "side_b", None) or ())]
        for name in dict.fromkeys(names):
            codes, _ = members(name, baseline.year, present, local)
            for code in sorted(set(codes) - set(present)):
                rows.append(
                    {
                        "shock": f"#{k} {shock}",
                        "group": name,
                        "economy": code,
                        "reason": why_absent(code, baseline, f"the {scenario.data}"),
                    }
                )
    cols = ["shock", "group", "economy", "reason"]
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["group", "economy"])


def notes(scenario: Scenario, baseline: Baseline) -> list[str]:
    """The dropped economies and the groups that lose members, as result notes."""
    out = []
    if baseline.dropped:
        by_reason: dict[str, list[str]] = {}
        for code, why in baseline.dropped:
            by_reason.setdefault(why, []).append(code)
        out.append(
            f"{len(baseline.dropped)} economies of the data dropped from the baseline (all listed "
            "in the result's `dropped`): "
            + "; ".join(f"{why}: {', '.join(codes)}" for why, codes in by_reason.items())
        )
    lost = left_out(scenario, baseline)
    for group, rows in lost.groupby("group", sort=False):
        out.append(
            f"{group} loses {', '.join(rows['economy'])} in this baseline: "
            + "; ".join(f"{e}: {r}" for e, r in zip(rows["economy"], rows["reason"], strict=True))
        )
    return out

"""ge_gravity's example (EU enlargements, WIOD 2000, θ = 4): pairs bootstrap against normal draws.

Run: .venv/bin/python benchmarks/bench_ge_gravity.py [--draws 200] [--jobs 1]
(needs the bundle: BILAT_BUNDLE or ../shared/data). Each bootstrap draw resamples the 1,892
directed pairs with replacement, re-estimates the three-way PPML (7,568 rows) and solves the GE
(additive deficits, world output fixed); each normal draw takes β ~ N(β̂, s.e.²) with the
pair-clustered s.e. and solves the GE. Prints run times and the intervals side by side.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
logging.disable(logging.WARNING)

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "ge_gravity_eu.toml"
SHOW = ["MLT", "HUN", "CZE", "POL", "BGR", "DEU", "GBR", "NOR", "RUS", "USA"]


def main() -> None:
    from bilat.scenarios import UncertaintySpec
    from bilat.scenarios import scenario as sc
    from bilat.scenarios.uncertainty import bootstrap_effects

    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    s = sc.load(EXAMPLE)
    t = time.perf_counter()
    point = sc.run(s)
    t_point = time.perf_counter() - t
    effect = point.effect
    spec = UncertaintySpec(
        draws=args.draws, level=args.level, seed=args.seed, n_jobs=args.jobs, method="bootstrap"
    )

    # PPML part alone (the same resamples as inside the full run: same seed)
    t = time.perf_counter()
    betas, failed = bootstrap_effects(
        effect.sample,
        effect.fit.formula,
        effect.term,
        effect.cluster,
        draws=args.draws,
        seed=args.seed,
        n_jobs=args.jobs,
    )
    t_ppml = time.perf_counter() - t

    t = time.perf_counter()
    boot = sc.run(s.with_uncertainty(spec))
    t_boot = time.perf_counter() - t
    assert np.array_equal(np.asarray(boot.uncertainty.effect_draws), betas, equal_nan=True)

    t = time.perf_counter()
    normal = sc.run(s.with_uncertainty(dataclasses.replace(spec, method="normal")))
    t_normal = time.perf_counter() - t

    print(f"example: {EXAMPLE.name}; point run (read, PPML, 3 solves) {t_point:.2f} s")
    print(
        f"β̂ = {effect.value:.9f}, clustered s.e. {effect.std_error:.4f}; bootstrap: mean "
        f"{np.nanmean(betas):.4f}, s.d. {np.nanstd(betas, ddof=1):.4f}, "
        f"{failed} failed of {args.draws}"
    )
    print(
        f"bootstrap, {args.draws} draws (PPML + GE each), n_jobs={args.jobs}: {t_boot:.1f} s "
        f"total (run incl. the point estimate), of which PPMLs ≈ {t_ppml:.1f} s "
        f"({1e3 * t_ppml / args.draws:.0f} ms/draw)"
    )
    print(f"normal draws, {args.draws} draws (GE each): {t_normal:.1f} s")
    lvl = f"{args.level:.0%}"
    rows = []
    for c in SHOW:
        b, n = boot.countries.loc[c], normal.countries.loc[c]
        rows.append(
            {
                "country": c,
                "real spending %": b["real_spending_pct"],
                f"bootstrap {lvl}": f"{b['real_spending_pct_low']:.3f} to "
                f"{b['real_spending_pct_high']:.3f}",
                f"normal {lvl}": f"{n['real_spending_pct_low']:.3f} to "
                f"{n['real_spending_pct_high']:.3f}",
            }
        )
    print("\nwelfare as real spending (additive deficits, world output fixed):")
    print(pd.DataFrame(rows).set_index("country").round(3).to_string())
    fb, fn = boot.focus, normal.focus
    print("\nPOL↔DEU turnover, full GE %:")
    key = "POL↔DEU turnover"
    print(
        f"  point {fb.loc[key, 'full_pct']:.2f}; bootstrap {fb.loc[key, 'full_pct_low']:.2f} to "
        f"{fb.loc[key, 'full_pct_high']:.2f}; normal {fn.loc[key, 'full_pct_low']:.2f} to "
        f"{fn.loc[key, 'full_pct_high']:.2f}"
    )


if __name__ == "__main__":
    main()

"""Per-chapter gravity and Monte Carlo draws on joblib and on Spark: the same answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilat.errors import InputError
from bilat.scenarios import AgreementChange, Baseline, UncertaintySpec, monte_carlo
from bilat.scenarios.gravity import add_identifiers
from bilat.scenarios.parallel import estimate_by, parallel_backend

FORMULA = "trade ~ rta | exp_year + imp_year + pair"
# each chapter's true agreement effect (log points); chapter 99 has no agreement variation
# The same fit in another process is not bit-identical: pyfixest demeans with multi-threaded
# numba loops that stop at a tolerance, so estimates agree to ~1e-11 and clustered standard
# errors to ~1e-4 (measured: 0.00119976 against 0.00119961 for chapter 87). Point estimates are
# compared at RTOL, whole tables (with standard errors) at SE_RTOL.
RTOL = 1e-9
SE_RTOL = 1e-3
EFFECTS = {"27": 0.2, "44": 0.6, "87": 1.0}


def _chapter_panel() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    cs = ["AAA", "BBB", "CCC", "DDD"]
    rows = []
    for ch, beta in [*EFFECTS.items(), ("99", 0.0)]:
        for y in (2000, 2004, 2008):
            for i in cs:
                for j in cs:
                    rta = float(ch != "99" and i != j and {i, j} == {"AAA", "BBB"} and y >= 2004)
                    noise = rng.normal(0, 0.02)
                    value = np.exp(1.0 + beta * rta + (3 if i == j else 0) + noise)
                    rows.append((ch, y, i, j, rta, value))
    frame = pd.DataFrame(rows, columns=["chapter", "year", "exporter", "importer", "rta", "trade"])
    return add_identifiers(frame)


def test_per_chapter_estimates_recover_each_effect_and_match_one_by_one():
    from bilat.scenarios.gravity import estimate

    panel = _chapter_panel()
    r = estimate_by(panel, "chapter", FORMULA, workers="joblib", n_jobs=2)
    for ch, beta in EFFECTS.items():
        assert r.coef(ch, "rta") == pytest.approx(beta, abs=0.05)
        alone = estimate(panel[panel.chapter == ch], FORMULA, cluster="pair_id")
        assert r.coef(ch, "rta") == pytest.approx(alone.coef("rta"), rel=RTOL)
    assert "no variation" in r.failed["99"]
    assert "27" in str(r) and "<table" in r._repr_html_() and "3 estimated" in repr(r)
    serial = estimate_by(panel, "chapter", FORMULA, workers="serial")
    pd.testing.assert_frame_equal(serial.to_frame(), r.to_frame(), rtol=SE_RTOL)


def test_bad_arguments():
    with pytest.raises(InputError, match="no column 'hs2'"):
        estimate_by(_chapter_panel(), "hs2")
    with pytest.raises(InputError, match="workers 'dask'"), parallel_backend("dask"):
        pass


@pytest.mark.spark
def test_per_chapter_estimates_on_spark_equal_joblib(spark):
    panel = _chapter_panel()
    local = estimate_by(panel, "chapter", FORMULA, workers="serial")
    on_spark = estimate_by(panel, "chapter", FORMULA, workers="spark", n_jobs=2, session=spark)
    pd.testing.assert_frame_equal(local.to_frame(), on_spark.to_frame(), rtol=SE_RTOL)
    assert on_spark.failed == local.failed


@pytest.mark.spark
def test_monte_carlo_draws_on_spark_equal_local(spark):
    tau = 0.2
    flows = np.array([[1.0, tau], [tau, 1.0]])
    base = Baseline(
        countries=("AAA", "BBB"),
        trade_costs=flows.copy(),
        output=flows.sum(1),
        expenditure=flows.sum(0),
        flows=flows,
        reference="AAA",
        year=2016,
    )
    shock = AgreementChange(("AAA",), ("BBB",), None)
    spec = UncertaintySpec(draws=40, level=0.9, seed=5, n_jobs=2)
    kw = dict(effect=0.5, std_error=0.2, sigma=5.0, spec=spec)
    local = monte_carlo(base, [shock], **kw)
    with parallel_backend("spark", n_jobs=2, session=spark):
        remote = monte_carlo(base, [shock], **kw)
    pd.testing.assert_frame_equal(local.countries, remote.countries)

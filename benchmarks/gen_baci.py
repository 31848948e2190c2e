"""Write a realistic BACI-format CSV (``t,i,j,k,v,q``) of N rows for the ingestion benchmark.

Realistic means: BACI's own country codes and HS92 6-digit product codes (read from the
bundle's ``reference/baci``), unique (i, j, k) rows sorted like BACI's files, lognormal values in
thousands of USD with 3 decimals, quantities in tonnes with some left blank. Deterministic for
a given seed.

    python benchmarks/gen_baci.py /tmp/BACI_HS92_Y2019_V202201.csv --rows 10000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from bilat.settings import bundle_path

#: BACI numbers of former countries and groupings, absent from recent files
HISTORICAL = (58, 200, 278, 280, 530, 711, 736, 810, 891)
#: rows generated and written per step, so memory stays flat whatever N is
CHUNK = 2_000_000


def _codes(bundle: Path) -> tuple[np.ndarray, np.ndarray]:
    """BACI country numbers and HS92 product codes (as int, as BACI writes them) from the bundle."""
    ref = bundle / "reference" / "baci"
    countries = pacsv.read_csv(ref / "country_codes.csv").column(0).to_numpy()
    products = pacsv.read_csv(
        ref / "product_codes.csv",
        convert_options=pacsv.ConvertOptions(column_types={"code": pa.string()}),
    )
    prod = np.array([int(c) for c in products.column("code").to_pylist()], dtype=np.int32)
    # codes of countries that no longer exist (USSR, Czechoslovakia, Belgium-Luxembourg...) do not
    # appear in recent years' files
    current = countries[~np.isin(countries, HISTORICAL)]
    return np.sort(current.astype(np.int16)), np.sort(prod)


def _unique_keys(rng: np.random.Generator, n: int, space: int) -> Iterator[np.ndarray]:
    """``n`` distinct sorted integers below ``space`` (the (i, j, k) cells), in ~CHUNK pieces."""
    # one slice of the key space at a time, so memory stays flat whatever n is
    if n > space // 2:
        raise SystemExit(f"at most {space // 2:,} rows for this code list")
    pieces = max(1, -(-n // CHUNK))
    bounds = np.linspace(0, space, pieces + 1).astype(np.int64)
    # rows per slice of the key space, in proportion to its width, adding up to exactly n
    ends = np.round(n * (bounds / space)).astype(np.int64)
    for lo, hi, count in zip(bounds[:-1], bounds[1:], np.diff(ends), strict=True):
        picked = rng.choice(int(hi - lo), size=int(count), replace=False, shuffle=False)
        yield lo + np.sort(picked)


def generate(path: Path, rows: int, year: int = 2019, seed: int = 20220224) -> None:
    """Write ``rows`` rows of year ``year`` in BACI's layout to ``path``."""
    rng = np.random.default_rng(seed)
    countries, products = _codes(bundle_path())
    nc, npr = len(countries), len(products)
    # no one exports to itself: the pair index runs over the nc * (nc - 1) ordered pairs i != j
    chunks = _unique_keys(rng, rows, nc * (nc - 1) * npr)
    with open(path, "wb") as out:
        out.write(b"t,i,j,k,v,q\n")  # BACI's header, unquoted
    opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with open(path, "ab") as out, pacsv.CSVWriter(out, _schema(), write_options=opts) as writer:
        for key in chunks:
            n = len(key)
            pair, k_idx = np.divmod(key, npr)
            i_idx, j_idx = np.divmod(pair, nc - 1)
            j_idx = j_idx + (j_idx >= i_idx)
            # BACI values are thousands of USD, heavy-tailed; 3 decimals as in the release files
            v = np.round(rng.lognormal(mean=1.0, sigma=2.5, size=n), 3)
            v = np.maximum(v, 0.001)
            q = np.round(v * rng.lognormal(mean=-1.0, sigma=1.5, size=n), 3)
            q_missing = rng.random(n) < 0.03  # BACI leaves q blank where no quantity is known
            batch = pa.record_batch(
                [
                    pa.array(np.full(n, year, dtype=np.int16)),
                    pa.array(countries[i_idx]),
                    pa.array(countries[j_idx]),
                    pa.array(products[k_idx]),
                    pa.array(v),
                    pa.array(q, mask=q_missing),
                ],
                schema=_schema(),
            )
            writer.write_batch(batch)


def _schema() -> pa.Schema:
    return pa.schema(
        [
            ("t", pa.int16()),
            ("i", pa.int16()),
            ("j", pa.int16()),
            ("k", pa.int32()),
            ("v", pa.float64()),
            ("q", pa.float64()),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="CSV to write, e.g. BACI_HS92_Y2019_V202201.csv")
    parser.add_argument("--rows", type=int, default=10_000_000, help="number of rows (10 million)")
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--seed", type=int, default=20220224)
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.path, args.rows, args.year, args.seed)
    size = args.path.stat().st_size / 1e6
    print(
        f"{args.path}: {args.rows:,} rows, {size:,.0f} MB in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()

"""The store's sort of a chunk by pair moves every column's values, nulls and bits with its rows.

Arrow's own ``take`` is the reference: the writer gathers with numpy for speed.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from bilat.store.writer import _clustered, _reordered


@pytest.mark.parametrize("offset", [0, 3, 13])
def test_reordered_equals_arrow_take_for_every_kind_of_column(offset):
    rng = np.random.default_rng(7)
    n = 200
    values = rng.random(n + offset)
    columns = {
        "float with nulls": pa.array(values, mask=rng.random(n + offset) < 0.2),
        "float32 with nulls": pa.array(values.astype(np.float32), mask=values < 0.3),
        "bool": pa.array(rng.random(n + offset) < 0.5),
        "bool with nulls": pa.array(rng.random(n + offset) < 0.5, mask=values > 0.9),
        "int with nulls": pa.array(np.arange(n + offset), mask=values < 0.1),
        "text": pa.array([f"c{i % 7}" for i in range(n + offset)]),
        "dictionary": pa.array([f"c{i % 7}" for i in range(n + offset)]).dictionary_encode(),
    }
    rows = rng.permutation(n)
    for name, arr in columns.items():
        sliced = arr.slice(offset)  # an offset into the buffers, as a batch of a larger read
        got = _reordered(pa.chunked_array([sliced]), rows)
        want = sliced.take(pa.array(rows))
        assert got.to_pylist() == want.to_pylist(), name
        assert got.null_count == want.null_count, name


def test_clustered_sorts_pairs_alphabetically_and_keeps_rows_whole():
    exporter = ["RUS", "RUS", "KOR", "KOR", "AUT", "RUS"]
    importer = ["KOR", "KOR", "RUS", "AUT", "KOR", "AUT"]
    quantity = pa.array([1.0, None, 3.0, 4.0, None, 6.0])
    flag = pa.array([False, False, True, False, True, True])
    table = pa.table(
        {
            "exporter": pa.array(exporter).dictionary_encode(),
            "importer": pa.array(importer).dictionary_encode(),
            "value": [10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
            "quantity": quantity,
            "flag": flag,
        }
    )
    got = _clustered(table).to_pydict()
    # pairs in (exporter, importer) order; rows of one pair keep their order
    assert list(zip(got["exporter"], got["importer"], strict=True)) == [
        ("AUT", "KOR"),
        ("KOR", "AUT"),
        ("KOR", "RUS"),
        ("RUS", "AUT"),
        ("RUS", "KOR"),
        ("RUS", "KOR"),
    ]
    assert got["value"] == [14.0, 13.0, 12.0, 15.0, 10.0, 11.0]
    assert got["quantity"] == [None, 4.0, 3.0, 6.0, 1.0, None]
    assert got["flag"] == [True, False, True, True, False, False]

"""The one JSON cleaner: NaN, pd.NA and infinities as null; numpy scalars and arrays plain."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from bilat.render.jsonable import dumps, jsonable


def test_missing_values_are_null():
    out = jsonable({"a": math.nan, "b": pd.NA, "c": math.inf, "d": None, "e": pd.NaT})
    assert out == {"a": None, "b": None, "c": None, "d": None, "e": None}


def test_numpy_and_pandas_become_plain():
    out = jsonable(
        {1: np.int64(3), "f": np.float32(1.5), "b": np.bool_(True), "arr": np.array([1.0, np.nan])}
    )
    assert out == {"1": 3, "f": 1.5, "b": True, "arr": [1.0, None]}
    assert type(out["1"]) is int and type(out["b"]) is bool
    frame = pd.DataFrame({"year": [2016], "value": [np.nan]})
    assert jsonable(frame) == [{"year": 2016, "value": None}]
    assert jsonable(pd.Timestamp("2016-01-02")) == "2016-01-02T00:00:00"


def test_dumps_is_strict_json():
    text = dumps({"x": [math.nan, 1.0], "name": "Türkiye – Korea"})
    assert json.loads(text) == {"x": [None, 1.0], "name": "Türkiye – Korea"}
    assert "NaN" not in text and "Türkiye" in text  # UTF-8 kept

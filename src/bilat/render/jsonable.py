"""The one cleaner of values for JSON: what the CLI, the API, the HTML report and the charts
send out.

JSON has no NaN: missing values (NaN, infinities, None, pd.NA, NaT) become null; numpy and
pandas scalars become plain Python numbers; arrays, Series and tuples become lists; dates
become ISO text; anything else becomes its text (readable rather than an error). Raw values
stay raw: no rounding, no units.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import PurePath
from typing import Any

__all__ = ["dumps", "jsonable"]


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values (dict keys as text)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    module = type(obj).__module__
    if module.startswith(("numpy", "pandas")):  # before dates: pd.NaT is a datetime
        return _array_like(obj)
    if isinstance(obj, _dt.date | _dt.datetime | _dt.time):
        return obj.isoformat()
    if isinstance(obj, PurePath):
        return str(obj)
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return jsonable(obj.to_dict())
    return str(obj)


def _array_like(obj: Any) -> Any:
    import numpy as np
    import pandas as pd

    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.DataFrame):
        return jsonable(obj.to_dict(orient="records"))
    if isinstance(obj, np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return [jsonable(v) for v in list(obj)]
    if isinstance(obj, pd.Timestamp):
        return None if pd.isna(obj) else obj.isoformat()
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    return str(obj)


def dumps(obj: Any, indent: int | None = 2) -> str:
    """``obj`` as strict JSON text (UTF-8 kept as is, no NaN)."""
    return json.dumps(jsonable(obj), indent=indent, ensure_ascii=False, allow_nan=False)

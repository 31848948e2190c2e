"""Bounds on what a source file may hold, so that a bad file is refused with a clear message
instead of filling the disk, the memory, or the store with numbers that are not amounts.

- ``MAX_USD``: no single flow is worth more than a quadrillion US dollars (world merchandise
  trade is about 2.5e13 USD a year): a larger value is a unit error or an overflow (BACI's
  ``1e308`` thousand USD times 1,000 is ``inf``), not a flow.
- ``MAX_QUANTITY``: the same for quantities (1e15 tonnes or units).
- ``MAX_DECOMPRESSED``: a compressed file may expand to at most this many bytes (a "zip bomb"
  of 5 MB can expand to 2 GB and 93M rows); ``BILAT_MAX_DECOMPRESSED`` (bytes) raises it.
- ``MAX_LINE``: no line of a delimited file is longer than this (a real row is well under a
  kilobyte; a 2 GB "line" is a binary or damaged file).
"""

from __future__ import annotations

import os

MAX_USD = 1e15
MAX_QUANTITY = 1e15
#: 64 GB: larger than any single release file (BACI HS92 all years unzipped is ~30 GB)
DEFAULT_MAX_DECOMPRESSED = 64 << 30
MAX_LINE = 1 << 20


def max_decompressed() -> int:
    """Bytes a compressed file may expand to: ``BILAT_MAX_DECOMPRESSED`` (read now), else
    ``DEFAULT_MAX_DECOMPRESSED``."""
    raw = os.environ.get("BILAT_MAX_DECOMPRESSED", "").strip()
    try:
        return int(float(raw)) if raw else DEFAULT_MAX_DECOMPRESSED
    except ValueError:
        from bilat.errors import InputError

        raise InputError(
            f"BILAT_MAX_DECOMPRESSED={raw!r} is not a number of bytes (e.g. 100e9)"
        ) from None

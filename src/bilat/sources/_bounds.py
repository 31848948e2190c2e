"""Bounds on what a source file may hold, so that a bad file is refused with a clear message
instead of filling the disk, the memory, or the store with numbers that are not amounts.

- ``MAX_USD``: no single flow is worth more than a quadrillion US dollars (world merchandise
  trade is about 2.5e13 USD a year): a larger value is a unit error or an overflow (BACI's
  ``1e308`` thousand USD times 1,000 is ``inf``), not a flow.
- ``MAX_QUANTITY``: the same for quantities (1e15 tonnes or units).
- Decompressed size: a compressed file may expand to 100 times its size, and to at least 1 GB
  whatever its size, but never past 64 GB (a 5 MB "zip bomb" expanding to 2 GB and 93M rows
  is refused; trade CSVs compress 5–20 times). ``BILAT_MAX_DECOMPRESSED`` (bytes) sets the
  bound instead, for a genuine file that compresses better.
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


#: a compressed file may expand to this many times its size …
MAX_RATIO = 100
#: … and to this much whatever its size
MIN_DECOMPRESSED = 1 << 30


def decompressed_limit(compressed: int) -> int:
    """Bytes a file of ``compressed`` bytes may expand to: ``BILAT_MAX_DECOMPRESSED`` (read
    now) if set, else ``MAX_RATIO`` times its size, at least ``MIN_DECOMPRESSED`` and at
    most ``DEFAULT_MAX_DECOMPRESSED``."""
    raw = os.environ.get("BILAT_MAX_DECOMPRESSED", "").strip()
    if raw:
        try:
            return int(float(raw))
        except ValueError:
            from bilat.errors import InputError

            raise InputError(
                f"BILAT_MAX_DECOMPRESSED={raw!r} is not a number of bytes (e.g. 100e9)"
            ) from None
    return min(DEFAULT_MAX_DECOMPRESSED, max(MIN_DECOMPRESSED, MAX_RATIO * compressed))

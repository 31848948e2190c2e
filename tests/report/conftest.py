"""Report tests use the ledger's bundle fixtures (raw bundle files read with pandas)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ledger"))

from tests.ledger.bundle_fixtures import (  # noqa: F401  (fixtures for this folder)
    baci_world_frame,
    bundle_flows,
    bundle_root,
    comtrade_frame,
    penppml_frame,
)

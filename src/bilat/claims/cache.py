"""The claim checker's ledger answers, kept on disk between processes for one state of a store.

Checking an article asks the ledger a few dozen questions (a pair's flows, a partner's rank), each
a query over the store (0.05-0.25 s). In one process the answers are cached by the store's
session (``bilat.claims.verify.verifier_for``); this module keeps them for the next process too,
so that ``bilat claims check`` on another article about the same pairs answers in well under a
second.

Correctness: the answers are keyed by the store's folder, the exact bytes of its manifest (which
every change to the store rewrites) and the size and time of the ledger's source files; a store or
a ledger that changed is a new key, and the old file is removed.
Only stores (not in-memory tables) are cached. ``BILAT_CLAIMS_CACHE=0`` turns the cache off (read
when a check starts, not at import). The files are pickles in the user's own cache folder
(``platformdirs.user_cache_dir("bilat")/claims``), written and read only by bilat.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilat.store.session import Data

__all__ = ["LedgerCache", "cache_for"]

_VERSION = 1  # bump when the cached shapes change


class LedgerCache:
    """Answers (flows tables, rank tables, provenance) for one store state, on disk."""

    def __init__(self, path: Path, stale_prefix: str):
        self.path = path
        self._prefix = stale_prefix
        self.entries: dict[str, dict[tuple[object, ...], object]] = {}
        self.dirty = False
        try:
            with path.open("rb") as fh:
                version, entries = pickle.load(fh)
            if version == _VERSION:
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            self.entries = {}

    def section(self, name: str) -> dict[tuple[object, ...], object]:
        """The dict of one kind of answer (``flows``, ``ranks``, ``meta``); changes are kept."""
        return self.entries.setdefault(name, {})

    def save(self) -> None:
        """Write the answers if any were added; remove files of this store's older states."""
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump((_VERSION, self.entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)  # atomic: a reader sees the old file or the new one
        for old in self.path.parent.glob(f"{self._prefix}-*.pkl"):
            if old != self.path:
                old.unlink(missing_ok=True)
        self.dirty = False


def _code_stamp() -> bytes:
    """Size and mtime of the ledger's modules: answers from other code are not reused."""
    import bilat.claims

    ledger = Path(bilat.claims.__file__).resolve().parents[1] / "ledger"
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(ledger.glob("*.py"))]
    return repr((_VERSION, stats)).encode()


def cache_for(data: Data) -> LedgerCache | None:
    """The disk cache of a store's current state; None for a session over a table, or off."""
    if os.environ.get("BILAT_CLAIMS_CACHE", "1") == "0":
        return None
    root = data.root
    if root is None:
        return None
    try:
        manifest = (Path(root) / "manifest.json").read_bytes()
    except OSError:
        return None
    from platformdirs import user_cache_dir

    where = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:12]
    state = hashlib.sha256(manifest + _code_stamp()).hexdigest()[:16]
    folder = Path(user_cache_dir("bilat")) / "claims"
    return LedgerCache(folder / f"{where}-{state}.pkl", where)

"""Where bilat finds its store and the data bundle; read when asked, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store folder: the argument, else ``BILAT_STORE``, else a per-user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("BILAT_STORE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("bilat")) / "store"


def bundle_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The offline data bundle: the argument, else ``BILAT_BUNDLE``, else ``../shared/data``."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("BILAT_BUNDLE")
    if env:
        return Path(env).expanduser()
    return (_PROJECT_ROOT / ".." / "shared" / "data").resolve()

"""The store's manifest: which Parquet files are live, and which source file each came from.

The manifest is the single source of truth: query engines read only the files it lists, and it
is replaced atomically (write, fsync, rename), so a store is always in one consistent state.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from bilat.errors import StoreError

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Partition:
    """One replaceable slice of a table: ``(table, source, dataset, year)``, stored as one file."""

    table: str
    source: str
    dataset: str
    year: int | None
    release: str
    rows: int
    file: str  # path of the Parquet file, relative to the store root
    origin: str  # sha256 of the source file it came from
    first_year: int | None = None
    last_year: int | None = None
    # text columns that hold one value on every row, stored here (and in the file's metadata)
    # instead of in the file's rows; see bilat.store.constants
    constants: dict[str, str] = field(default_factory=dict)
    # what a flows partition covers, per year, derived from its rows at ingestion (see
    # bilat.store.coverage); empty for other tables and for stores written before it existed
    coverage: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable identity of the slice, without the release."""
        year = "all" if self.year is None else str(self.year)
        return f"{self.table}/{self.source}/{self.dataset}/{year}"


@dataclass(frozen=True)
class SourceFile:
    """One ingested source file as recorded in the manifest."""

    sha256: str
    name: str
    path: str
    format: str
    table: str
    source: str
    dataset: str
    release: str
    rows: int
    years: tuple[int, ...]
    ingested_at: str
    # size and modification time when ingested: a file that still has them is checked
    # against its checksum before any work; others are read while their checksum is computed
    size: int | None = None
    mtime_ns: int | None = None


@dataclass(frozen=True)
class Manifest:
    """The live state of the store; a new Manifest is returned by every change."""

    generation: int = 0
    files: dict[str, SourceFile] = field(default_factory=dict)
    partitions: dict[str, Partition] = field(default_factory=dict)

    def live_files(self, table: str) -> list[str]:
        """Relative paths of the Parquet files that make up ``table``, in a stable order."""
        return sorted(p.file for p in self.partitions.values() if p.table == table)

    def live_groups(self, table: str) -> list[tuple[dict[str, str], list[str]]]:
        """``table``'s live files grouped by their constant columns: ``[(constants, files)]``."""
        from bilat.store.constants import grouped

        return grouped((p.file, p.constants) for p in self.partitions.values() if p.table == table)

    def with_changes(
        self,
        add: list[Partition],
        drop_keys: set[str],
        new_file: SourceFile | None = None,
    ) -> Manifest:
        """A new manifest with ``drop_keys`` removed, ``add`` added, and source files pruned."""
        parts = {k: v for k, v in self.partitions.items() if k not in drop_keys}
        for p in add:
            parts[p.key] = p
        origins = {p.origin for p in parts.values()}
        files = {sha: f for sha, f in self.files.items() if sha in origins}
        if new_file is not None and new_file.sha256 in origins:
            files[new_file.sha256] = new_file
        return replace(self, generation=self.generation + 1, files=files, partitions=parts)


def load(path: Path) -> Manifest:
    """Read a manifest file; an absent file is an empty store."""
    if not path.exists():
        return Manifest()
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: the store manifest is unreadable ({exc})") from exc
    return parse(body, path)


def parse(body: bytes, path: Path) -> Manifest:
    """A manifest from the bytes of its file (``path`` names it in errors)."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(
            f"{path}: the store manifest is unreadable ({exc}); restore it from a backup, or "
            "re-create the store (`bilat data bundle` / `bilat data add`)"
        ) from exc
    if not isinstance(raw, dict):
        raise StoreError(
            f"{path}: the store manifest is damaged (not a JSON object); restore it from a "
            "backup, or re-create the store (`bilat data bundle` / `bilat data add`)"
        )
    if raw.get("format_version") != FORMAT_VERSION:
        raise StoreError(
            f"{path}: manifest format {raw.get('format_version')} is not {FORMAT_VERSION}; "
            "re-create the store with this version of bilat"
        )
    try:
        generation = int(raw["generation"])
        files = {
            sha: SourceFile(**{**f, "years": tuple(f["years"])}) for sha, f in raw["files"].items()
        }
        parts = {k: Partition(**p) for k, p in raw["partitions"].items()}
    except TypeError as exc:
        if "missing" in str(exc):  # a field every bilat writes is gone: edited or damaged
            raise StoreError(
                f"{path}: the store manifest is damaged: an entry lacks a field "
                f"({str(exc).split(' ', 1)[-1]}); restore it from a backup, or re-create the "
                "store (`bilat data bundle` / `bilat data add`)"
            ) from exc
        # a field this version does not know: dropping it could lose data
        raise StoreError(
            f"{path}: the store manifest has entries this version of bilat cannot read ({exc}); "
            "it was probably written by a newer bilat: upgrade bilat to read this store"
        ) from exc
    except (KeyError, AttributeError, ValueError) as exc:
        raise StoreError(
            f"{path}: the store manifest is damaged (no {exc} where bilat expects it); restore "
            "it from a backup, or re-create the store (`bilat data bundle` / `bilat data add`)"
        ) from exc
    return Manifest(generation=generation, files=files, partitions=parts)


def save(manifest: Manifest, path: Path) -> None:
    """Replace the manifest atomically: a crash leaves either the old or the new one, whole."""
    body = {
        "format_version": FORMAT_VERSION,
        "generation": manifest.generation,
        "files": {sha: asdict(f) for sha, f in manifest.files.items()},
        "partitions": {k: asdict(p) for k, p in sorted(manifest.partitions.items())},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # the rename is durable only once the directory entry is on disk
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def derived_complete(m: Manifest) -> bool:
    """Every flows partition has each derived table's partition from the same source file."""
    from bilat.schema import DERIVED_SCHEMAS

    for p in m.partitions.values():
        if p.table != "flows":
            continue
        for name in DERIVED_SCHEMAS:
            d = m.partitions.get(p.key.replace("flows/", f"{name}/", 1))
            if d is None or d.origin != p.origin:
                return False
    return True

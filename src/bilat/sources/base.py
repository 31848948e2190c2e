"""What every source reader provides: sniffing, file metadata, and validated canonical batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:  # only for annotations: keeps `bilat --help` from loading pyarrow
    import pyarrow as pa


@dataclass(frozen=True)
class FileInfo:
    """Identity of one source file in the store.

    ``dataset`` names the slice of the source the file holds, without the release
    (e.g. ``HS92`` for a BACI file, ``hs27`` for a Comtrade chapter extract): ingesting a file
    replaces what the store holds for the same ``(table, source, dataset, year)``.
    """

    table: str
    source: str
    dataset: str
    release: str
    format: str


class Reader(Protocol):
    """A reader for one external format; knows nothing of storage."""

    format: ClassVar[str]
    table: ClassVar[str]

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``head`` (first decompressed kilobytes) and the name look like this format."""
        ...

    def info(self, path: Path) -> FileInfo:
        """Source, dataset and release of the file, from its name or header."""
        ...

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated record batches in the table's canonical schema; raises DataFormatError."""
        ...


# A reader may also define ``constants(path) -> dict[str, str]``: text columns that hold one
# value on every row of the file, known before reading it (BACI's source, release, flow …).
# The store checks them on every chunk and writes each once per file instead of on each row.

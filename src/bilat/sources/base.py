"""What every source reader provides: sniffing, file metadata, and validated canonical batches.

A reader subclasses :class:`Reader` and declares what it knows as class attributes; the base
turns them into the boilerplate every reader would otherwise repeat:

- **sniffing** (``sniff``): ``header`` (the first columns of a comma-separated header, in
  order: penppml, DESTA, WDI, the Advanced Guide, BACI world exports) or ``signature`` (columns
  that identify the layout in any order and with any delimiter: Comtrade, Russian customs).
  A format that is not a CSV header (Stata, JSON, a zip) overrides ``sniff``.
- **file identity** (``info``): ``source``, ``dataset`` and ``release`` for files that carry
  none of their own (the Advanced Guide panel is always ``agtpa``/``applications``/``2016``).
  A reader whose files name their release (BACI, WDI) overrides ``info``.
- **rules the store applies** (``domestic_flows``, ``repeats_flows``): see their comments.
- **constants** (optional, ``constants(path)``): text columns that hold one value on every row
  of a file, known before reading it (BACI's source, release, flow …). The store checks them
  on every batch and writes each once per file instead of on each row; the default (None)
  stores every column on every row. Only a reader whose files are large and uniform needs it.

``batches`` is the reader's own work: validated record batches in the table's canonical schema
(``bilat.schema``), raising :class:`~bilat.errors.DataFormatError` that names file, line, column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

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


class Reader:
    """A reader for one external format; knows nothing of storage (see the module docstring)."""

    #: the format's name (``bilat data add --format``) and the store table it fills
    format: ClassVar[str]
    table: ClassVar[str]
    #: first columns of a comma-separated header, in order, that identify the format
    header: ClassVar[tuple[str, ...]] = ()
    #: columns whose presence identifies the format (any order, any delimiter)
    signature: ClassVar[frozenset[str]] = frozenset()
    #: fixed identity of files that carry none (else ``info`` is overridden)
    source: ClassVar[str | None] = None
    dataset: ClassVar[str | None] = None
    release: ClassVar[str | None] = None
    #: the format publishes flows whose exporter is the importer on purpose (domestic sales,
    #: re-imports): the store keeps them instead of refusing them
    domestic_flows: ClassVar[bool] = False
    #: several rows of one file may share a flow key and are parts of one flow (summed by
    #: every query): the store does not refuse them as duplicates
    repeats_flows: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(format={self.format!r}, table={self.table!r})"

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``head`` (first decompressed kilobytes) and the name look like this format."""
        from bilat.errors import DataFormatError
        from bilat.sources import _csv_stream as cs

        if self.header:
            return tuple(cs.header_fields(head)[: len(self.header)]) == self.header
        if self.signature:
            try:
                layout = cs.sniff_layout(Path(path), head)
            except DataFormatError:
                return False
            return self.signature <= set(layout.columns)
        return False

    def info(self, path: Path) -> FileInfo:
        """Source, dataset and release of the file (here: the reader's fixed ones)."""
        if self.source is None or self.dataset is None or self.release is None:
            raise NotImplementedError(f"{type(self).__name__} must define info()")
        return FileInfo(self.table, self.source, self.dataset, self.release, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated record batches in the table's canonical schema; raises DataFormatError."""
        raise NotImplementedError(f"{type(self).__name__} must define batches()")

    def constants(self, path: Path) -> dict[str, str] | None:
        """Text columns holding one value on every row of the file, or None (store them all)."""
        return None

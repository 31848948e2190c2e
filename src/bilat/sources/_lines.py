"""Where a batch's rows are in its file, for messages the store writes after reading.

A reader marks each batch with the file line of its first row (``tag``) or, for a plain file
parsed in byte ranges, the byte where its range starts and the rows before it (``tag_bytes``:
the line is counted only if it is needed). The store's checks that span the whole file (a flow
repeated far apart, see ``bilat.store.duplicates``) name lines through these marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

LINE = b"bilat.first_line"
BYTE = b"bilat.first_byte"
ROWS = b"bilat.rows_before"


def tag(batch: pa.RecordBatch, first_line: int) -> pa.RecordBatch:
    """``batch`` marked with the file line of its first row (its rows are on consecutive lines)."""
    return batch.replace_schema_metadata({LINE: str(first_line)})


def tag_bytes(batch: pa.RecordBatch, first_byte: int, rows_before: int) -> pa.RecordBatch:
    """``batch`` marked as starting ``rows_before`` lines after byte ``first_byte`` (a line
    start) of a plain file."""
    return batch.replace_schema_metadata({BYTE: str(first_byte), ROWS: str(rows_before)})

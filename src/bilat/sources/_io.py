"""Opening source files as they are published: plain, gzip or zip, with or without a BOM."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from bilat.errors import DataFormatError

BOM = b"\xef\xbb\xbf"
# Folders of the operating system: a path that leads there (often through a link) is not trade
# data, and its content is never read or shown in a message.
_SYSTEM = ("/etc", "/proc", "/sys", "/dev", "/boot", "/run", "/root", "/var/lib", "/var/run")


def check_path(path: str | Path) -> None:
    """DataFormatError, saying what to do, when ``path`` is not a regular data file: missing, a
    folder, a device or pipe, or (often through a link) a file of the operating system."""
    path = Path(path)
    if not path.exists():
        raise DataFormatError(path, "no such file", fix="check the path")
    target = path.resolve()
    if any(str(target) == s or str(target).startswith(s + "/") for s in _SYSTEM):
        via = f" (through a link to {target})" if target != path.absolute() else ""
        raise DataFormatError(
            path,
            f"is a system file{via}, not trade data: it is not read",
            fix="give the path of a data file you downloaded",
        )
    if path.is_dir():
        raise DataFormatError(
            path,
            "is a folder, not a file",
            fix=f"to add every data file in it, run `bilat data bundle {path}`",
        )
    if not path.is_file():
        raise DataFormatError(
            path, "is not a regular file (a device, pipe or socket)", fix="give a data file"
        )


def open_binary(path: str | Path, member: str | None = None) -> BinaryIO:
    """The decompressed byte stream of a plain, gzip or zip file (its one member, or ``member``)."""
    path = Path(path)
    check_path(path)
    if path.stat().st_size == 0:
        raise DataFormatError(path, "the file is empty")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if magic == b"PK\x03\x04":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise DataFormatError(
                path, f"damaged zip archive ({exc})", fix="download it again"
            ) from exc
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if member is None:
            data = [n for n in names if n.lower().endswith((".csv", ".txt", ".json"))]
            if len(data) != 1:
                raise DataFormatError(
                    path,
                    f"the zip holds {len(data)} data files ({', '.join(data[:5])})",
                    fix="name the member to read",
                )
            member = data[0]
        return zf.open(member)
    return open(path, "rb")


def head_bytes(path: str | Path, n: int = 8192) -> bytes:
    """The first ``n`` decompressed bytes, BOM removed; DataFormatError if the file is damaged."""
    try:
        with open_binary(path) as fh:
            head = fh.read(n)
    except DataFormatError as exc:
        # a zip of several members is still recognisable by its member names
        if "the zip holds" in str(exc):
            return b""
        raise
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(
            path, f"damaged or truncated file ({exc})", fix="download it again"
        ) from exc
    return head[len(BOM) :] if head.startswith(BOM) else head


def text_head(path: str | Path, n: int = 8192) -> str:
    """The first ``n`` bytes decoded as UTF-8 (errors replaced), for sniffing headers."""
    return head_bytes(path, n).decode("utf-8", errors="replace")


def read_all_checked(stream: BinaryIO, path: str | Path) -> io.BytesIO:
    """Read a whole (small) stream, turning truncation into a DataFormatError naming the file."""
    try:
        return io.BytesIO(stream.read())
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(
            path, f"damaged or truncated file ({exc})", fix="download it again"
        ) from exc

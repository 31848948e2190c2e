"""Opening source files as they are published: plain, gzip or zip, with or without a BOM."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from bilat.errors import DataFormatError

BOM = b"\xef\xbb\xbf"
# Folders of the operating system: a path that leads there (often through a link) is not trade
# data, and its content is never read or shown in a message.
# (Not /root or /var/lib: data files may well live there.)
_SYSTEM = ("/etc", "/proc", "/sys", "/dev", "/boot")


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


class Bounded(io.RawIOBase):
    """A decompressed stream that stops with a DataFormatError past ``limit`` bytes."""

    def __init__(self, raw: Any, limit: int, path: str | Path) -> None:
        self._raw, self._limit, self._path, self._seen = raw, limit, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        self._seen += n
        if self._seen > self._limit:
            raise too_big(self._path, self._limit)
        buffer[:n] = data
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size) if size is not None and size >= 0 else self._raw.read()
        self._seen += len(data)
        if self._seen > self._limit:
            raise too_big(self._path, self._limit)
        return bytes(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def decompressed_limit(path: str | Path) -> int:
    """Bytes a compressed file may expand to (see ``bilat.sources._bounds``)."""
    from bilat.sources._bounds import decompressed_limit as limit

    return limit(Path(path).stat().st_size)


def too_big(path: str | Path, limit: int) -> DataFormatError:
    """The error for a file that expands past ``limit`` bytes."""
    return DataFormatError(
        path,
        f"expands to more than {_size(limit)} when decompressed (the bound: 100 times its "
        "compressed size, at least 1 GB): a damaged archive or a 'zip bomb', not a release "
        "file",
        fix="check where the file came from; if it is genuine, decompress it yourself and add "
        "the plain file, or raise the bound with BILAT_MAX_DECOMPRESSED=<bytes>",
    )


def _size(n: int) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.0f} MB"


def check_zip_member(path: str | Path, info: zipfile.ZipInfo) -> None:
    """DataFormatError when a zip member declares more bytes than the bound allows (the zip
    module never gives more than a member declares)."""
    limit = decompressed_limit(path)
    if info.file_size > limit:
        raise too_big(f"{path}:{info.filename}", limit)


def open_binary(path: str | Path, member: str | None = None) -> BinaryIO:
    """The decompressed byte stream of a plain, gzip or zip file (its one member, or ``member``)."""
    path = Path(path)
    check_path(path)
    if path.stat().st_size == 0:
        raise DataFormatError(path, "the file is empty")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic[:2] == b"\x1f\x8b":
        return io.BufferedReader(  # type: ignore[return-value]
            Bounded(gzip.open(path, "rb"), decompressed_limit(path), path), 1 << 20
        )
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
        check_zip_member(path, zf.getinfo(member))
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

"""Which reader handles which file: by explicit format name, or by sniffing its first bytes."""

from __future__ import annotations

import importlib
from pathlib import Path

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.sources._io import head_bytes
from bilat.sources.base import Reader

# format name -> "module:Class"; imported lazily so that one broken reader never blocks the rest.
_READERS: dict[str, str] = {
    "baci": "bilat.sources.baci:BaciReader",
    "baci-world": "bilat.sources.baci_world:BaciWorldReader",
    "comtrade-legacy": "bilat.sources.comtrade_legacy:ComtradeLegacyReader",
    "comtrade-api": "bilat.sources.comtrade_api:ComtradeApiReader",
    "ru-customs": "bilat.sources.ru_customs:RuCustomsReader",
    "tidy": "bilat.sources.tidy:TidyReader",
    "wdi": "bilat.sources.wdi:WdiReader",
    "geodist": "bilat.sources.geodist:GeoDistReader",
    "desta": "bilat.sources.desta:DestaReader",
    "agtpa": "bilat.sources.agtpa:AgtpaReader",
}


def formats() -> list[str]:
    """Names of the formats bilat reads."""
    return list(_READERS)


def get_reader(fmt: str) -> Reader:
    """The reader for a format name, e.g. ``baci`` or ``comtrade-legacy``."""
    try:
        target = _READERS[fmt]
    except KeyError:
        import difflib

        raise UnknownCodeError(
            "format", fmt, difflib.get_close_matches(fmt, list(_READERS), n=3)
        ) from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)()


def detect(path: str | Path) -> Reader:
    """The reader whose ``sniff`` accepts the file; DataFormatError naming the file if none does."""
    path = Path(path)
    head = head_bytes(path)
    for fmt in _READERS:
        try:
            reader = get_reader(fmt)
        except ImportError:  # a reader not built yet must not hide the others
            continue
        if reader.sniff(path, head):
            return reader
    raise DataFormatError(
        path,
        "not a format bilat recognises",
        fix=f"give --format, one of: {', '.join(_READERS)}",
    )

"""Which reader handles which file: by explicit format name, or by sniffing its first bytes."""

from __future__ import annotations

import importlib
from pathlib import Path

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.sources._io import check_path, head_bytes
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
    # after "agtpa": the same file, detected as flows first; `data bundle` adds both
    "agtpa-panel": "bilat.sources.agtpa:AgtpaPanelReader",
    "hs-descriptions": "bilat.sources.hs_tables:HsDescriptionsReader",
    "hs-concordance": "bilat.sources.hs_tables:HsConcordanceReader",
}


#: What each format's sniffing looks for, for the message when none recognises a file.
LOOKED_FOR: dict[str, str] = {
    "baci": "header t,i,j,k,v,q (or a zip named BACI_HSxx_Vyyyymm.zip)",
    "baci-world": "header t,i,i_iso3c,i_name,i_region,k,k_name,k_sector,v,q",
    "comtrade-legacy": "columns Classification, Trade Flow, Reporter ISO, Partner ISO, "
    "Trade Value (US$)",
    "comtrade-api": "columns reporterCode, partnerCode, flowCode, cmdCode, primaryValue (CSV) "
    'or a JSON object with "data"',
    "ru-customs": "columns DIRECTION, PERIOD, COUNTRY, HS, VALUE, REGION",
    "tidy": "header exp,imp,time,export,id,agreement (penppml; other layouts: --map)",
    "wdi": "header Country Name,Country Code,Year,Value or the WDI download's wide layout",
    "geodist": "a Stata .dta file with iso_o and iso_d",
    "desta": "header year,country1,country2,base_treaty,rta",
    "agtpa": "header exporter,importer,pair_id,year,trade",
    "agtpa-panel": "header exporter,importer,pair_id,year,trade (the panel with covariates)",
    "hs-descriptions": "header code,desc in a file named hs<i>_desc.csv",
    "hs-concordance": "header HS<i>_6d,… in a file named hs<i>_hs<j>.csv",
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


def detect_all(path: str | Path) -> list[Reader]:
    """Every reader whose ``sniff`` accepts the file, in the registry's order (the Advanced
    Guide's panel is both flows and the ``agtpa_panel`` table); [] when none does."""
    path = Path(path)
    check_path(path)
    head = head_bytes(path)
    found = []
    for fmt in _READERS:
        try:
            reader = get_reader(fmt)
        except ImportError:
            continue
        if reader.sniff(path, head):
            found.append(reader)
    return found


def detect(path: str | Path) -> Reader:
    """The reader whose ``sniff`` accepts the file; DataFormatError naming the file if none does."""
    path = Path(path)
    check_path(path)
    head = head_bytes(path)
    for fmt in _READERS:
        try:
            reader = get_reader(fmt)
        except ImportError:  # a reader not built yet must not hide the others
            continue
        if reader.sniff(path, head):
            return reader
    looked = "; ".join(f"{fmt}: {what}" for fmt, what in LOOKED_FOR.items())
    raise DataFormatError(
        path,
        f"not a format bilat recognises: its first line is {_first_line(head)} (looked for "
        f"{looked})",
        fix=f"give --format, one of: {', '.join(_READERS)}; or --map for a tidy CSV",
    )


def _first_line(head: bytes) -> str:
    """The file's first line as it can be shown: printable text, cut at 120 characters."""
    if not head:
        return "empty (a zip without a data member?)"
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    if sum(not ch.isprintable() for ch in first) > len(first) // 10:
        return "binary, not text"
    shown = "".join(ch if ch.isprintable() else "?" for ch in first[:120])
    return repr(shown + ("…" if len(first) > 120 else ""))

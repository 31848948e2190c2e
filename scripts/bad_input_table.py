"""Try every class of bad input bilat refuses and print the table of docs/bad-input.md.

Each case builds its bad input in a temporary folder (real Comtrade rows come from the data
bundle, BILAT_BUNDLE), feeds it to bilat, and records the message it got back, with the store
checked to be unchanged (every file, byte for byte). Run:

    PYTHONPATH=src BILAT_BUNDLE=../shared/data python scripts/bad_input_table.py > /tmp/table.md

The last line says how many inputs were tried, refused, and whether anything was lost.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bilat.errors import BilatError
from bilat.settings import bundle_path
from bilat.sources.tidy import TidyReader, read_mapping_from_cli
from bilat.store import Store

HEADER = "t,i,j,k,v,q\n"
GOOD = ["2016,643,410,270900,1500.5,10.0", "2016,410,643,870323,250.25,2.0"]
MAP = {"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"}
TIDY = "exp,imp,year,usd\n"


class Case:
    def __init__(self, what: str, run: Callable[[Path, Store], object]):
        self.what, self.run = what, run


def baci(tmp: Path, lines: list[str], name: str = "BACI_HS92_Y2016_V202201.csv") -> Path:
    path = tmp / name
    path.write_text(HEADER + "".join(f"{x}\n" for x in [*GOOD, *lines]))
    return path


def tidy(tmp: Path, body: str, name: str = "flows.csv") -> Path:
    path = tmp / name
    path.write_text(TIDY + body)
    return path


def comtrade(tmp: Path, edit: Callable[[list[str]], None]) -> Path:
    real = bundle_path() / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    edit(lines)
    path = tmp / "comtrade_hs27_2015.csv"
    path.write_text("".join(lines))
    return path


def cell(lines: list[str], row: int, col: int, value: str) -> None:
    cells = lines[row].rstrip("\n").split(",")
    cells[col] = value
    lines[row] = ",".join(cells) + "\n"


def ingest(path: Path, store: Store, reader=None, **kw) -> object:
    return store.ingest([path], reader=reader, **kw)


def cases() -> list[Case]:
    t = TidyReader(MAP)
    out = [
        Case(
            "a flow repeated in a file (BACI)",
            lambda d, s: ingest(baci(d, [GOOD[0]]), s),
        ),
        Case(
            "a flow repeated in a file (tidy CSV)",
            lambda d, s: ingest(tidy(d, "RUS,KOR,2016,657\nRUS,KOR,2016,657\n"), s, t),
        ),
        Case(
            "a flow repeated in a file (Comtrade, a real row added again)",
            lambda d, s: ingest(comtrade(d, lambda x: x.append(x[5])), s),
        ),
        Case(
            "exporter equal to importer (BACI)",
            lambda d, s: ingest(baci(d, ["2016,643,643,270111,1,1"]), s),
        ),
        Case("value `inf` (BACI)", lambda d, s: ingest(baci(d, ["2016,643,410,270111,inf,1"]), s)),
        Case(
            "value `1e308` thousand USD, inf once in USD (BACI)",
            lambda d, s: ingest(baci(d, ["2016,643,410,270111,1e308,1"]), s),
        ),
        Case(
            "negative value (BACI)", lambda d, s: ingest(baci(d, ["2016,643,410,270111,-3,1"]), s)
        ),
        Case("missing value (BACI)", lambda d, s: ingest(baci(d, ["2016,643,410,270111,,1"]), s)),
        Case("value `nan` (BACI)", lambda d, s: ingest(baci(d, ["2016,643,410,270111,nan,1"]), s)),
        Case(
            "quantity `inf` (BACI)",
            lambda d, s: ingest(baci(d, ["2016,643,410,270111,1,inf"]), s),
        ),
        Case(
            "value `Infinity` (tidy CSV)",
            lambda d, s: ingest(tidy(d, "RUS,KOR,2016,Infinity\n"), s, t),
        ),
        Case(
            "value that overflows once times `--unit` (1e300 × 1e10)",
            lambda d, s: ingest(tidy(d, "RUS,KOR,2016,1e300\n"), s, TidyReader(MAP, unit=1e10)),
        ),
        Case("`--unit inf`", lambda d, s: TidyReader(MAP, unit=math.inf)),
        Case(
            "value `inf` (Comtrade)",
            lambda d, s: ingest(comtrade(d, lambda x: cell(x, 3, -2, "inf")), s),
        ),
        Case(
            "a file of the same release with fewer rows (the 500-row head of a Comtrade year)",
            lambda d, s: (
                ingest(comtrade(d, lambda x: None), s),
                ingest(comtrade(d, lambda x: x.__delitem__(slice(501, None))), s),
            ),
        ),
        Case("a folder given as a file", lambda d, s: ingest(d, s)),
        Case(
            "a file in no format bilat reads",
            lambda d, s: (
                ingest(tidy(d, "1,2\n", name="mystery.csv"), s)
                if False
                else ingest(_write(d / "mystery.csv", "alpha,beta\n1,2\n"), s)
            ),
        ),
        Case(
            "a quoted field never closed",
            lambda d, s: ingest(tidy(d, 'RUS,KOR,2016,1\n"KOR,RUS,2016,5\nRUS,CHN,2016,7\n'), s, t),
        ),
        Case("a link to a system file", lambda d, s: ingest(_link(d), s)),
        Case(
            "an empty file", lambda d, s: ingest(_write(d / "BACI_HS92_Y2016_V202201.csv", ""), s)
        ),
        Case(
            "a header and no rows",
            lambda d, s: ingest(_write(d / "BACI_HS92_Y2016_V202201.csv", HEADER), s),
        ),
        Case(
            "a year that is not the file's (BACI)",
            lambda d, s: ingest(baci(d, ["2017,643,410,270111,1,1"]), s),
        ),
        Case(
            "an unknown country code (BACI)",
            lambda d, s: ingest(baci(d, ["2016,643,998,270111,1,1"]), s),
        ),
        Case(
            "an HS code of no chapter of the revision (990199 in HS92)",
            lambda d, s: ingest(baci(d, ["2016,643,410,990199,1,1"]), s),
        ),
        Case(
            "a malformed product code (BACI)",
            lambda d, s: ingest(baci(d, ["2016,643,410,123,1,1"]), s),
        ),
        Case("a line cut short (BACI)", lambda d, s: ingest(baci(d, ["2016,643,410"]), s)),
        Case(
            "a renamed column (BACI)",
            lambda d, s: ingest(
                _write(d / "BACI_HS92_Y2016_V202201.csv", "t,i,j,k,value,q\n2016,643,410,1,1,1\n"),
                s,
                format="baci",
            ),
        ),
        Case(
            "a BACI file renamed without its revision and release",
            lambda d, s: ingest(baci(d, [], name="baci_2016.csv"), s),
        ),
        Case(
            "text not in UTF-8 (tidy CSV in Windows-1251)",
            lambda d, s: ingest(
                _write_bytes(
                    d / "flows.csv", (TIDY + "RUS,KOR,2016,1\nКОР,RUS,2016,2\n").encode("cp1251")
                ),
                s,
                t,
            ),
        ),
        Case(
            "a UTF-16 file (BACI)",
            lambda d, s: ingest(
                _write_bytes(
                    d / "BACI_HS92_Y2016_V202201.csv", (HEADER + GOOD[0]).encode("utf-16")
                ),
                s,
                format="baci",
            ),
        ),
        Case(
            "an unknown Comtrade reporter code (ISO code still valid)",
            lambda d, s: ingest(comtrade(d, lambda x: cell(x, 1, 8, "997")), s),
        ),
        Case(
            "an unknown trade flow (Comtrade)",
            lambda d, s: ingest(comtrade(d, lambda x: cell(x, 2, 7, "Transit")), s),
        ),
        Case(
            "a classification that is not HS (Comtrade SITC)",
            lambda d, s: ingest(comtrade(d, lambda x: cell(x, 2, 0, "S3")), s),
        ),
        Case(
            "an unknown country code (tidy CSV)",
            lambda d, s: ingest(tidy(d, "RUS,KOX,2016,1\n"), s, t),
        ),
        Case(
            "a year that is not a year (tidy CSV)",
            lambda d, s: ingest(tidy(d, "RUS,KOR,1850.5,1\n"), s, t),
        ),
        Case(
            "a product that is not an HS code (tidy CSV)",
            lambda d, s: ingest(
                _write(d / "flows.csv", "exp,imp,year,usd,hs\nRUS,KOR,2016,1,27A\n"),
                s,
                TidyReader({**MAP, "product": "hs"}),
            ),
        ),
        Case(
            "a compressed file that expands past the bound (BILAT_MAX_DECOMPRESSED=1e6 here)",
            lambda d, s: _with_env("BILAT_MAX_DECOMPRESSED", "1e6", lambda: ingest(_bomb(d), s)),
        ),
        Case(
            "a line of 20 MB (no line breaks)",
            lambda d, s: ingest(tidy(d, "RUS," + "x" * (20 << 20) + ",2016,5\n"), s, t),
        ),
        Case("a truncated gzip", lambda d, s: ingest(_truncated(d), s)),
        Case(
            "`--map` naming an unknown field",
            lambda d, s: read_mapping_from_cli("exporter=e,importr=i"),
        ),
        Case("a store manifest with missing fields", lambda d, s: _damage(s, "missing")),
        Case("a store manifest that is not JSON", lambda d, s: _damage(s, "json")),
    ]
    return out


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _link(d: Path) -> Path:
    link = d / "flows.csv"
    link.symlink_to("/etc/passwd")
    return link


def _bomb(d: Path) -> Path:
    path = d / "trade.csv.gz"
    rows = "".join(f"RUS,KOR,{1900 + n % 200},{n},1,\n" for n in range(50_000))
    with gzip.open(path, "wt") as fh:
        fh.write("exp,imp,time,export,id,agreement\n")
        for _ in range(10):
            fh.write(rows)
    return path


def _truncated(d: Path) -> Path:
    path = d / "BACI_HS92_Y2016_V202201.csv.gz"
    data = gzip.compress(
        (HEADER + "".join(f"2016,643,410,{10000 + n},1,1\n" for n in range(20000))).encode()
    )
    path.write_bytes(data[: len(data) // 2])
    return path


def _with_env(name: str, value: str, fn: Callable[[], object]) -> object:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        return fn()
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def _damage(store: Store, how: str) -> object:
    path = store.root / "manifest.json"
    if how == "json":
        path.write_text('{"format_version": 1, "generation": 3, "files": ')
    else:
        body = json.loads(path.read_text())
        for p in body["partitions"].values():
            del p["rows"]
        path.write_text(json.dumps(body))
    return Store(store.root).datasets()


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def main() -> int:
    rows, lost, tried = [], 0, 0
    for case in cases():
        tried += 1
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            store = Store(d / "store")
            store.ingest([baci(d, [], name="BACI_HS92_Y2016_V202201.csv")])
            (d / "BACI_HS92_Y2016_V202201.csv").unlink()
            damages = "manifest" in case.what
            before = snapshot(store.root)
            try:
                case.run(d, store)
            except BilatError as exc:
                message = str(exc).replace(tmp, "…")
                message = re.sub(r"\s+", " ", message)
            else:
                message = "(accepted: NOT REFUSED)"
            kept = damages or snapshot(store.root) == before or "fewer rows" in case.what
            if "fewer rows" in case.what:
                # the first file is in; the smaller one must not have changed it
                kept = "rows would go" in message
            lost += not kept
            rows.append((case.what, message, kept))
    print("| # | bad input | bilat's message | store unchanged |")
    print("|---|---|---|---|")
    for n, (what, message, kept) in enumerate(rows, 1):
        cut = message if len(message) < 600 else message[:600] + " …"
        cut = cut.replace("|", "\\|")
        print(f"| {n} | {what} | {cut} | {'yes' if kept else 'NO'} |")
    refused = sum("NOT REFUSED" not in m for _, m, _ in rows)
    print(f"\n{tried} bad inputs tried, {refused} refused, {lost} changed the store")
    return 0 if refused == tried and not lost else 1


if __name__ == "__main__":
    sys.exit(main())

"""Examples shown at the end of each command's help (``bilat flows --help``), in one place so
that the README's tour and the help say the same. Each line runs on a store made by
``bilat data bundle`` (tests/cli/test_examples.py runs the help of every command)."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "report": (
        "bilat report RUS KOR --from 1996 --to 2016",
        "bilat report RUS KOR --year 2016 --target 30e9 --target-year 2020 --base-year 2016",
        "bilat report 'South Korea' Russia --format html --out rus-kor.html",
        "bilat report RUS KOR --format xlsx --out rus-kor.xlsx",
    ),
    "flows": (
        "bilat flows RUS KOR --year 2016",
        "bilat flows RUS KOR --from 1996 --to 2016 --format csv",
        "bilat flows RUS KOR --year 2017 --products 27,44",
    ),
    "rank": ("bilat rank RUS KOR --year 2016", "bilat rank RUS --year 2016 --top 10"),
    "composition": (
        "bilat composition RUS KOR --year 2016 --level basket",
        "bilat composition RUS KOR --year 2015 --products 'mineral fuels, 4403'",
    ),
    "indices": (
        "bilat indices RUS KOR --year 2016 --index rca",
        "bilat indices RUS KOR --year 2016 --index grubel-lloyd --format json",
    ),
    "mirror": ("bilat mirror RUS KOR --year 2015", "bilat mirror RUS KOR --year 2015 --totals"),
    "target": ("bilat target RUS KOR --value 30e9 --by 2020 --base-year 2016",),
    "scenario list": ("bilat scenario list",),
}


def epilog(command: str) -> str:
    """The help's "Examples" block for ``command`` (one example a line)."""
    lines = EXAMPLES.get(command, ())
    if not lines:
        return ""
    # Typer's rich help joins single newlines; a blank line keeps one example a line
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)

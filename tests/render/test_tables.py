"""Tables fitted to a width, against tables written out by hand."""

from __future__ import annotations

import pandas as pd

from bilat.render.tables import fit, table_text, terminal_width

# RUS–KOR turnover and balance, every 4th year (the bundle README's 2016 figure)
FRAME = pd.DataFrame(
    {
        "year": [2008, 2012, 2016],
        "period": ["A", "A", "A"],
        "turnover": [17_145_583_616.0, 24_568_768_512.0, 15_326_241_792.0],
        "share": [0.02699, 0.03306, 0.03641],
        "note": ["", "", ""],
        "total": [635.2e9, 743.1e9, 420.9e9],
    }
)


def test_fits_with_plain_headers_and_numbers_in_words():
    got = fit(FRAME, 80, headers={"share": "Korea's share"}).text
    want = (
        "year       turnover   Korea's share          total\n"
        "──────────────────────────────────────────────────\n"
        "2008   17.15 bn USD           2.7 %   635.2 bn USD\n"
        "2012   24.57 bn USD           3.3 %   743.1 bn USD\n"
        "2016   15.33 bn USD           3.6 %   420.9 bn USD"
    )
    assert got == want  # an annual-only period and an empty column are left out


def test_cut_rows_show_the_latest_years_first():
    got = fit(FRAME, 80, max_rows=2, secondary=("total",))
    assert got.text.splitlines()[2].startswith("2016") and got.text.splitlines()[3][:4] == "2012"
    assert got.notes[-1] == "… 1 more rows (earlier years' rows: --format csv)"


def test_secondary_columns_go_first_and_are_named():
    got = fit(FRAME, 36, headers={"share": "Korea's share"}, secondary=("total",))
    want = (
        "year       turnover   Korea's share\n"
        "───────────────────────────────────\n"
        "2008   17.15 bn USD           2.7 %\n"
        "2012   24.57 bn USD           3.3 %\n"
        "2016   15.33 bn USD           3.6 %"
    )
    assert got.text == want
    assert got.dropped == ("total",)
    assert got.notes == ("not shown for width: total (--format csv, or a wider terminal)",)


def test_width_from_columns_else_100_for_a_pipe(monkeypatch):
    import io

    monkeypatch.setenv("COLUMNS", "123")
    assert terminal_width(io.StringIO()) == 123
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(io.StringIO()) == 100  # not a terminal


def test_table_text_keeps_small_changes_and_names_usd():
    # a scenario's focus table: baseline in USD, changes in percent (already × 100)
    frame = pd.DataFrame(
        {"baseline_usd": [10_557_803_520.0, 4_768_438_272.0], "full_pct": [71.136, 0.0047]},
        index=pd.Index(["RUS→KOR", "KOR→RUS"], name="flow"),
    )
    want = (
        "flow      baseline usd   full pct\n" + "─" * 33 + "\n"
        "RUS→KOR   10.56 bn USD      71.14\n"
        "KOR→RUS   4.768 bn USD     0.0047"
    )
    assert table_text(frame) == want

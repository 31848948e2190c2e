"""The "Check an article" page in headless Chromium: each side's report under its verdict, the
nearest covered figures of a "no data" claim, and the sentences with numbers that gave no claim.
The expected figures come from the library's own check of the same text (the API's engine), and
the skipped sentence and its reason are the ones the text holds. A screenshot goes to
artifacts/screenshots/."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.bundle]

TEXT = (
    "In 2016 trade between Russia and South Korea reached $15.3 billion.\n"
    "South Korea's GDP grew 2.8 percent in 2016.\n"
    "In 2017 trade between Russia and South Korea was $19 billion."
)


def test_claims_page_shows_sides_context_and_skipped_sentences(tab, live_server, bundle_store):
    from bilat.claims import check

    expected = check(TEXT, data=bundle_store, published="2018-03-01")
    page = tab.page
    page.goto(live_server + "/claims")
    page.fill("#text", TEXT)
    page.fill("#published", "2018-03-01")
    page.click("#check")
    page.wait_for_selector("#result:not([hidden])")

    assert list(expected.verdicts) == ["supported", "no data"]
    # each side's report: one row per side figure the store holds, with its verdict and source
    sides = [(i, x) for i, c in enumerate(expected.checks, 1) for x in c.sides]
    assert sides, "the bundle's penppml totals are one side's report"
    rows = page.locator("#sides tbody tr")
    assert page.is_visible("#sides-section") and rows.count() == len(sides)
    for k, (i, x) in enumerate(sides):
        cells = [rows.nth(k).locator("td").nth(j).text_content() for j in range(5)]
        assert cells == [str(i), x.side, x.label, x.verdict, x.cite]
        assert "penppml" in x.cite and "2016" in x.cite
    # the 2017 claim: no data, with the nearest covered year's figure as context
    ctx = expected.checks[1].context
    assert "not covered for 2017" in ctx and "2016: 15.33 bn USD" in ctx
    assert ctx in page.locator("#claim-2").text_content()
    # the GDP sentence holds a number and gave no claim: listed with why
    assert page.is_visible("#skipped-section")
    items = page.locator("#skipped li")
    assert items.count() == len(expected.skipped) == 1
    assert "South Korea's GDP grew 2.8 percent in 2016." in items.nth(0).text_content()
    assert "not about trade" in items.nth(0).text_content()
    assert "2018-03-01 (given)" in page.text_content("#published-note")
    tab.assert_clean()

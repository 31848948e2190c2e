"""Text cleaning: mojibake, dashes and quotes, HTML and plain-text boilerplate, sentences."""

from __future__ import annotations

from bilat.claims.text import clean, repair_mojibake, split_sentences


def test_mojibake_apostrophe_dash_and_quotes_are_repaired():
    # "Russia’s exports – “pivot”" encoded as UTF-8 and decoded as Windows-1252
    broken = "Russia’s exports – “pivot”".encode().decode("cp1252", errors="replace")
    assert repair_mojibake("Russiaâ€™s exports â€“ crude") == "Russia’s exports – crude"
    assert "â€" not in repair_mojibake(broken)


def test_real_accents_survive_repair():
    assert repair_mojibake("São Paulo and Côte d'Ivoire") == "São Paulo and Côte d'Ivoire"


def test_normalised_text_has_plain_dashes_and_quotes():
    doc = clean("Russia–Korea trade \u201cgrew\u201d \u2014 Korea\u2019s data")
    assert doc.text == 'Russia-Korea trade "grew" - Korea\'s data'


def test_html_boilerplate_is_dropped():
    page = (
        "<html><head><title>T</title><script>var x=1;</script></head><body>"
        "<nav><a>Home</a><a>Business</a></nav><div class='share-bar'>Share on Facebook</div>"
        "<article><h1>Headline</h1><p>Trade rose.</p>"
        "<figure><figcaption>Leaders meet. (Yonhap)</figcaption></figure>"
        "<p>Recommended: Another story about $9bn</p><p>Read more: Yet another</p></article>"
        "<aside class='related'><li>Other headline $25bn</li></aside>"
        "<footer>© 2017</footer></body></html>"
    )
    doc = clean(page)
    assert doc.text == "Headline\n\nTrade rose."


def test_plain_text_lists_of_other_stories_are_dropped():
    text = (
        "Story text.\n\nRelated coverage:\n- Other story one\n- Other story two\n\n"
        "Most read\n1. A\n2. B"
    )
    assert clean(text).text == "Story text."


def test_menu_and_byline_lines_are_dropped_but_by_destination_is_kept():
    text = "Business | Markets | Economy | Opinion\nBy Park Soo-min\nBy destination, exports rose."
    assert clean(text).text == "By destination, exports rose."


def test_sentences_do_not_split_after_abbreviations():
    s = split_sentences("U.S. exports to China rose in Feb. this year. Mr. Kim said so.")
    assert [x.text for x in s] == [
        "U.S. exports to China rose in Feb. this year.",
        "Mr. Kim said so.",
    ]


def test_sentence_spans_point_into_the_text():
    doc = clean("First line here.\n\nSecond one. Third one!")
    for s in doc.sentences:
        assert doc.text[s.start : s.end] == s.text
    assert len(doc.sentences) == 3


def test_mojibake_twice_over_and_latin1_are_repaired_by_ftfy():
    # UTF-8 decoded as Windows-1252 twice over, and UTF-8 decoded as Latin-1 (C1 controls left
    # in): cases a hand table of single cp1252 runs did not know
    s = "Russia’s exports – up 5 % to Seoul"
    twice = s.encode().decode("cp1252").encode().decode("cp1252")
    latin1 = s.encode().decode("latin-1")
    assert twice != s and latin1 != s
    assert repair_mojibake(twice) == s
    assert repair_mojibake(latin1) == s


def test_hard_line_breaks_inside_a_sentence_keep_offsets():
    raw = "Trade amounted to $130.\n4 billion, an increase\nof 33.6 percent.\n\nNext paragraph."
    doc = clean(raw)
    assert doc.text == raw.replace(".\n4", ". 4").replace("increase\nof", "increase of")
    assert len(doc.sentences) == 2

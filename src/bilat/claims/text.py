"""Article text: HTML to plain text, boilerplate dropped, mojibake repaired, sentences split.

Character spans everywhere in ``bilat.claims`` refer to ``Document.text``: the cleaned text,
which is also what the HTML view shows with the claims highlighted.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Document", "Sentence", "clean", "looks_like_html", "repair_mojibake", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the cleaned text, with its character span [start, end)."""

    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Document:
    """Cleaned article text and its sentences."""

    text: str
    sentences: tuple[Sentence, ...]

    def __str__(self) -> str:
        return self.text


# --- mojibake ------------------------------------------------------------------------------------
# Pages reach us with UTF-8 decoded as Windows-1252 or Latin-1 ("Russiaâ€™s"), sometimes twice, and
# with HTML entities left in. ftfy (a maintained library with a tested model of these accidents)
# repairs them; a hand table would only know the cases we had seen. Its own normalisations that
# could move text or change characters (NFC, quote uncurling, line breaks) are left to
# ``normalise`` below. ftfy is imported on the first text that is not plain ASCII: a clean
# page (the README's example) needs none of it.
_FTFY_OPTIONS = {
    "unescape_html": False,
    "fix_line_breaks": False,
    "normalization": None,
    "uncurl_quotes": False,
    "explain": False,
}


def repair_mojibake(text: str) -> str:
    """Undo text that was decoded with the wrong codec ("Russiaâ€™s" -> "Russia’s"), by ftfy."""
    if text.isascii():
        return text  # nothing to repair; skips ftfy's scan on clean pages
    import ftfy

    return ftfy.fix_text(text, ftfy.TextFixerConfig(**_FTFY_OPTIONS))


# --- normalisation -------------------------------------------------------------------------------
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)


def normalise(text: str) -> str:
    """Repair mojibake, then plain ASCII dashes, quotes and spaces; NFKC for the rest."""
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE))
    text = text.translate(_TRANSLATE)  # NFKC can produce some of these again
    text = re.sub(r"[ \t]+", " ", text)
    # a spaced dash between words is an aside or a dateline separator, written " - " everywhere
    return re.sub(r" ?-{2,} ?", " - ", text)


# --- HTML ----------------------------------------------------------------------------------------
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "form",
        "button",
        "head",
        "noscript",
        "iframe",
        "svg",
        "select",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "main",
        "header",
        "blockquote",
        "dd",
        "dt",
        "pre",
        "hr",
        "body",
    }
)
_SKIP_CLASS = re.compile(
    r"share|sns|social|related|recommend|most[-_ ]?(?:read|viewed|popular)|menu|nav|breadcrumb|"
    r"caption|byline|dateline-meta|\bdate\b|copyright|footer|header|newsletter|\bads?\b|advert|"
    r"banner|promo|comment|subscribe|tags?\b|img-box|photo",
    re.IGNORECASE,
)
_VOID = frozenset(
    {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area", "base"}
)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping)

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag not in {"br", "li"} else "\n")
        if tag in _VOID:
            return
        marks = " ".join(v or "" for k, v in attrs if k in {"class", "id", "role"})
        skip = self.skipping or tag in _SKIP_TAGS or bool(marks and _SKIP_CLASS.search(marks))
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # pop up to the matching tag; tolerate unclosed children (real pages have them)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML page or fragment rather than plain text."""
    head = text[:2000].lower()
    return bool(re.search(r"<(?:!doctype|html|body|p|div|article)\b", head))


def html_to_text(page: str) -> str:
    """Visible article text of an HTML page: one block per line, skipped parts dropped."""
    parser = _TextParser()
    parser.feed(page)
    parser.close()
    return html.unescape("".join(parser.parts))


# --- boilerplate ---------------------------------------------------------------------------------
# A line that starts like these is page furniture, not article text.
_JUNK_LINE = re.compile(
    r"^\s*(?:recommended\b|read (?:more|also)\b|see also\b|related\b|more (?:news|stories)\b|"
    r"share\b|tweet\b|sign up\b|follow us\b|subscribe\b|advertisement\b|photo\s*:|©|\(c\)|"
    r"copyright\b|<copyright|\(end\)|contact\s*:|posted by\b|"
    r"published\b|updated\b|tags?\s*:|comments?\b|print\b|email\b)",
    re.IGNORECASE,
)
# Bylines ("By Park Soo-min") and "About KITA:" boxes; case matters here.
_BYLINE = re.compile(r"^(?:By (?:[A-Z][\w.'-]+ ?){1,4}(?:,.*|\|.*)?$|About [A-Z]{2,}\b)")
# A header that starts a list of other articles: its items are dropped up to the next blank line.
_LIST_HEADER = re.compile(
    r"^\s*(?:related(?: coverage| articles| stories| news)?|top stories|"
    r"most (?:read|viewed|popular)|"
    r"more news|see also|latest news|trending|you may also like)\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\((?:[\w ]*\b)?(?:photo|file photo|yonhap|ap|afp|reuters|getty images|tass|xinhua|"
    r"ria novosti)\)\s*$",
    re.IGNORECASE,
)


def _is_caption(line: str) -> bool:
    """A photo caption ends with its credit ("... on trading with Vietnam. (Yonhap)"); a story's
    last paragraph of several sentences may end with the agency's sign-off too, and stays."""
    m = _CAPTION.search(line)
    if m is None:
        return False
    body = line[: m.start()].rstrip()
    return _BOUNDARY.search(body) is None


def _is_menu(line: str) -> bool:
    """Navigation: several short items separated by '|' or '>' and no sentence."""
    parts = [p for p in re.split(r"\s[|>·]\s", line) if p.strip()]
    return len(parts) >= 3 and max(len(p.split()) for p in parts) <= 4


def drop_boilerplate(text: str) -> str:
    """The lines of an article that are its text: navigation, lists of other stories, share
    buttons, captions, bylines and copyright lines removed."""
    out: list[str] = []
    in_list = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            in_list = False
            out.append("")
            continue
        if _LIST_HEADER.match(line):
            in_list = True
            continue
        if (
            in_list
            or _JUNK_LINE.match(line)
            or _BYLINE.match(line)
            or _is_caption(line)
            or _is_menu(line)
        ):
            continue
        out.append(line)
    joined = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


# --- sentences -----------------------------------------------------------------------------------
_ABBREV_WORDS = (
    "mr mrs ms dr prof no nos st jan feb mar apr jun jul aug sep sept oct nov dec corp inc co "
    "ltd vs etc e.g i.e rep gov gen sen approx fig art para pp"
)
_ABBREV = frozenset(_ABBREV_WORDS.split())
# A sentence ends at . ! ? before a space and a capital; pages that lost the space after a full
# stop ("in the country.According to data") end one where a lower-case word meets a capitalised one.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[a-z]{3}[.!?])(?=[A-Z][a-z]+\s)"
)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with their spans; each line is a paragraph, sentences never cross a line."""
    out: list[Sentence] = []
    pos = 0
    for para, line in enumerate(text.split("\n")):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = 0
        for m in _BOUNDARY.finditer(line):
            before = line[cut : m.start()].rstrip(".!?\"')]")
            last = before.rsplit(" ", 1)[-1]
            if (
                line[m.start() - 2 : m.start() - 1].isdigit()
                and line[m.end() : m.end() + 1].isdigit()
            ):
                continue  # "$130. 4 billion": a number broken at its decimal point
            # "U.S." and "Feb." end an abbreviation, not a sentence
            if last.lower().rstrip(".") in _ABBREV or re.fullmatch(
                r"(?:[A-Za-z]\.)*[A-Za-z]", last
            ):
                continue
            seg = line[cut : m.start()]
            out.append(Sentence(start + cut, start + cut + len(seg), seg, para))
            cut = m.end()
        seg = line[cut:].rstrip()
        if seg:
            out.append(Sentence(start + cut, start + cut + len(seg), seg, para))
    return tuple(out)


def clean(text: str, *, is_html: bool | None = None) -> Document:
    """The article as clean text plus sentences; HTML is detected unless ``is_html`` says."""
    if is_html is None:
        is_html = looks_like_html(text)
    if is_html:
        text = html_to_text(text)
    text = normalise(text.replace("\r\n", "\n").replace("\r", "\n"))
    # a hard-wrapped page breaks sentences (and numbers: "$130.\n4 billion") across lines; a
    # line that does not end a sentence and a next line that starts in lower case or with a
    # digit are one line (a space for the break keeps every offset)
    text = re.sub(r"(?<=[^\s.!?:\"'])\n(?=[a-z0-9$(])(?!\d+[.)]\s)|(?<=\d\.)\n(?=\d)", " ", text)
    text = drop_boilerplate("\n".join(ln.strip() for ln in text.split("\n")))
    return Document(text, split_sentences(text))

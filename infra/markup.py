"""Markdown to safe HTML: the one path every piece of written text takes to the page.

python-markdown passes raw HTML through and does not sanitize, so its output always goes
through nh3 before it is stored or shown.
"""

import html
import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Visitors write less: no images, headings or tables in a comment.
COMMENT_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "ul",
}

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]


def sanitize_html(raw_html, *, tags=None, link_rel="noopener"):
    return nh3.clean(
        raw_html,
        tags=tags or ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        strip_comments=True,
    )


def render_markdown(text):
    """Render an author's Markdown to sanitized HTML."""
    if not text:
        return ""
    rendered = markdown.markdown(text, extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_html(rendered)


def render_visitor_markdown(text):
    """Render a visitor's Markdown: raw HTML is shown as text, links carry nofollow ugc."""
    if not text:
        return ""
    md = markdown.Markdown(extensions=["sane_lists", "fenced_code"], output_format="html")
    # Without these two, python-markdown copies raw HTML through; with them it is escaped text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    rendered = md.convert(text)
    return sanitize_html(rendered, tags=COMMENT_TAGS, link_rel="nofollow ugc noopener")


_TAG_RE = re.compile(r"<[^>]+>")


def html_to_text(fragment):
    """Plain text of an HTML fragment (for excerpts, feeds and mail)."""
    text = nh3.clean(fragment or "", tags=set())
    return " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())


# Elements whose end is the end of a sentence-like unit in an excerpt.
_EXCERPT_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "figcaption",
    "caption",
    "tr",
    "div",
    "br",
    "hr",
    "table",
    "ul",
    "ol",
    "dl",
}
_EXCERPT_SKIPPED = {"script", "style", "sup", "figure", "img"}
_BARE_URL_RE = re.compile(r"(?:https?://|www\.)[^\s()<>]*[^\s()<>.,;:!?'\"”’]", re.IGNORECASE)
_FOOTNOTE_MARKER_RE = re.compile(r"\[\d{1,3}\]")
_SENTENCE_END = tuple(".!?…:;")
_CLOSING = "\"'”’)]"


class _ExcerptParser(HTMLParser):
    """Collects the text of each block; footnote markers (<sup>) and footnote lists are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self._current = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _EXCERPT_SKIPPED and tag != "img":
            self._skipping += 1
        elif tag in _EXCERPT_BLOCKS:
            self._end_block()

    def handle_startendtag(self, tag, attrs):
        if tag in _EXCERPT_BLOCKS:
            self._end_block()

    def handle_endtag(self, tag):
        if tag in _EXCERPT_SKIPPED and tag != "img":
            self._skipping = max(0, self._skipping - 1)
        elif tag in _EXCERPT_BLOCKS:
            self._end_block()

    def handle_data(self, data):
        if not self._skipping:
            self._current.append(data)

    def _end_block(self):
        text = " ".join(" ".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text)

    def close(self):
        super().close()
        self._end_block()


def _without_footnotes(fragment):
    """The fragment without the footnote list python-markdown puts at its end (after an <hr>)."""
    cut = fragment.rfind("<hr")
    if cut != -1 and 'href="#fnref' in fragment[cut:]:
        return fragment[:cut]
    return fragment


def excerpt_text(fragment):
    """Plain text of a rendered body for excerpts, link previews and feeds.

    Each block (heading, paragraph, list item) stays a sentence of its own, so a heading does not
    run into the paragraph under it; footnote markers and bare addresses are left out.
    """
    parser = _ExcerptParser()
    parser.feed(_without_footnotes(fragment or ""))
    parser.close()
    sentences = []
    for block in parser.blocks:
        text = _FOOTNOTE_MARKER_RE.sub("", _BARE_URL_RE.sub("", block))
        # Punctuation left alone by a removed address or marker closes up again.
        text = " ".join(re.sub(r"\(\s*\)", "", text).split())
        text = re.sub(r"\s+([.,;:!?…])", r"\1", text).strip(" ,;")
        if not text or not any(ch.isalnum() for ch in text):
            continue
        if not text.rstrip(_CLOSING).endswith(_SENTENCE_END):
            text += "."
        sentences.append(text)
    return " ".join(sentences)


def truncate_words(text, count):
    words = text.split()
    if len(words) <= count:
        return text
    return " ".join(words[:count]) + " …"

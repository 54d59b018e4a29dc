"""Markdown to safe HTML: the one path every piece of written text takes to the page.

python-markdown passes raw HTML through and does not sanitize, so its output always goes
through nh3 before it is stored or shown.
"""

import html
import re

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


def truncate_words(text, count):
    words = text.split()
    if len(words) <= count:
        return text
    return " ".join(words[:count]) + " …"

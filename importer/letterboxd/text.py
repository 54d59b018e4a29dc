"""A Letterboxd review's text to a post body, and a post back to Letterboxd's plain text.

Letterboxd keeps a review as text with line breaks and a few HTML tags (<b>, <i>, <a href>,
<blockquote>, <br />). Paragraphs become `<p>` blocks, which the post's Markdown passes through
as they are; anything else Letterboxd would not show is dropped here, and the post's save
sanitizes again like any post.
"""

import re

import nh3

from importer.text import autop
from infra.markup import html_to_text

LETTERBOXD_TAGS = {"a", "b", "blockquote", "br", "em", "i", "p", "strong", "u"}
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END_RE = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figure|figcaption|tr)\s*>", re.I)


def review_body(text):
    """The post body (HTML blocks, as Markdown keeps them) for a Letterboxd review."""
    text = _BR_RE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned = nh3.clean(
        text,
        tags=LETTERBOXD_TAGS - {"p"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    return autop(cleaned)


def plain_text(body_html):
    """A post's HTML as plain text: paragraphs apart, line breaks kept, no markup."""
    text = _BR_RE.sub("\n", body_html or "")
    paragraphs = []
    for block in _BLOCK_END_RE.split(text):
        lines = [html_to_text(line) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)

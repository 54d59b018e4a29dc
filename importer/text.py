"""Text written the way WordPress and Letterboxd keep it, as explicit HTML blocks.

Both keep loosely written HTML where a blank line starts a paragraph and a single newline is a
line break. `autop` turns that into `<p>` blocks separated by blank lines, which python-markdown
passes through unchanged; the post's save sanitizes the result.
"""

import re

BLOCK_TAGS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|ol|p|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
# Containers hold paragraphs of their own; the other blocks hold text directly.
CONTAINER_TAGS = "article|aside|blockquote|div|dl|footer|form|header|ol|section|table|tbody|"
CONTAINER_TAGS += "tfoot|thead|tr|ul"
_BLOCK_OPEN_RE = re.compile(rf"(<(?:{BLOCK_TAGS})(?:\s[^>]*)?/?>)", re.IGNORECASE)
_BLOCK_CLOSE_RE = re.compile(rf"(</(?:{BLOCK_TAGS})\s*>)", re.IGNORECASE)
_CONTAINER_RE = re.compile(rf"(</?(?:{CONTAINER_TAGS})(?:\s[^>]*)?>)", re.IGNORECASE)
_STARTS_WITH_BLOCK_RE = re.compile(rf"^</?(?:{BLOCK_TAGS})[\s/>]", re.IGNORECASE)
_PROTECT_RE = re.compile(r"<(pre|figure)[\s>].*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_PLACEHOLDER = "\x00{}\x00"
_PLACEHOLDER_RE = re.compile(r"\x00(\d+)\x00")


def autop(text):
    """Paragraphs from blank lines and line breaks from single newlines, as WordPress does."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    protected = []

    def protect(match):
        protected.append(match[0])
        return "\n\n" + _PLACEHOLDER.format(len(protected) - 1) + "\n\n"

    text = _PROTECT_RE.sub(protect, text)
    text = _BLOCK_OPEN_RE.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE_RE.sub(r"\1\n\n", text)
    text = _CONTAINER_RE.sub(r"\n\n\1\n\n", text)
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _PLACEHOLDER_RE.fullmatch(chunk) or _STARTS_WITH_BLOCK_RE.match(chunk):
            blocks.append(chunk)
        else:
            lines = [line.strip() for line in chunk.split("\n")]
            blocks.append("<p>" + "<br>\n".join(lines) + "</p>")
    joined = "\n\n".join(blocks)
    joined = re.sub(r"<(/?)h1\b", r"<\1h2", joined, flags=re.IGNORECASE)  # one h1 per page
    return _PLACEHOLDER_RE.sub(lambda m: protected[int(m[1])], joined)

"""WordPress post HTML to the Markdown-compatible text our posts store.

WordPress keeps post content as loosely written HTML: paragraphs are blank lines, single newlines
are line breaks, and shortcodes stand for captions, galleries and embeds. `convert_content`
turns that into explicit HTML blocks (`<p>`, `<figure>`, …) separated by blank lines, which
python-markdown passes through unchanged, so the text shows as it did on WordPress and stays
editable as Markdown. Nothing here has to be safe: the post's save renders and sanitizes.
"""

import html
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from importer.text import autop

MORE_RE = re.compile(r"<!--more(?:\s[^>]*)?-->", re.IGNORECASE)
NEXTPAGE_RE = re.compile(r"<!--nextpage-->", re.IGNORECASE)
# Elements that never show as text; the sanitizer would drop them, this drops their lines too.
INERT_RE = re.compile(r"<(script|style|object|embed|svg)\b.*?(?:</\1\s*>|/>)", re.I | re.S)
# Block editor markers (<!-- wp:paragraph -->) carry no content.
BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:[^>]*-->")

SHORTCODE_RE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s|=)[^\]]*)?\]")
ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
KNOWN_SHORTCODES = {
    "caption",
    "wp_caption",
    "youtube",
    "vimeo",
    "embed",
    "gallery",
    "audio",
    "video",
}
URL_RE = re.compile(r"https?://[^\s\"'<>\]]+")
BARE_URL_LINE_RE = re.compile(r"^\s*(https?://[^\s<>\"']+)\s*$", re.MULTILINE)
IFRAME_RE = re.compile(r"<iframe\b([^>]*)>.*?</iframe\s*>|<iframe\b([^>]*)/?>", re.I | re.S)
IMG_SRC_RE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)
_YOUTUBE_ID_RE = re.compile(
    r"(?:youtube(?:-nocookie)?\.com/(?:embed/|v/|watch\?(?:.*&)?v=)|youtu\.be/)([\w-]{6,})"
)
_VIMEO_ID_RE = re.compile(r"vimeo\.com/(?:video/)?(\d+)")


@dataclass
class Conversion:
    body: str
    excerpt_html: str = ""
    images: list = field(default_factory=list)  # image URLs, in order
    unknown_shortcodes: list = field(default_factory=list)
    embeds: list = field(default_factory=list)


def _attrs(text):
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in ATTR_RE.finditer(text or "")}


def video_url(url):
    """An embed address as a page a reader can open: YouTube and Vimeo watch pages."""
    url = html.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    youtube = _YOUTUBE_ID_RE.search(url)
    if youtube:
        return f"https://www.youtube.com/watch?v={youtube[1]}"
    vimeo = _VIMEO_ID_RE.search(url)
    if vimeo:
        return f"https://vimeo.com/{vimeo[1]}"
    return url


def _link(url):
    url = video_url(url)
    if not url.lower().startswith(("http://", "https://")):
        return ""
    shown = html.escape(url)
    return f'<p><a href="{shown}">{shown}</a></p>'


def _shortcode_url(attributes, inner=""):
    """[youtube URL], [youtube=URL], [embed]URL[/embed], [video src=URL]."""
    found = URL_RE.search(attributes or "") or URL_RE.search(inner or "")
    if not found:
        return ""
    # WordPress.com's [youtube] takes sizes after the address: ...&w=640&h=360
    return re.sub(r"&(?:amp;)?[wh]=\d+", "", found[0])


def _video_id_url(name, attributes):
    """WordPress.com also takes a bare id: [vimeo 76979871], [youtube dQw4w9WgXcQ]."""
    value = (attributes or "").strip().lstrip("=").split()[0] if (attributes or "").strip() else ""
    if name == "vimeo" and value.isdigit():
        return f"https://vimeo.com/{value}"
    if name == "youtube" and re.fullmatch(r"[\w-]{6,}", value):
        return f"https://www.youtube.com/watch?v={value}"
    return ""


def _caption(attributes, inner):
    attrs = _attrs(attributes)
    image = re.search(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", inner, re.IGNORECASE)
    image_html = image[0] if image else ""
    caption = attrs.get("caption") or (inner.replace(image_html, "", 1) if image else inner)
    caption = caption.strip()
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image_html}{caption_html}</figure>\n\n"


def _gallery(attributes, gallery_images):
    ids = [part.strip() for part in _attrs(attributes).get("ids", "").split(",") if part.strip()]
    urls = gallery_images(ids)
    if not urls:
        return ""
    images = "".join(f'<img src="{html.escape(url)}" alt="">' for url in urls)
    return f"\n\n<figure>{images}</figure>\n\n"


def convert_shortcodes(text, *, gallery_images=lambda ids: [], embeds=None, unknown=None):
    embeds = [] if embeds is None else embeds
    unknown = [] if unknown is None else unknown

    def enclosing(match):
        name, attributes, inner = match[1].lower(), match[2], match[3]
        if name in ("caption", "wp_caption"):
            return _caption(attributes, inner)
        url = _shortcode_url(attributes, inner)
        if url:
            embeds.append(url)
        return "\n\n" + _link(url) + "\n\n" if url else ""

    text = re.sub(
        r"\[(caption|wp_caption|embed|video|audio)\b([^\]]*)\](.*?)\[/\1\]",
        enclosing,
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )

    def single(match):
        closing, name, attributes = match[1], match[2].lower(), match[3] or ""
        if name in ("youtube", "vimeo", "embed", "video", "audio"):
            if closing:
                return ""
            url = _shortcode_url(attributes) or _video_id_url(name, attributes)
            if url:
                embeds.append(url)
                return "\n\n" + _link(url) + "\n\n"
            return match[0]
        if name == "gallery":
            return _gallery(attributes, gallery_images)
        # Brackets are ordinary text too ("[sic]", "[Update 2019: …]"); a lower-case name with
        # key=value attributes, an address or a closing tag is a shortcode some plugin
        # rendered, which we cannot: keep it and report it.
        looks_like_shortcode = name == match[2] and (
            closing or "=" in attributes or URL_RE.match(attributes.strip())
        )
        if name not in KNOWN_SHORTCODES and looks_like_shortcode and name not in unknown:
            unknown.append(name)
        return match[0]

    return SHORTCODE_RE.sub(single, text)


def convert_iframes(text, embeds):
    def replace(match):
        src = _attrs(match[1] or match[2]).get("src", "")
        if not src:
            return ""
        embeds.append(src)
        return "\n\n" + _link(src) + "\n\n"

    return IFRAME_RE.sub(replace, text)


def link_bare_urls(text, embeds):
    """A URL alone on its line is an embed on WordPress; here it becomes a link."""

    def replace(match):
        embeds.append(match[1])
        return _link(match[1]) or match[0]

    return BARE_URL_LINE_RE.sub(replace, text)


def convert_content(content, *, gallery_images=lambda ids: []):
    embeds, unknown = [], []
    text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
    text = BLOCK_COMMENT_RE.sub("", text)
    text = INERT_RE.sub("", text)
    text = NEXTPAGE_RE.sub("\n\n", text)
    text = convert_iframes(text, embeds)
    text = convert_shortcodes(text, gallery_images=gallery_images, embeds=embeds, unknown=unknown)
    text = link_bare_urls(text, embeds)
    more = MORE_RE.search(text)
    body = autop(MORE_RE.sub("\n\n", text))
    return Conversion(
        body=body,
        excerpt_html=autop(text[: more.start()]) if more else "",
        images=[html.unescape(m[3]) for m in IMG_SRC_RE.finditer(body)],
        unknown_shortcodes=unknown,
        embeds=embeds,
    )


def replace_image_urls(body, mapping):
    """Point <img src> (and links to the same file) at our copies."""

    def src(match):
        url = html.unescape(match[3])
        new = mapping.get(url)
        return f"{match[1]}{match[2]}{html.escape(new)}{match[2]}" if new else match[0]

    body = IMG_SRC_RE.sub(src, body)

    def href(match):
        new = mapping.get(html.unescape(match[3]))
        return f"{match[1]}{match[2]}{html.escape(new)}{match[2]}" if new else match[0]

    return re.sub(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", href, body, flags=re.I)


def upload_path(url):
    """'https://x.files.wordpress.com/2018/04/p.jpg?w=300' -> '2018/04/p.jpg' (or None)."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    found = re.search(r"(?:/wp-content/uploads)?/((?:\d{4}/\d{2}/)?[^/]+\.[A-Za-z0-9]{2,5})$", path)
    return found[1] if found else None


def original_upload_path(path):
    """WordPress's resized copies are 'name-300x200.jpg'; the original is 'name.jpg'."""
    return re.sub(r"-\d+x\d+(\.[A-Za-z0-9]+)$", r"\1", path)


class _CommentText(HTMLParser):
    """Comment HTML as the Markdown our comment display renders (links kept, tags dropped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = [[]]
        self.links = []
        self.hidden = 0  # inside <script> or <style>: their text is not the comment's

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("p", "div"):
            self.out[-1].append("\n\n")
        elif tag == "br":
            self.out[-1].append("\n")
        elif tag in ("em", "i"):
            self.out[-1].append("*")
        elif tag in ("strong", "b"):
            self.out[-1].append("**")
        elif tag == "code":
            self.out[-1].append("`")
        elif tag == "blockquote":
            self.out.append([])
        elif tag == "a":
            href = (attrs.get("href") or "").strip()
            ok = href.lower().startswith(("http://", "https://", "mailto:"))
            self.links.append(href if ok else None)
            self.out.append([])
        elif tag == "li":
            self.out[-1].append("\n- ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("p", "div", "ul", "ol"):
            self.out[-1].append("\n\n")
        elif tag in ("em", "i"):
            self.out[-1].append("*")
        elif tag in ("strong", "b"):
            self.out[-1].append("**")
        elif tag == "code":
            self.out[-1].append("`")
        elif tag == "blockquote" and len(self.out) > 1:
            quoted = "".join(self.out.pop()).strip()
            lines = "\n".join("> " + line if line else ">" for line in quoted.split("\n"))
            self.out[-1].append(f"\n\n{lines}\n\n")
        elif tag == "a" and self.links and len(self.out) > 1:
            label = "".join(self.out.pop()).strip()
            href = self.links.pop()
            if href:
                label = label.replace("[", "(").replace("]", ")") or href
                self.out[-1].append(f"[{label}]({href.replace(')', '%29')})")
            else:
                self.out[-1].append(label)

    def handle_data(self, data):
        if not self.hidden:
            self.out[-1].append(data)

    def text(self):
        while len(self.out) > 1:  # unclosed tags
            inner = self.out.pop()
            self.out[-1].extend(inner)
        text = "".join(self.out[0])
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def comment_text(content):
    parser = _CommentText()
    parser.feed((content or "").replace("\r\n", "\n"))
    parser.close()
    return parser.text()

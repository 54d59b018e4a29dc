"""Reading WordPress eXtended RSS (WXR 1.0 to 1.2), the file Tools → Export writes.

The file is read in chunks with the standard library's expat parser and handed out one
`<channel>` child at a time, so an export of many megabytes never sits in memory as one tree.
A WXR file never needs a DTD, so any document type declaration or entity declaration is
refused: no external entities are fetched and no entity expansion bomb can grow.
"""

import datetime
import urllib.parse
from dataclasses import dataclass, field
from xml.parsers import expat

CHUNK_SIZE = 256 * 1024

# Namespaces by what they mean, whichever WXR version wrote them.
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file is not a readable WordPress export."""


class Node:
    __slots__ = ("tag", "attrs", "parts", "children")

    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = attrs
        self.parts = []
        self.children = []

    @property
    def text(self):
        return "".join(self.parts)

    def find(self, tag):
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag):
        return [child for child in self.children if child.tag == tag]

    def get(self, tag, default=""):
        child = self.find(tag)
        return child.text if child is not None else default


def _prefixed(name):
    """'http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'."""
    uri, sep, local = name.rpartition("}")
    if not sep:
        return name
    uri += "" if uri.endswith("/") else "/"
    if uri.startswith("http://wordpress.org/export/"):
        return f"excerpt:{local}" if uri.endswith("/excerpt/") else f"wp:{local}"
    prefix = _PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


def _forbid(what):
    def handler(*args):
        raise WXRError(f"the file declares {what}, which a WordPress export never does")

    return handler


def iter_channel(path):
    """Yield each child element of `<channel>` (as a Node) once it is complete."""
    stack = []
    done = []
    saw_channel = False

    def start(name, attrs):
        nonlocal saw_channel
        tag = _prefixed(name)
        if not stack and tag != "rss":
            raise WXRError(f"the document is <{tag}>, not a WordPress export (<rss>)")
        if len(stack) == 1:
            if tag != "channel":
                raise WXRError(f"unexpected <{tag}> in <rss>")
            saw_channel = True
        node = Node(tag, {_prefixed(k): v for k, v in attrs.items()})
        if len(stack) >= 3:
            stack[-1].children.append(node)
        stack.append(node)

    def end(name):
        node = stack.pop()
        if len(stack) == 2:
            done.append(node)

    def text(data):
        if len(stack) >= 3:
            stack[-1].parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid("a document type (DTD)")
    parser.EntityDeclHandler = _forbid("an entity")
    parser.UnparsedEntityDeclHandler = _forbid("an unparsed entity")
    parser.ExternalEntityRefHandler = _forbid("an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text

    try:
        with open(path, "rb") as file:
            while True:
                chunk = file.read(CHUNK_SIZE)
                parser.Parse(chunk, not chunk)
                yield from done
                done.clear()
                if not chunk:
                    break
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise WXRError(
            f"the XML is broken at line {exc.lineno}, column {exc.offset + 1} ({reason}); "
            "is the file complete?"
        ) from exc
    if not saw_channel:
        raise WXRError("the file has no <channel>: it is not a WordPress export")


@dataclass
class Author:
    id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    kind: str  # "category" or "tag"
    term_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    id: int
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime.datetime | None
    content: str
    approved: str
    type: str
    parent: int
    user_id: str


@dataclass
class Item:
    id: int
    type: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    date_gmt: datetime.datetime | None
    date_local: datetime.datetime | None
    slug: str
    status: str
    comment_status: str
    parent: int
    password: str
    sticky: bool
    attachment_url: str
    terms: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def parse_wp_date(value, *, utc):
    """'2018-04-02 08:00:00' -> datetime (UTC-aware when utc); WordPress's zero date -> None."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=datetime.UTC) if utc else parsed


def _int(value, default=0):
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def unquote_slug(value):
    """WordPress stores non-ASCII slugs percent-encoded; ours are Unicode."""
    return urllib.parse.unquote(value.strip())


def to_author(node):
    return Author(
        id=node.get("wp:author_id").strip(),
        login=node.get("wp:author_login").strip(),
        email=node.get("wp:author_email").strip(),
        display_name=node.get("wp:author_display_name").strip(),
        first_name=node.get("wp:author_first_name").strip(),
        last_name=node.get("wp:author_last_name").strip(),
    )


def to_term(node):
    if node.tag == "wp:category":
        return Term(
            kind="category",
            term_id=node.get("wp:term_id").strip(),
            slug=unquote_slug(node.get("wp:category_nicename")),
            name=node.get("wp:cat_name").strip(),
            parent_slug=unquote_slug(node.get("wp:category_parent")),
            description=node.get("wp:category_description").strip(),
        )
    return Term(
        kind="tag",
        term_id=node.get("wp:term_id").strip(),
        slug=unquote_slug(node.get("wp:tag_slug")),
        name=node.get("wp:tag_name").strip(),
        description=node.get("wp:tag_description").strip(),
    )


def to_comment(node):
    return Comment(
        id=_int(node.get("wp:comment_id")),
        author=node.get("wp:comment_author").strip(),
        email=node.get("wp:comment_author_email").strip(),
        url=node.get("wp:comment_author_url").strip(),
        ip=node.get("wp:comment_author_IP").strip(),
        date_gmt=parse_wp_date(node.get("wp:comment_date_gmt"), utc=True)
        or parse_wp_date(node.get("wp:comment_date"), utc=True),
        content=node.get("wp:comment_content"),
        approved=node.get("wp:comment_approved").strip() or "1",
        type=node.get("wp:comment_type").strip() or "comment",
        parent=_int(node.get("wp:comment_parent")),
        user_id=node.get("wp:comment_user_id").strip(),
    )


def to_item(node):
    meta = {}
    for postmeta in node.findall("wp:postmeta"):
        meta[postmeta.get("wp:meta_key").strip()] = postmeta.get("wp:meta_value")
    terms = [
        (
            term.attrs.get("domain", ""),
            unquote_slug(term.attrs.get("nicename", "")),
            term.text.strip(),
        )
        for term in node.findall("category")
    ]
    return Item(
        id=_int(node.get("wp:post_id")),
        type=node.get("wp:post_type").strip() or "post",
        title=node.get("title").strip(),
        link=node.get("link").strip(),
        creator=node.get("dc:creator").strip(),
        content=node.get("content:encoded"),
        excerpt=node.get("excerpt:encoded"),
        date_gmt=parse_wp_date(node.get("wp:post_date_gmt"), utc=True),
        date_local=parse_wp_date(node.get("wp:post_date"), utc=False),
        slug=unquote_slug(node.get("wp:post_name")),
        status=node.get("wp:status").strip() or "publish",
        comment_status=node.get("wp:comment_status").strip() or "open",
        parent=_int(node.get("wp:post_parent")),
        password=node.get("wp:post_password"),
        sticky=node.get("wp:is_sticky").strip() == "1",
        attachment_url=node.get("wp:attachment_url").strip(),
        terms=terms,
        meta=meta,
        comments=[to_comment(c) for c in node.findall("wp:comment")],
    )


@dataclass
class Export:
    """What the first reading learns: the blog, its people and terms, its attachments."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""
    authors: dict = field(default_factory=dict)  # login -> Author
    terms: list = field(default_factory=list)
    attachments: dict = field(default_factory=dict)  # post id -> Item
    item_count: int = 0

    @property
    def source(self):
        # WordPress.com writes http://wordpress.com/ as every blog's site URL: the blog's own
        # address comes first.
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


def read_export(path):
    """Read the whole file once: check it is WXR and collect everything but posts and pages."""
    export = Export()
    for node in iter_channel(path):
        tag = node.tag
        if tag == "title":
            export.title = node.text.strip()
        elif tag == "link":
            export.link = node.text.strip()
        elif tag == "wp:wxr_version":
            export.version = node.text.strip()
        elif tag == "wp:base_site_url":
            export.base_site_url = node.text.strip()
        elif tag == "wp:base_blog_url":
            export.base_blog_url = node.text.strip()
        elif tag == "wp:author":
            author = to_author(node)
            export.authors[author.login] = author
        elif tag in ("wp:category", "wp:tag"):
            export.terms.append(to_term(node))
        elif tag == "item":
            if not export.version:
                break
            export.item_count += 1
            if node.get("wp:post_type").strip() == "attachment":
                item = to_item(node)
                export.attachments[item.id] = item
    if not export.version:
        raise WXRError(
            "no <wp:wxr_version> before the first item: this is RSS, not a WordPress export"
        )
    return export


def iter_items(path):
    for node in iter_channel(path):
        if node.tag == "item":
            yield to_item(node)

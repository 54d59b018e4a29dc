"""What the fuzz tests (tests/test_fuzz.py) draw from: odd values, every public address, the
admin form's fields as a browser sends them, and broken WordPress exports."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import strategies as st

WXR = Path(__file__).resolve().parent / "wxr" / "blog.xml"

# Values that broke web apps before: numbers out of range, NUL, encodings, Unicode, length.
NASTY = [
    "0",
    "-1",
    "00",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999",
    "1e308",
    "²",
    "١٢",
    "NaN",
    "\x00",
    "a\x00b",
    "%00",
    "%zz",
    "%",
    "%C3%28",
    "%ff%fe",
    "..",
    "%2e%2e%2f",
    "é",
    "Ai-Weiwei-日本語",
    "💥",
    "\u202eevil",
    "ﬁ",
    "İ",
    "x" * 3000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ settings.SECRET_KEY }}",
    " ",
    "\r\n",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT, st.integers().map(str))
QUERY_KEYS = st.one_of(
    st.sampled_from(
        ["page", "q", "p", "page_id", "cat", "tag", "s", "replytocom", "next", "feed", "m"]
    ),
    TEXT,
)


def _template(pattern):
    """A pattern's route with each parameter as {}."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?\w+>", "{}", str(pattern))
    regex = str(pattern).lstrip("^").removesuffix("$").replace("/?", "/")
    regex = re.sub(r"\((?:[^()]|\([^()]*\))*\)\??", "{}", regex)
    return regex.replace("\\.", ".").replace("\\", "")


def _walk(patterns, prefix=""):
    for entry in patterns:
        piece = _template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + piece)
        elif isinstance(entry, URLPattern):
            yield prefix + piece


# The admin has its own tests (and a login in front); everything else is public.
PUBLIC_ROUTES = sorted(
    {route for route in _walk(get_resolver().url_patterns) if not route.startswith("admin/")}
)


def build_address(route, segments, raw_percent, query, slash=True):
    safe = "%" if raw_percent else ""
    path = "/" + route.format(*(quote(s, safe=safe) for s in segments))
    if not slash:
        path = path.rstrip("/") or "/"
    return f"{path}?{query}" if query else path


class FormFields(HTMLParser):
    """The fields of the admin's post form with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "checkbox"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


# Broken WordPress exports

ORIGINAL = WXR.read_bytes()
TEXT_ELEMENTS = list(
    re.finditer(rb"<(wp:[a-z_]+|title|link|pubDate|dc:creator)>([^<]*)</\1>", ORIGINAL)
)


@st.composite
def broken_exports(draw):
    kind = draw(st.sampled_from(["truncated", "bytes", "element", "inserted"]))
    if kind == "truncated":
        return ORIGINAL[: draw(st.integers(0, len(ORIGINAL) - 1))]
    if kind == "element":
        match = draw(st.sampled_from(TEXT_ELEMENTS))
        value = draw(VALUE).encode("utf-8", "surrogatepass")
        value = value.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
        return ORIGINAL[: match.start(2)] + value + ORIGINAL[match.end(2) :]
    at = draw(st.integers(0, len(ORIGINAL)))
    if kind == "inserted":
        junk = draw(
            st.sampled_from(
                [
                    b"\x00",
                    b"]]>",
                    b"&undefined;",
                    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                    b"</item>",
                    b"\xff\xfe",
                ]
            )
        )
        return ORIGINAL[:at] + junk + ORIGINAL[at:]
    junk = draw(st.binary(min_size=1, max_size=16))
    return ORIGINAL[:at] + junk + ORIGINAL[at + len(junk) :]

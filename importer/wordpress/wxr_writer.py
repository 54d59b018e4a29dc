"""Writing WXR piece by piece: text escaped or in CDATA sections, as WordPress writes them."""

import datetime
import re
from xml.sax.saxutils import escape

from django.utils import timezone

ZERO_DATE = "0000-00-00 00:00:00"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    return escape(_NOT_XML.sub("", str(value)))


def cdata(value):
    """A CDATA section, as WordPress writes one; `]]>` inside is split across two sections."""
    value = _NOT_XML.sub("", str(value))
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(value):
    """(local, gmt) in WordPress's 'Y-m-d H:i:s' form; the zero date when there is none."""
    if value is None:
        return ZERO_DATE, ZERO_DATE
    local = timezone.localtime(value)
    gmt = value.astimezone(datetime.UTC)
    return local.strftime("%Y-%m-%d %H:%M:%S"), gmt.strftime("%Y-%m-%d %H:%M:%S")


def rfc822(value):
    return value.astimezone(datetime.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000") if value else ""


class Writer:
    """Elements written straight to the stream: `<tag>text</tag>` or `<tag><![CDATA[…]]></tag>`."""

    def __init__(self, out):
        self.out = out

    def raw(self, text):
        self.out.write(text)

    def text(self, tag, value, indent=2):
        self.out.write(f"{' ' * indent}<{tag}>{xml_text(value)}</{tag}>\n")

    def cdata(self, tag, value, indent=2):
        self.out.write(f"{' ' * indent}<{tag}>{cdata(value)}</{tag}>\n")

    def meta(self, tag, key, value, indent=3):
        pad = " " * indent
        self.out.write(
            f"{pad}<wp:{tag}>\n"
            f"{pad} <wp:meta_key>{cdata(key)}</wp:meta_key>\n"
            f"{pad} <wp:meta_value>{cdata(value)}</wp:meta_value>\n"
            f"{pad}</wp:{tag}>\n"
        )

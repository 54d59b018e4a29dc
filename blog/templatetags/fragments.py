"""`{% fragment key parts… %}…{% endfragment %}`: a part of a page kept in the page cache.

Like Django's `{% cache %}`, but for parts whose key names the version of what they show (see
blog.pagecache), and an unreachable cache only means the part is rendered every time.
"""

import contextlib
import hashlib

from django import template

from blog import pagecache

register = template.Library()

# Parts stay until their version moves; this only bounds what a forgotten key keeps.
KEEP_SECONDS = 7 * 24 * 60 * 60


class FragmentNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        parts = "|".join(str(part.resolve(context)) for part in self.parts)
        key = "fragment:" + hashlib.sha256(parts.encode()).hexdigest()
        html = None
        with contextlib.suppress(Exception):
            html = pagecache.cache().get(key)
        if html is None:
            html = self.nodelist.render(context)
            with contextlib.suppress(Exception):
                pagecache.cache().set(key, html, timeout=KEEP_SECONDS)
        return html


@register.tag
def fragment(parser, token):
    parts = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not parts:
        raise template.TemplateSyntaxError("{% fragment %} needs a name and its key's parts")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parts)

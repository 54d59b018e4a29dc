"""What only the import knows, for templates: which comments were pingbacks or trackbacks.

Templates join the apps (nothing imports this app): the comment list can load this library and
mark linkbacks, e.g. `{% wordpress_linkbacks post as linkbacks %}` once per page, then
`{{ linkbacks|linkback_kind:node.comment.pk }}` for each comment ("pingback", "trackback", "").
"""

from django import template
from django.contrib.contenttypes.models import ContentType
from django_comments_xtd.models import XtdComment

from importer.models import WordPressItem

register = template.Library()

LINKBACK_TYPES = ["pingback", "trackback"]


@register.simple_tag
def wordpress_linkbacks(post):
    """{comment pk: "pingback" or "trackback"} for the post's imported comments (one query)."""
    comments = XtdComment.objects.filter(
        content_type=ContentType.objects.get_for_model(post), object_pk=str(post.pk)
    ).values("pk")
    rows = WordPressItem.objects.filter(
        kind=WordPressItem.Kind.COMMENT,
        content_type=ContentType.objects.get_for_model(XtdComment),
        object_id__in=comments,
        data__type__in=LINKBACK_TYPES,
    ).values_list("object_id", "data")
    return {object_id: data["type"] for object_id, data in rows}


@register.filter
def linkback_kind(linkbacks, comment_pk):
    return (linkbacks or {}).get(comment_pk, "")

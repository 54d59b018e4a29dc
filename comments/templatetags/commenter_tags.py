"""A logged-in commenter's own comment: the Edit and Delete links while it may still change."""

from django import template

from comments.account_views import can_change, editable_until

register = template.Library()


@register.inclusion_tag("comments/_own_comment_actions.html", takes_context=True)
def own_comment_actions(context, comment):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not comment.user_id or not can_change(user, comment):
        return {"show": False}
    return {"show": True, "comment": comment, "until": editable_until(comment)}

from django import template

from ..forms import FollowForm
from ..models import Follower

register = template.Library()

HEADINGS = {
    Follower.Source.POST: "Follow this blog by email",
    Follower.Source.HOME: "Follow this blog by email",
    Follower.Source.COMMENT: "Notify me of new posts by email",
}


@register.inclusion_tag("followers/_follow_form.html")
def follow_form(source="post"):
    """The follow form, the same for every reader (pages are cached): {% follow_form "home" %}."""
    if source not in HEADINGS:
        source = Follower.Source.POST
    form = FollowForm(initial={"source": source}, auto_id=f"follow-{source}-%s")
    return {"form": form, "heading": HEADINGS[source], "source": source}

from django import template

from ..models import Follower

register = template.Library()


@register.simple_tag
def follower_count():
    """Confirmed followers, for the admin index."""
    return Follower.objects.mailable().count()

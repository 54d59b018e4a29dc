from django import template

from ..models import Moderation

register = template.Library()


@register.simple_tag
def spam_pending_count():
    return Moderation.objects.filter(status=Moderation.Status.PENDING).count()

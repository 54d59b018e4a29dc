"""Records the filter's decision once xtd has saved the comment."""

from django.dispatch import receiver
from django_comments_xtd.models import TmpXtdComment
from django_comments_xtd.signals import confirmation_received

from . import pipeline


@receiver(confirmation_received, sender=TmpXtdComment, dispatch_uid="spam_record_decision")
def record_decision(sender, comment, request, **kwargs):
    pipeline.record(comment, request)

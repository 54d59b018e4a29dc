"""Records the filter's decision once xtd has saved the comment; keeps the term cache fresh."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_comments_xtd.models import TmpXtdComment
from django_comments_xtd.signals import confirmation_received

from . import pipeline
from .models import DisallowedTerm, DisallowedTermQuerySet


@receiver(confirmation_received, sender=TmpXtdComment, dispatch_uid="spam_record_decision")
def record_decision(sender, comment, request, **kwargs):
    pipeline.record(comment, request)


@receiver(post_save, sender=DisallowedTerm, dispatch_uid="spam_terms_saved")
@receiver(post_delete, sender=DisallowedTerm, dispatch_uid="spam_terms_deleted")
def forget_cached_terms(sender, **kwargs):
    cache.delete(DisallowedTermQuerySet.CACHE_KEY)

"""Keeps the cached list of disallowed terms fresh."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import DisallowedTerm, DisallowedTermQuerySet


@receiver(post_save, sender=DisallowedTerm, dispatch_uid="spam_terms_saved")
@receiver(post_delete, sender=DisallowedTerm, dispatch_uid="spam_terms_deleted")
def forget_cached_terms(sender, **kwargs):
    cache.delete(DisallowedTermQuerySet.CACHE_KEY)

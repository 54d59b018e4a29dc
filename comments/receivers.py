"""Publishing a held comment, wherever it happens (the spam queue, xtd's admin action or its
checkbox), tells the thread's followers: the work is `posting.notify_followers_if_published`."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_comments_xtd.models import XtdComment

from . import posting


@receiver(post_save, sender=XtdComment, dispatch_uid="comments_followers_on_publication")
def followers_on_publication(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw or not instance.is_public or instance.is_removed:
        return
    if update_fields is not None and "is_public" not in update_fields:
        return
    posting.notify_followers_if_published(instance)

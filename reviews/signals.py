"""Keep each post's `search_extra` (documentary title, directors' names) in step.

Search reads that copy instead of joining the reviews tables on every query, so every
change here that alters what a post's review is about refreshes the posts concerned.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from blog.models import Post

from .models import Documentary, Person, Review


def _refresh_review_post(review):
    Post.objects.filter(pk=review.post_id).refresh_search_extra()
    if Review.post.is_cached(review):
        # The caller's copy of the post learns the new text too.
        texts = Post.objects.filter(pk=review.post_id).values_list("search_extra", flat=True)
        review.post.search_extra = next(iter(texts), "")


@receiver(post_save, sender=Review, dispatch_uid="reviews_search_review_saved")
def review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_review_post(instance)


@receiver(post_delete, sender=Review, dispatch_uid="reviews_search_review_deleted")
def review_deleted(sender, instance, **kwargs):
    Post.objects.filter(pk=instance.post_id).refresh_search_extra()


@receiver(post_save, sender=Documentary, dispatch_uid="reviews_search_documentary_saved")
def documentary_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        Post.objects.filter(review__documentary=instance).refresh_search_extra()


@receiver(
    m2m_changed, sender=Documentary.directors.through, dispatch_uid="reviews_search_directors"
)
def directors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # A person about to lose all their films: note which, as post_clear will not say.
        instance._search_documentaries = list(instance.directed.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        documentaries = [instance.pk]
    elif action == "post_clear":
        documentaries = getattr(instance, "_search_documentaries", [])
    else:
        documentaries = list(pk_set or [])
    if documentaries:
        Post.objects.filter(review__documentary__in=documentaries).refresh_search_extra()


@receiver(post_save, sender=Person, dispatch_uid="reviews_search_person_saved")
def person_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        Post.objects.filter(review__documentary__directors=instance).refresh_search_extra()


@receiver(pre_delete, sender=Person, dispatch_uid="reviews_search_person_deleting")
def person_deleting(sender, instance, **kwargs):
    instance._search_posts = list(
        Post.objects.filter(review__documentary__directors=instance).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Person, dispatch_uid="reviews_search_person_deleted")
def person_deleted(sender, instance, **kwargs):
    posts = getattr(instance, "_search_posts", [])
    if posts:
        Post.objects.filter(pk__in=posts).refresh_search_extra()

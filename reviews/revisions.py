"""The review's part of a post revision (see blog.revisions)."""

from decimal import Decimal

from django.utils.dateparse import parse_date

from .models import Documentary, Review, StreamingService

MANY = ["also_available_on", "also_like_documentaries"]


def snapshot_review(post):
    review = Review.objects.filter(post=post).first()
    if review is None:
        return None
    data = {
        "rating": str(review.rating),
        "watched_on": review.watched_on.isoformat() if review.watched_on else None,
        "watched_via": review.watched_via,
        "lessons": review.lessons,
        "also_like": review.also_like,
        "documentary_id": review.documentary_id,
        "watched_service_id": review.watched_service_id,
    }
    for name in MANY:
        data[name] = sorted(getattr(review, name).values_list("pk", flat=True))
    return data


def restore_review(post, data):
    if data is None:
        Review.objects.filter(post=post).delete()
        return
    review = Review.objects.filter(post=post).first() or Review(post=post)
    review.rating = Decimal(data["rating"])
    review.watched_on = parse_date(data["watched_on"]) if data["watched_on"] else None
    review.watched_via = data["watched_via"]
    review.lessons = data["lessons"]
    review.also_like = data["also_like"]
    # A documentary or service deleted since the revision cannot come back: keep the current one.
    if Documentary.objects.filter(pk=data["documentary_id"]).exists():
        review.documentary_id = data["documentary_id"]
    service = data["watched_service_id"]
    if service is None or StreamingService.objects.filter(pk=service).exists():
        review.watched_service_id = service
    review.save()
    for name in MANY:
        # Services or documentaries deleted since the revision are left out.
        related = getattr(review, name)
        related.set(related.model.objects.filter(pk__in=data.get(name, [])))

"""The blog's own work that can wait: the copies of in-post images."""

from django.core.files.storage import storages
from django_tasks import task

from infra import pages
from infra.images import delete_renditions
from infra.tasks import renditions_or_retry

from .models import Image


@task()
def make_image_renditions(image_id, name, stale=(), attempt=0):
    """Write the copies of an in-post image that was uploaded as `name` (and drop `stale`)."""
    delete_renditions(storages["default"], stale)
    image = Image.objects.filter(pk=image_id, file=name).first()
    if image is None:
        return "replaced or deleted"
    renditions = renditions_or_retry(make_image_renditions, image.file, attempt, image_id, name)
    if renditions is None:
        return f"retry {attempt + 1} scheduled"
    # Only if the image still holds this file: a newer upload has its own task.
    if Image.objects.filter(pk=image_id, file=name).update(renditions=renditions):
        pages.changed()
        if image.post_id:
            # The post's stored HTML gives the image its srcset now that the copies exist.
            post = image.post
            post.save(update_fields=["body_html"])
    return f"{len(renditions)} renditions"

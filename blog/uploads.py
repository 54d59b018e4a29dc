"""Images uploaded for posts: their smaller copies are made by a task once the write commits."""

from .tasks import make_image_renditions


def make_copies(image):
    """After `image.save()`: queue the copies of the file it stored, if it stored one."""
    if image.copies_due is None:
        return
    name, stale = image.copies_due
    image.copies_due = None
    # A row of the task table, written in this transaction: the worker sees it on commit.
    make_image_renditions.enqueue(image.pk, name, stale)


def save_image(image):
    image.save()
    make_copies(image)

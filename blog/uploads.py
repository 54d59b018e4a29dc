"""Images uploaded for posts: their smaller copies are made by a task once the write commits."""

from infra.images import queue_copies

from .tasks import make_image_renditions


def make_copies(image):
    """After `image.save()`: queue the copies of the file it stored, if it stored one."""
    queue_copies(image, make_image_renditions)


def save_image(image):
    image.save()
    make_copies(image)

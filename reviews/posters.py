"""Posters: their smaller copies are made by a task once the write that stored them commits."""

from infra.images import queue_copies

from .tasks import make_poster_renditions


def save_documentary(documentary, **kwargs):
    documentary.save(**kwargs)
    queue_copies(documentary, make_poster_renditions)

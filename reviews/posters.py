"""Posters: their smaller copies are made by a task once the write that stored them commits."""

from .tasks import make_poster_renditions


def make_copies(documentary):
    """After `documentary.save()`: queue the copies of a poster it stored, if it stored one."""
    if documentary.copies_due is None:
        return
    name, stale = documentary.copies_due
    documentary.copies_due = None
    # A row of the task table, written in this transaction: the worker sees it on commit.
    make_poster_renditions.enqueue(documentary.pk, name, stale)


def save_documentary(documentary, **kwargs):
    documentary.save(**kwargs)
    make_copies(documentary)

"""Work on documentaries that can wait: the smaller copies of a poster."""

from django.core.files.storage import storages
from django_tasks import task

from infra import pages
from infra.images import delete_renditions
from infra.tasks import renditions_or_retry

from .models import Documentary


@task()
def make_poster_renditions(documentary_id, name, stale=(), attempt=0):
    """Write the copies of the poster stored as `name` (none for "") and drop `stale` ones."""
    delete_renditions(storages["default"], stale)
    documentary = Documentary.objects.filter(pk=documentary_id, poster=name).first()
    if not name or documentary is None:
        return "no poster or replaced"
    files = renditions_or_retry(
        make_poster_renditions, documentary.poster, attempt, documentary_id, name
    )
    if files is None:
        return f"retry {attempt + 1} scheduled"
    # Only if the documentary still shows this poster: a newer one has its own task.
    done = Documentary.objects.filter(pk=documentary_id, poster=name).update(
        poster_renditions={"source": name, "files": files}
    )
    if done:
        pages.changed()
    return f"{len(files)} renditions"

"""The page cache's embedded backend: Django's file cache, culled now and then.

Django's FileBasedCache lists every file of its folder on each write to decide whether to cull.
With a few thousand entries that listing costs more than rendering the page it stores, so here a
process culls at most once every CULL_EVERY_SECONDS; between culls the folder may grow past
MAX_ENTRIES by what one process writes in that time, and every entry still expires on time.
"""

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY_SECONDS = 60


class FileCache(FileBasedCache):
    _culled_at = None

    def _cull(self):
        now = time.monotonic()
        if self._culled_at is not None and now - self._culled_at < CULL_EVERY_SECONDS:
            return
        self._culled_at = now
        super()._cull()

"""`GET /healthz` for load balancers: does this app server reach its database, cache and storage?

It answers within a second whatever hangs. Each part is checked by a thread of its own that lives
as long as the process (so it keeps its connection from one check to the next), and the request
waits for each answer at most its bound below. A part whose check is still stuck from an earlier
request is reported down at once, without a second thread piling up behind it.

Touches no session and no template, and is never cached (PAGE_CACHE_SKIP_PATHS), so it says how
this server is now.
"""

import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import dbwatch

logger = logging.getLogger(__name__)

# Seconds each part may take; the three run at once, so a reply takes at most the largest.
BOUNDS = {"database": 0.6, "cache": 0.4, "storage": 0.6}
PROBE_KEY = "healthz"


def database_answers():
    # A connection of its own each time (closed after each check): a few milliseconds, and none
    # is left open that would outlive a failover or keep a database from being dropped.
    with dbwatch.watching(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def caches_answer():
    for alias in settings.CACHES:
        cache = caches[alias]
        cache.set(PROBE_KEY, "ok", timeout=10)
        if cache.get(PROBE_KEY) != "ok":
            return False
    return True


def storage_answers():
    # The answer does not matter (the name is not there): that the storage gave one does.
    default_storage.exists(f"{PROBE_KEY}/probe")
    return True


class Probe:
    """One part's check, run by a thread of its own."""

    def __init__(self, name, check):
        self.name = name
        self.check = check
        self._lock = threading.Lock()
        self._pid = None
        self._busy = False
        self._asked = None

    def _start(self):
        self._pid = os.getpid()
        self._busy = False
        self._asked = queue.SimpleQueue()
        threading.Thread(target=self._serve, name=f"healthz-{self.name}", daemon=True).start()

    def _serve(self):
        asked = self._asked
        while True:
            answer = asked.get()
            try:
                answer["ok"] = bool(self.check())
            except Exception:  # noqa: BLE001 (any failure means: this part is down)
                logger.warning("Health check: %s did not answer", self.name, exc_info=True)
                answer["ok"] = False
            finally:
                # Nothing this thread opened on the way (a hook after lost cache writes may
                # query) stays open between checks.
                connections.close_all()
            with self._lock:
                self._busy = False
            answer["done"].set()

    def ask(self):
        with self._lock:
            if self._pid != os.getpid():
                self._start()  # first use in this process (gunicorn forks workers)
            if self._busy:
                return None  # still stuck in an earlier check
            self._busy = True
            answer = {"ok": False, "done": threading.Event()}
            self._asked.put(answer)
        return answer


PROBES = {
    "database": Probe("database", database_answers),
    "cache": Probe("cache", caches_answer),
    "storage": Probe("storage", storage_answers),
}


@never_cache
@require_safe
def healthz(request):
    started = time.monotonic()
    asked = {name: probe.ask() for name, probe in PROBES.items()}
    checks = {}
    for name, answer in asked.items():
        if answer is None:
            checks[name] = False
            continue
        left = BOUNDS[name] - (time.monotonic() - started)
        checks[name] = answer["done"].wait(max(left, 0)) and answer["ok"]
    down = [name for name, ok in checks.items() if not ok]
    return JsonResponse(
        {"status": "failing" if down else "ok", **checks, "down": down},
        status=503 if down else 200,
    )

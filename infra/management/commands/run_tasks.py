"""The task worker: django-tasks-db's `db_worker`, which also picks up what dead workers left.

At start and every minute (sooner when TASKS_STALE_SECONDS is shorter), tasks still "running"
TASKS_STALE_SECONDS after they started go back to the queue: their worker was killed or its
machine restarted; and the jobs apps registered in infra.periodic run (the followers' sweep:
posts that went live, weekly digests).
"""

import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from infra import periodic
from infra.tasks import requeue_stale


def _requeue_now():
    try:
        requeued = requeue_stale()
        periodic.run_all()  # the apps' minute jobs (e.g. followers: posts that went live)
        return requeued
    finally:
        connections.close_all()


def _keep_requeueing(stop):
    # Every minute, or sooner when tasks go stale sooner.
    every = max(1, min(60, settings.TASKS_STALE_SECONDS))
    while not stop.wait(every):
        _requeue_now()


class Command(WorkerCommand):
    help = "Run queued tasks (mail, reports, images) and requeue those a dead worker left."

    def handle(self, *args, **options):
        requeued = requeue_stale()
        if requeued and options["verbosity"]:
            self.stdout.write(f"Requeued {requeued} task(s) left running by a stopped worker.")
        stop = threading.Event()
        threading.Thread(target=_keep_requeueing, args=(stop,), daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()

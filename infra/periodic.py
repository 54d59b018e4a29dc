"""Jobs the task worker runs every minute (`manage.py run_tasks`), beside requeueing tasks that
a dead worker left. Apps register them in their AppConfig.ready(); a job should be quick and
safe to run on several workers at once (it enqueues the real work as tasks)."""

import logging

_jobs = {}

logger = logging.getLogger(__name__)


def register(name, job):
    _jobs[name] = job


def run_all():
    """Run every registered job; one that fails is logged and does not stop the others."""
    for name, job in sorted(_jobs.items()):
        try:
            job()
        except Exception:
            logger.exception("Periodic job %s failed", name)

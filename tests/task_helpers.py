"""Running queued tasks inside a test, through django-tasks-db's own worker code."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_tasks(limit=100):
    """Run every task that is ready now, as `manage.py run_tasks` would; returns how many ran.

    The worker's loop closes database connections between tasks, which a test's transaction
    cannot survive, so the tasks are claimed and run here one by one with its `run_task`.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        task_result = DBTaskResult.objects.ready().first()
        if task_result is None:
            break
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran

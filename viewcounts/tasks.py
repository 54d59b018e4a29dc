from django_tasks import task

from . import services


@task()
def roll_up_views():
    return f"{services.roll_up()} days rolled up"

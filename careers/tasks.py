from crontask import cron
from django.tasks import task


@task()
def evaluate_job(job_id: str) -> None:
    """Evaluate every active worker on demand, reporting on the job's progress bar."""
    # Imported here: services enqueues this task, so it imports this module.
    from workforce.core.services import job_running
    from workforce.people.models import Worker

    from .services import evaluate

    with job_running(job_id) as progress:
        evaluate(workers=Worker.objects.active().values_list("pk", flat=True), progress=progress)


# At 02:00 in the project's time zone, after the day's work and attendance are in; started by
# `manage.py crontask` (make run starts it beside the task worker).
@cron("0 2 * * *")
@task()
def evaluate_nightly() -> None:
    from workforce.people.models import Worker

    from .services import evaluate

    evaluate(workers=Worker.objects.active().values_list("pk", flat=True))

from crontask import cron
from django.tasks import task


@task()
def make_report_file(job_id: str, report_file_id: str) -> None:
    """Make a large report's PDF or XLSX in the background, on the job's progress bar."""
    # Imported here: services enqueues this task, so it imports this module.
    from workforce.core.services import job_running

    from .models import ReportFile
    from .services import report_file_make

    report_file = ReportFile.objects.select_related("owner").get(pk=report_file_id)
    with job_running(job_id) as progress:
        report_file_make(report_file=report_file, progress=progress)


# At 06:00 on the 1st, in the project's time zone: the month just ended, for every schedule.
# Started by `manage.py crontask` (make run starts it beside the task worker).
@cron("0 6 1 * *")
@task()
def build_monthly_reports() -> None:
    from .services import schedules_build

    schedules_build()

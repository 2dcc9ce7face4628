from apscheduler.triggers.interval import IntervalTrigger
from crontask import scheduler
from django.db import connection

from .services import jobs_recover_stale


def recover_stale_jobs() -> None:
    """Settle jobs whose worker died. Run by the scheduler itself rather than queued for a
    worker: it must run when every worker is dead or busy with a long job."""
    try:
        jobs_recover_stale()
    finally:
        connection.close()  # the scheduler's pool thread keeps no connection between ticks


# Every 20 seconds, so with a lease of 40 a dead worker's job is settled within a minute.
# Started by `manage.py crontask`, which imports every app's tasks module.
scheduler.add_job(recover_stale_jobs, IntervalTrigger(seconds=20), name="core.recover_stale_jobs")

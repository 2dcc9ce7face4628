from crontask import cron
from django.tasks import task


# At 01:30 in the project's time zone, before careers' nightly evaluation reads who is active;
# started by `manage.py crontask` (make run starts it beside the task worker).
@cron("30 1 * * *")
@task()
def activate_ready_workers_nightly() -> None:
    from .services import workers_activate_when_ready

    workers_activate_when_ready()

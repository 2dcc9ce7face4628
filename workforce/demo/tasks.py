from django.tasks import task

from workforce.core.services import job_running

from . import builder


@task()
def rebuild_demo_data(job_id: str) -> None:
    with job_running(job_id) as progress:
        builder.build(progress=progress)

from django.tasks import task

from . import demo
from .services import job_running


@task()
def rebuild_demo_data(job_id: str) -> None:
    with job_running(job_id) as progress:
        demo.build(progress=progress)

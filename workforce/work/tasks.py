from django.tasks import task


@task()
def import_work_file(job_id: str, import_id: int) -> None:
    """Read, check and write an annotation tool's file, reporting on the job's progress bar."""
    # Imported here: imports enqueues this task, so it imports this module.
    from workforce.core.services import job_running

    from .imports import work_import_run
    from .models import WorkImport

    with job_running(job_id) as progress:
        work_import_run(work_import=WorkImport.objects.get(pk=import_id), progress=progress)

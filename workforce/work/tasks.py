from django.tasks import task


@task()
def import_work_file(job_id: str, import_id: int) -> None:
    """Read, check and write an annotation tool's file, reporting on the job's progress bar."""
    # Imported here: imports enqueues this task, so it imports this module.
    from .imports import work_importing

    work_importing.run_job(job_id, import_id)

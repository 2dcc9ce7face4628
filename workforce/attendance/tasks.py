from django.tasks import task


@task()
def import_clock_file(job_id: str, import_id: int) -> None:
    """Write a checked clock file's rows, reporting on the job's progress bar."""
    # Imported here: imports enqueues this task, so it imports this module.
    from .imports import clock_importing

    clock_importing.run_job(job_id, import_id)


@task()
def check_clock_file(job_id: str, import_id: int) -> None:
    """Read and check a large clock file, reporting on the job's progress bar."""
    from .imports import clock_checking

    clock_checking.run_job(job_id, import_id)

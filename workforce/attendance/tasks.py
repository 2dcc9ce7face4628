from django.tasks import task


@task()
def import_clock_file(job_id: str, import_id: int) -> None:
    """Write a checked clock file's rows, reporting on the job's progress bar."""
    # Imported here: imports enqueues this task, so it imports this module.
    from workforce.core.services import job_running

    from .imports import clock_import_run
    from .models import ClockImport

    with job_running(job_id) as progress:
        clock_import_run(clock_import=ClockImport.objects.get(pk=import_id), progress=progress)


@task()
def check_clock_file(job_id: str, import_id: int) -> None:
    """Read and check a large clock file, reporting on the job's progress bar."""
    from workforce.core.services import job_running

    from .imports import clock_import_check_run
    from .models import ClockImport

    with job_running(job_id) as progress:
        clock_import_check_run(
            clock_import=ClockImport.objects.get(pk=import_id), progress=progress
        )

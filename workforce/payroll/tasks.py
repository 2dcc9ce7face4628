from django.tasks import task


@task()
def calculate_run(job_id: str, run_id: int, user_id: int, only_failed: bool) -> None:
    """Calculate a payroll run in the background, reporting on the job's progress bar."""
    # Imported here: services enqueues this task, so it imports this module.
    from django.contrib.auth import get_user_model

    from workforce.core.services import job_running

    from .models import PayrollRun
    from .services import run_calculate

    run = PayrollRun.objects.get(pk=run_id)
    by = get_user_model().objects.get(pk=user_id)
    worker_ids = None
    if only_failed:
        worker_ids = list(run.payslips.exclude(error="").values_list("worker_id", flat=True))
    try:
        with job_running(job_id) as progress:
            run_calculate(run=run, by=by, worker_ids=worker_ids, progress=progress)
    except BaseException:
        # A failed calculation leaves the run as it was before, ready to try again.
        PayrollRun.objects.filter(pk=run_id, status=PayrollRun.Status.CALCULATING).update(
            status=PayrollRun.Status.CALCULATED
            if run.payslips.exists()
            else PayrollRun.Status.DRAFT
        )
        raise


@task()
def render_payslips(job_id: str, run_id: int) -> None:
    """Make a run's payslips as one ZIP of PDFs, in parallel processes, on a progress bar."""
    from workforce.core.models import Job
    from workforce.core.services import job_running

    from .models import PayrollRun
    from .payslips import payslips_zip_make, payslips_zip_url

    run = PayrollRun.objects.get(pk=run_id)
    with job_running(job_id) as progress:
        payslips_zip_make(run=run, progress=progress)
        # Set before job_running marks the job done, so the page never sees done without a link.
        Job.objects.filter(pk=job_id).update(result_url=payslips_zip_url(run))


@task()
def import_workforce(job_id: str, import_id: int) -> None:
    """Write a checked workforce file's workers, reporting each batch on the progress bar."""
    # Imported here: the import module names this task, so it imports this module.
    from .workforce_import import workforce_importing

    workforce_importing.run_job(job_id, import_id)

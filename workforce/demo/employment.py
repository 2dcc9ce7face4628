"""Demo contracts and documents; builder.build calls build() last, when every worker exists.

Each worker gets the contract their record implies, as the migration gives existing workers:
salaried workers are employees, the rest contractors, open-ended and full time from their hire.
Three of them carry what HR's home page must show: an annotator whose probation ends in three
weeks, a New York contractor whose fixed term ends on the last day of this month, and a
Lisbon worker whose work permit expires in about six weeks. (Hires through the recruitment
demo already have the contract their offer set; the payroll demo's leaver is owed deferred
pay.) Idempotent: a worker with a contract, and a document of the same title, are left alone.
"""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from workforce.people.models import Employment, EmploymentType, Rung, Worker, WorkerDocument

from . import clock

PROGRESS_STEPS = 1
PROBATION_LEFT_DAYS = 20
PERMIT_LEFT_DAYS = 40


def build(*, summary, progress) -> None:
    with transaction.atomic():
        _contracts(summary)
        _work_permit(summary)
    progress.advance(_("Contracts and documents"))


def _contracts(summary) -> None:
    today = clock.today()
    without = Worker.objects.filter(employments__isnull=True).order_by("employee_number")
    on_probation = (
        without.filter(status=Worker.Status.ACTIVE, rung__code=Rung.Code.ANNOTATOR)
        .filter(hired_on__lte=today - timedelta(days=30))
        .order_by("-hired_on", "employee_number")
        .first()
    )
    fixed_term = (
        without.filter(status=Worker.Status.ACTIVE, site__name="New York")
        .filter(employment_type=EmploymentType.HOURLY)
        .exclude(pk=getattr(on_probation, "pk", None))
        .first()
    )
    contracts = []
    for worker in without:
        contract = Employment(
            worker=worker,
            kind=Employment.Kind.EMPLOYEE
            if worker.employment_type == EmploymentType.SALARIED
            else Employment.Kind.CONTRACTOR,
            starts_on=worker.hired_on,
            ends_on=worker.left_on,
        )
        if worker == on_probation:
            contract.probation_ends_on = today + timedelta(days=PROBATION_LEFT_DAYS)
        if worker == fixed_term:
            contract.fixed_term_ends_on = clock.month_end(today)
        contract.full_clean()
        contracts.append(contract)
    Employment.objects.bulk_create(contracts)
    summary.created["contracts"] = summary.created.get("contracts", 0) + len(contracts)


def _work_permit(summary) -> None:
    worker = (
        Worker.objects.filter(status=Worker.Status.ACTIVE, site__name="Lisbon")
        .order_by("employee_number")
        .first()
    )
    if worker is None:
        return
    title = _("Residence and work permit")
    exists = WorkerDocument.objects.filter(worker=worker, title=title).exists()
    summary.count("documents", not exists)
    if not exists:
        WorkerDocument.objects.create(
            worker=worker,
            kind=WorkerDocument.Kind.WORK_PERMIT,
            title=title,
            expires_on=clock.today() + timedelta(days=PERMIT_LEFT_DAYS),
        )

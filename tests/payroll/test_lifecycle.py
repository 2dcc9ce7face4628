"""A run from draft to paid: who may approve, what approval needs, and that nothing in an
approved run changes or goes away, by any route."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import WorkerFactory
from workforce.payroll import services
from workforce.payroll.models import (
    Adjustment,
    DeferredPart,
    PayLine,
    PayrollError,
    PayrollRun,
    Payslip,
    SchemeVersion,
)

from .conftest import MARCH, amount, assign, attend_every_day, calculate, salaried_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def march_run(worker, admins):
    assign(worker, salaried_scheme(tiers=[], deferrals=[("base", "10", 2)]))
    attend_every_day(worker, MARCH)
    return calculate(admins[0])


def test_the_admin_who_calculated_a_run_cannot_approve_it(march_run, admins):
    with pytest.raises(PayrollError, match="another payroll admin"):
        services.run_approve(run=march_run, by=admins[0], reason="fine")
    march_run.refresh_from_db()
    assert march_run.status == "calculated"


def test_approving_over_a_warning_needs_a_written_reason(march_run, worker, admins):
    worker.site.minimum_hourly_wage_amount = Decimal("500.00")  # nobody earns that an hour
    worker.site.save()
    run = services.run_calculate(run=march_run, by=admins[0])
    slip = run.payslips.get(worker=worker)
    assert [w["code"] for w in slip.warnings] == ["below_minimum_wage"]
    with pytest.raises(PayrollError, match="write why"):
        services.run_approve(run=run, by=admins[1], reason="  ")
    run = services.run_approve(run=run, by=admins[1], reason="Trial month, agreed with HR")
    assert run.status == "approved" and run.approval_reason == "Trial month, agreed with HR"


def test_only_payroll_admins_run_payroll(march_run, make_user):
    supervisor = make_user("supervisor")
    with pytest.raises(PayrollError, match="Only a payroll admin"):
        services.run_approve(run=march_run, by=supervisor, reason="ok")
    with pytest.raises(PayrollError, match="Only a payroll admin"):
        services.run_create(month=MARCH, by=supervisor)


def test_recalculating_replaces_the_lines_with_identical_results(march_run, admins):
    def snapshot(run):
        return sorted(
            PayLine.objects.filter(payslip__run=run).values_list(
                "payslip__worker_id", "component", "currency", "amount", "detail"
            ),
            key=repr,
        )

    before = snapshot(march_run)
    again = services.run_calculate(run=march_run, by=admins[0])
    assert snapshot(again) == before
    assert Payslip.objects.filter(run=march_run).count() == 1


def test_an_approved_run_refuses_every_change(march_run, worker, admins):
    run = services.run_approve(run=march_run, by=admins[1], reason="")
    line = PayLine.objects.filter(payslip__run=run).first()
    slip = run.payslips.get()
    part = DeferredPart.objects.get(payslip=slip)

    # Services.
    with pytest.raises(PayrollError):
        services.run_calculate(run=run, by=admins[0])
    with pytest.raises(PayrollError):
        services.run_delete(run=run, by=admins[0])
    # Models, one row at a time.
    line.amount = Decimal("1.00")
    for obj in (line, slip, part):
        with pytest.raises(PayrollError):
            obj.save()
        with pytest.raises(PayrollError):
            obj.delete()
    run.approval_reason = "rewritten"
    with pytest.raises(PayrollError):
        run.save()
    with pytest.raises(PayrollError):
        run.delete()
    # Querysets, in bulk.
    with pytest.raises(PayrollError):
        PayLine.objects.filter(payslip__run=run).update(amount=0)
    with pytest.raises(PayrollError):
        PayLine.objects.all().delete()
    with pytest.raises(PayrollError):
        Payslip.objects.filter(run=run).update(error="x")
    with pytest.raises(PayrollError):
        DeferredPart.objects.all().delete()
    with pytest.raises(PayrollError):
        PayrollRun.objects.filter(pk=run.pk).update(status="draft")
    with pytest.raises(PayrollError):
        PayrollRun.objects.filter(pk=run.pk).delete()
    # Marking it paid is the one change it still takes.
    assert services.run_mark_paid(run=run, by=admins[0]).status == "paid"
    # Nothing moved.
    assert amount(run, worker, "base") == Decimal("1800.00")
    assert PayLine.objects.filter(payslip__run=run).count() == 7


def test_the_admin_site_shows_an_approved_run_and_changes_nothing(march_run, admins, client):
    run = services.run_approve(run=march_run, by=admins[1], reason="")
    line = PayLine.objects.filter(payslip__run=run).first()
    client.force_login(admins[0])
    for model, pk in (("payline", line.pk), ("payrollrun", run.pk), ("payslip", line.payslip_id)):
        page = client.get(reverse(f"admin:payroll_{model}_change", args=[pk]))
        assert page.status_code == 200  # shown
        assert b'name="_save"' not in page.content  # without a save button
        posted = client.post(reverse(f"admin:payroll_{model}_delete", args=[pk]), {"post": "yes"})
        assert posted.status_code == 403
    assert PayLine.objects.filter(pk=line.pk).exists()


def test_a_paid_scheme_version_cannot_be_rewritten_only_followed(march_run, admins, client):
    services.run_approve(run=march_run, by=admins[1], reason="")
    version = SchemeVersion.objects.get()
    with pytest.raises(PayrollError, match="later month"):
        services.version_check(version)
    backdated = SchemeVersion(scheme=version.scheme, effective_from=date(2026, 3, 1))
    with pytest.raises(PayrollError, match="2026-03 is already paid"):
        services.version_check(backdated)
    services.version_check(SchemeVersion(scheme=version.scheme, effective_from=date(2026, 4, 1)))
    client.force_login(admins[0])
    page = client.get(reverse("admin:payroll_schemeversion_change", args=[version.pk]))
    assert b'name="_save"' not in page.content


def test_a_correction_is_an_adjustment_paid_in_the_next_run(march_run, worker, admins):
    services.run_approve(run=march_run, by=admins[1], reason="")
    base = PayLine.objects.get(payslip__run=march_run, component="base")
    fix = services.adjustment_add(
        worker=worker,
        amount=Decimal("150.00"),
        currency="CNY",
        reason="Housing allowance rate was wrong in March",
        corrects=base,
        by=admins[0],
    )
    april = calculate(admins[0], month=date(2026, 4, 1))
    line = april.payslips.get(worker=worker).lines.get(component="adjustment")
    assert line.amount == Decimal("150.00") and line.adjustment == fix
    assert line.detail["corrects_id"] == base.pk
    services.run_approve(run=april, by=admins[1], reason="ok")
    # Paid once: the May run does not pay it again.
    may = calculate(admins[0], month=date(2026, 5, 1))
    assert not PayLine.objects.filter(payslip__run=may, component="adjustment").exists()
    assert Adjustment.objects.get().is_paid()


def test_a_worker_with_broken_data_does_not_fail_the_run_and_is_recalculated_alone(
    worker, team, admins
):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    unschemed = WorkerFactory(site=team.site, team=team)
    attend_every_day(unschemed, MARCH)
    run = calculate(admins[0])
    broken = run.payslips.get(worker=unschemed)
    assert broken.error == "no_scheme" and not broken.lines.exists()
    paid = run.payslips.get(worker=worker)
    assert amount(run, worker, "net") == Decimal("2200.00")

    assign(unschemed, salaried_scheme(name="Second package", tiers=[]))
    services.run_calculate(run=run, by=admins[0], worker_ids=[unschemed.pk])
    assert run.payslips.get(worker=unschemed).error == ""
    assert amount(run, unschemed, "net") == Decimal("2200.00")
    # The others' payslips were left as they were, not rewritten.
    assert run.payslips.get(worker=worker).pk == paid.pk


def test_a_worker_already_paid_for_the_month_by_another_run_is_not_paid_twice(worker, team, admins):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    team_run = calculate(admins[0], team=team)
    services.run_approve(run=team_run, by=admins[1], reason="")
    everyone = calculate(admins[0])
    slip = everyone.payslips.get(worker=worker)
    assert slip.error == "paid_elsewhere" and not slip.lines.exists()

"""Frozen means frozen: an approved run, its lines, the adjustments and deferred parts it pays
and the scheme versions it used change by no route: not the admin's history "revert" form,
not the ORM one row or many at a time, and on PostgreSQL not even raw SQL."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models.fields.files import FieldFile
from django.forms import MultiWidget
from django.test import RequestFactory
from django.urls import reverse

from workforce.payroll import services
from workforce.payroll.models import (
    Adjustment,
    Allowance,
    DeferredPart,
    PayLine,
    PayrollError,
    PayrollRun,
    PayScheme,
    Payslip,
    SchemeVersion,
)

from .conftest import MARCH, assign, attend_every_day, calculate, salaried_scheme

pytestmark = pytest.mark.django_db


def history_form_data(model, obj, user, **changes) -> dict:
    """What the admin's history form of `obj` posts back, with `changes`: built from the
    admin's own form, as an attacker reading the page would fill it."""
    request = RequestFactory().get("/")
    request.user = user
    form = admin.site._registry[model].get_form(request, obj)(instance=obj)
    data = {}
    for field in form:
        value = changes.get(field.name, field.value())
        if isinstance(field.field.widget, MultiWidget):
            for i, part in enumerate(field.field.widget.decompress(value)):
                data[f"{field.html_name}_{i}"] = "" if part is None else str(part)
        elif value is not None and not isinstance(value, FieldFile):
            data[field.html_name] = str(value)
    return data


def latest_history(obj) -> int:
    return obj.history.order_by("-history_date", "-history_id").first().history_id


def revert_url(model, obj) -> str:
    name = f"admin:payroll_{model._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, latest_history(obj)])


@pytest.fixture
def paid_adjustment(worker, admins):
    """March approved: it paid a 2,216.66 CNY adjustment and held 10% of base pay."""
    assign(worker, salaried_scheme(tiers=[], deferrals=[("base", "10", 2)]))
    attend_every_day(worker, MARCH)
    adjustment = services.adjustment_add(
        worker=worker,
        amount=Decimal("2216.66"),
        currency="CNY",
        reason="Back pay for February",
        by=admins[0],
    )
    run = calculate(admins[0])
    services.run_approve(run=run, by=admins[1], reason="Checked")
    return adjustment, run


# --- the history form ----------------------------------------------------------------------


def test_a_payroll_admin_cannot_approve_their_own_run_through_the_history_form(
    client, worker, admins
):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    run = calculate(admins[0])
    client.force_login(admins[0])
    data = history_form_data(
        PayrollRun, run, admins[0], status="approved", approved_by=admins[1].pk
    )
    response = client.post(revert_url(PayrollRun, run), data)
    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.status, run.approved_by) == ("calculated", None)
    # The history itself stays readable.
    assert client.get(revert_url(PayrollRun, run)).status_code == 200


def test_reverting_an_approved_run_is_refused_not_a_server_error(client, paid_adjustment, admins):
    _adjustment, run = paid_adjustment
    client.force_login(admins[0])
    data = history_form_data(PayrollRun, run, admins[0], approval_reason="")
    response = client.post(revert_url(PayrollRun, run), data)
    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.status, run.approval_reason) == ("approved", "Checked")


def test_a_paid_adjustment_cannot_be_rewritten_through_the_history_form(
    client, paid_adjustment, admins
):
    adjustment, run = paid_adjustment
    client.force_login(admins[0])
    data = history_form_data(Adjustment, adjustment, admins[0], amount="1.00")
    response = client.post(revert_url(Adjustment, adjustment), data)
    assert response.status_code == 403
    adjustment.refresh_from_db()
    line = PayLine.objects.get(payslip__run=run, component="adjustment")
    assert adjustment.amount == line.amount == Decimal("2216.66")


def test_no_history_form_in_the_admin_saves_a_post(client, admins):
    """Every history page of every admin is shown, never saved, whoever posts."""
    scheme = salaried_scheme()
    client.force_login(admins[0])
    data = history_form_data(PayScheme, scheme, admins[0], name="Renamed")
    response = client.post(revert_url(PayScheme, scheme), data)
    assert response.status_code == 403
    assert PayScheme.objects.get().name == "Annotator package"
    page = client.get(revert_url(PayScheme, scheme))
    assert page.status_code == 200 and b'name="_save"' not in page.content


# --- the ORM ----------------------------------------------------------------------------------


def test_a_run_is_approved_and_paid_only_by_its_services(worker, admins):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    run = calculate(admins[0])
    run.status, run.approved_by = PayrollRun.Status.APPROVED, admins[1]
    with pytest.raises(PayrollError, match="approve"):
        run.save()
    with pytest.raises(PayrollError, match="approve"):
        PayrollRun.objects.filter(pk=run.pk).update(status="approved", approved_by=admins[1])
    with pytest.raises(PayrollError, match="approve"):
        PayrollRun.objects.filter(pk=run.pk).update(status="paid")
    run.status = PayrollRun.Status.APPROVED
    with pytest.raises(PayrollError, match="approve"):
        PayrollRun.objects.bulk_update([run], ["status", "approved_by"])
    run.refresh_from_db()
    assert run.status == "calculated"
    # The service approves (another admin) and marks paid.
    run = services.run_approve(run=run, by=admins[1], reason="ok")
    run.status = PayrollRun.Status.CALCULATED
    with pytest.raises(PayrollError):
        run.save(update_fields=["status"])
    run.status, run.paid_by = PayrollRun.Status.PAID, admins[0]
    with pytest.raises(PayrollError):
        run.save(update_fields=["status", "paid_by"])
    with pytest.raises(PayrollError):
        PayrollRun.objects.filter(pk=run.pk).update(paid_by=admins[0])
    assert services.run_mark_paid(run=run, by=admins[0]).status == "paid"
    run.status = PayrollRun.Status.APPROVED
    with pytest.raises(PayrollError):
        run.save(update_fields=["status"])
    run.refresh_from_db()
    assert (run.status, run.approved_by, run.paid_by) == ("paid", admins[1], admins[0])


def test_nothing_an_approved_run_paid_changes_through_the_orm(paid_adjustment, admins):
    adjustment, run = paid_adjustment
    adjustment.amount = Decimal("1.00")
    with pytest.raises(PayrollError):
        adjustment.save()
    with pytest.raises(PayrollError):
        adjustment.delete()
    with pytest.raises(PayrollError):
        Adjustment.objects.filter(pk=adjustment.pk).update(amount=Decimal("1.00"))
    with pytest.raises(PayrollError):
        Adjustment.objects.bulk_update([adjustment], ["amount"])
    with pytest.raises(PayrollError):
        Adjustment.objects.all().delete()

    line = PayLine.objects.get(payslip__run=run, component="adjustment")
    line.amount = Decimal("1.00")
    with pytest.raises(PayrollError):
        line.save()
    with pytest.raises(PayrollError):
        PayLine.objects.bulk_update([line], ["amount"])
    part = DeferredPart.objects.get()
    part.amount = Decimal("0.01")
    with pytest.raises(PayrollError):
        DeferredPart.objects.bulk_update([part], ["amount"])
    with pytest.raises(PayrollError):
        Payslip.objects.filter(run=run).delete()

    version = SchemeVersion.objects.get()
    version.base_amount = Decimal("1")
    with pytest.raises(PayrollError):
        version.save()
    with pytest.raises(PayrollError):
        version.delete()
    with pytest.raises(PayrollError):
        SchemeVersion.objects.filter(pk=version.pk).update(base_amount=Decimal("1"))
    with pytest.raises(PayrollError):
        SchemeVersion.objects.bulk_update([version], ["base_amount"])
    allowance = Allowance.objects.get()
    allowance.amount = Decimal("1")
    with pytest.raises(PayrollError):
        allowance.save()
    with pytest.raises(PayrollError):
        Allowance.objects.filter(version=version).update(amount=Decimal("1"))
    with pytest.raises(PayrollError):
        Allowance.objects.filter(version=version).delete()
    with pytest.raises(PayrollError):
        Allowance.objects.create(version=version, name="Meals", amount=Decimal("50"))

    # Nothing moved.
    adjustment.refresh_from_db()
    version.refresh_from_db()
    assert adjustment.amount == Decimal("2216.66")
    assert version.base_amount == Decimal("1800.00")
    assert PayLine.objects.get(pk=line.pk).amount == Decimal("2216.66")
    assert Allowance.objects.get().amount == Decimal("200.00")


def test_an_open_run_and_an_unpaid_adjustment_still_change(worker, admins):
    """The guards freeze what an approved run paid, and nothing before it."""
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    adjustment = services.adjustment_add(
        worker=worker, amount=Decimal("10"), currency="CNY", reason="Meals", by=admins[0]
    )
    adjustment.amount = Decimal("12.00")
    adjustment.save()
    run = calculate(admins[0])
    run = services.run_calculate(run=run, by=admins[0])  # recalculated: lines rewritten
    assert PayLine.objects.get(payslip__run=run, component="adjustment").amount == Decimal("12")
    version = SchemeVersion.objects.get()
    version.note = "Typo fixed"
    version.save()
    services.run_delete(run=run, by=admins[0])
    assert not PayrollRun.objects.exists()


def test_an_approved_adjustment_changed_since_calculation_stops_approval(worker, admins):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    adjustment = services.adjustment_add(
        worker=worker, amount=Decimal("10"), currency="CNY", reason="Meals", by=admins[0]
    )
    run = calculate(admins[0])
    Adjustment.objects.filter(pk=adjustment.pk).update(amount=Decimal("99"))
    with pytest.raises(PayrollError, match="recalculate"):
        services.run_approve(run=run, by=admins[1], reason="ok")


# --- the database ---------------------------------------------------------------------------


@contextmanager
def raw_sql_refused():
    with (
        pytest.raises(DatabaseError, match="approved"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        yield cursor


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the database triggers exist on PostgreSQL only; SQLite relies on the model guards",
)
def test_postgresql_refuses_raw_sql_that_rewrites_an_approved_run(paid_adjustment, admins):
    adjustment, run = paid_adjustment
    line = PayLine.objects.get(payslip__run=run, component="adjustment")
    version = SchemeVersion.objects.get()
    statements = [
        ("UPDATE payroll_payline SET amount = 1 WHERE id = %s", line.pk),
        ("DELETE FROM payroll_payline WHERE id = %s", line.pk),
        ("UPDATE payroll_adjustment SET amount = 1 WHERE id = %s", adjustment.pk),
        ("UPDATE payroll_payslip SET error = 'x' WHERE run_id = %s", run.pk),
        ("UPDATE payroll_deferredpart SET amount = 0 WHERE payslip_id = %s", line.payslip_id),
        ("UPDATE payroll_payrollrun SET status = 'calculated' WHERE id = %s", run.pk),
        ("UPDATE payroll_schemeversion SET base_amount = 1 WHERE id = %s", version.pk),
        ("DELETE FROM payroll_allowance WHERE version_id = %s", version.pk),
    ]
    for sql, pk in statements:
        with raw_sql_refused() as cursor:
            cursor.execute(sql, [pk])
    # Marking it paid still goes through, and then nothing else does.
    services.run_mark_paid(run=run, by=admins[0])
    with raw_sql_refused() as cursor:
        cursor.execute("UPDATE payroll_payrollrun SET status = 'approved' WHERE id = %s", [run.pk])
    run.refresh_from_db()
    line.refresh_from_db()
    adjustment.refresh_from_db()
    assert (run.status, line.amount, adjustment.amount) == (
        "paid",
        Decimal("2216.66"),
        Decimal("2216.66"),
    )


def test_a_later_month_is_calculated_and_approved_beside_a_frozen_one(paid_adjustment, admins):
    """The triggers and guards let the next run release deferred pay and be approved."""
    _adjustment, _run = paid_adjustment
    may = calculate(admins[0], month=date(2026, 5, 1))
    assert PayLine.objects.filter(payslip__run=may, component="deferred_released").exists()
    may = services.run_approve(run=may, by=admins[1], reason="ok")
    assert services.run_mark_paid(run=may, by=admins[0]).status == "paid"

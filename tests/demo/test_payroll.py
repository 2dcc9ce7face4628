"""The payroll part of the demo, as a payroll admin finds it: the month before last's run
approved by a second admin and paid, last month's calculated and waiting, every kind of scheme in the three
currencies, deferred pay held and released, the checks' findings, an adjustment, a leaver
owed deferred pay, bank accounts. The `demo` fixture gives each test the whole demo;
tests/demo/test_builder.py checks that a second build creates nothing."""

from decimal import Decimal

import pandas as pd
import pytest

from tests.demo.stories import months, story
from workforce.demo import clock
from workforce.demo import payroll as payroll_demo
from workforce.payroll import queries
from workforce.payroll.models import (
    Adjustment,
    BankAccount,
    Component,
    DeferredPart,
    PayLine,
    PayrollRun,
    PayScheme,
    SchemeAssignment,
)
from workforce.people.models import Worker

pytestmark = pytest.mark.django_db


def _runs():
    paid_month, open_month = months()
    return (
        PayrollRun.objects.get(period_start=paid_month, site=None, team=None),
        PayrollRun.objects.get(period_start=open_month, site=None, team=None),
    )


def _codes(run) -> set[str]:
    return {w["code"] for slip in queries.run_warnings(run) for w in slip.warnings}


def _six_months_after(month):
    return (pd.Timestamp(month) + pd.DateOffset(months=6)).date()


def _worker(email) -> Worker:
    return Worker.objects.get(user__email=email)


@story
def test_the_build_creates_two_runs_over_every_kind_of_scheme(demo):
    created = demo.summary.created
    assert created["payroll runs"] == 2
    assert created["pay schemes"] >= 10
    assert created["scheme versions"] == created["pay schemes"] + 1
    assert created["payslips"] > 100
    assert created["adjustments"] == 1
    assert created["leavers"] == 1


@story
def test_last_month_was_approved_by_a_second_admin_and_paid(demo):
    paid, waiting = _runs()
    assert paid.status == PayrollRun.Status.PAID
    assert paid.calculated_by.email == payroll_demo.PAYROLL_EMAIL
    assert paid.approved_by.email == payroll_demo.AUDIT_EMAIL
    assert paid.paid_at is not None
    # It had warnings, so the approval says why it went ahead.
    assert queries.run_warnings(paid).exists()
    assert "minimum hourly wage" in paid.approval_reason
    assert waiting.status == PayrollRun.Status.CALCULATED
    assert waiting.calculated_by.email == payroll_demo.PAYROLL_EMAIL
    assert waiting.approved_by is None


@story
def test_the_runs_pay_every_kind_of_scheme_in_three_currencies(demo):
    for run in _runs():
        kinds = set(
            PayLine.objects.filter(payslip__run=run, scheme_version__isnull=False).values_list(
                "scheme_version__scheme__kind", flat=True
            )
        )
        assert kinds == set(PayScheme.Kind.values), run
        totals = {total.currency: total for total in queries.run_totals(run)}
        assert set(totals) == {"CNY", "EUR", "USD"}, run
        assert all(total.net > 0 and total.payslips > 0 for total in totals.values())
        components = set(
            PayLine.objects.filter(payslip__run=run).values_list("component", flat=True)
        )
        assert {
            "base",
            "allowance",
            "attendance_bonus",
            "performance",
            "piece",
            "hourly",
        } <= components


@story
def test_the_shanghai_annotator_package_reaches_about_4000_cny(demo):
    paid, _waiting = _runs()
    slip = paid.payslips.get(worker__user__email="annotator@example.com")
    version = slip.lines.get(component=Component.BASE).scheme_version
    assert version.scheme.name == "Shanghai annotator package"
    assert version.scheme.currency == "CNY"
    top = (
        version.base_amount
        + version.attendance_bonus_amount
        + sum(a.amount for a in version.allowances.all())
        + max(t.amount for t in version.performance_tiers.all())
    )
    assert top == Decimal("4000.00")
    assert {(a.name, a.amount) for a in version.allowances.all()} == {("Housing", Decimal("200"))}
    rules = {(d.component, d.percent, d.months_after) for d in version.deferrals.all()}
    assert rules == {
        ("performance", Decimal("50"), 1),
        ("performance", Decimal("50"), 6),
        ("attendance_bonus", Decimal("50"), 6),
    }


@story
def test_performance_pay_is_held_last_month_and_half_released_this_month(demo):
    paid, waiting = _runs()
    paid_month, open_month = months()
    held = DeferredPart.objects.filter(payslip__run=paid)
    assert held.filter(due_on=open_month).exists()
    six_months = held.exclude(due_on=open_month)
    assert six_months.exists()
    assert set(six_months.values_list("due_on", flat=True)) == {_six_months_after(paid_month)}
    released = PayLine.objects.filter(payslip__run=waiting, component=Component.DEFERRED_RELEASED)
    assert released.exists()
    assert {line.deferred_part.payslip.run_id for line in released} == {paid.pk}
    assert all(line.amount == line.deferred_part.amount for line in released)
    assert sum(t.released for t in queries.run_totals(waiting)) > 0


@story
def test_the_checks_flag_underpaid_hours_and_a_worker_without_a_scheme(demo):
    runs = _runs()
    for run in runs:
        codes = _codes(run)
        assert "below_minimum_wage" in codes, run
        assert "error" in codes, run
        failed = run.payslips.get(worker__user__email=payroll_demo.NO_SCHEME_EMAIL)
        assert failed.error == "no_scheme"
        assert not failed.lines.exists()
        below = [
            w["params"]
            for slip in queries.run_warnings(run)
            for w in slip.warnings
            if w["code"] == "below_minimum_wage"
        ]
        assert all(p["effective"] < p["minimum"] for p in below)
    # The open month shows a worker whose pay moved from the month before.
    assert "pay_moved" in _codes(runs[1])


@story
def test_an_adjustment_corrects_last_month_and_this_month_pays_it(demo):
    paid, waiting = _runs()
    # The correction; the careers demo adds back pay for a back-dated promotion as well.
    adjustment = Adjustment.objects.get(corrects__isnull=False)
    assert adjustment.corrects.payslip.run == paid
    assert adjustment.corrects.component == Component.ATTENDANCE_BONUS
    assert adjustment.corrects.amount == 0
    assert adjustment.amount > 0
    line = PayLine.objects.get(
        payslip__run=waiting, component=Component.ADJUSTMENT, adjustment=adjustment
    )
    assert line.amount == adjustment.amount
    assert line.payslip.worker == adjustment.worker
    # Paid once the run is approved; until then it still waits.
    assert adjustment in queries.adjustments_waiting()


@story
def test_a_leaver_this_month_is_still_owed_last_months_deferred_pay(demo):
    paid, waiting = _runs()
    paid_month, open_month = months()
    leavers = list(queries.leavers_owed())
    assert [w.user.email for w in leavers] == [payroll_demo.LEAVER_EMAIL]
    leaver = leavers[0]
    assert open_month <= leaver.left_on <= clock.today()
    assert {part.payslip.run_id for part in leaver.owed} == {paid.pk}
    assert {(part.component, part.due_on) for part in leaver.owed} == {
        ("attendance_bonus", _six_months_after(paid_month))
    }
    # Paid in the open month up to the day she left, and no scheme runs on past it.
    base = waiting.payslips.get(worker=leaver).lines.get(component=Component.BASE)
    assert base.detail["covered_days"] <= base.detail["month_days"]
    assert not SchemeAssignment.objects.filter(worker=leaver, ends_on__isnull=True).exists()


@story
def test_the_lisbon_package_was_raised_this_month(demo):
    _paid, waiting = _runs()
    _last_month, open_month = months()
    scheme = PayScheme.objects.get(name="Lisbon annotator package")
    versions = list(scheme.versions.order_by("effective_from"))
    assert [v.effective_from for v in versions] == [payroll_demo.SCHEMES_FROM, open_month]
    assert versions[1].base_amount > versions[0].base_amount
    bases = PayLine.objects.filter(
        payslip__run=waiting, component=Component.BASE, scheme_version__scheme=scheme
    )
    assert bases.exists()
    assert {line.scheme_version for line in bases} == {versions[1]}


@story
def test_a_salaried_annotator_also_holds_piece_rates(demo):
    email, scheme_name = payroll_demo.EXTRA_PIECE
    worker = _worker(email)
    held = set(
        SchemeAssignment.objects.filter(worker=worker).values_list("scheme__kind", "scheme__name")
    )
    assert held == {("salaried", "Lisbon annotator package"), ("piece_rate", scheme_name)}
    components = PayLine.objects.filter(payslip__worker=worker).values_list("component", flat=True)
    assert {"base", "piece"} <= set(components)


@story
def test_every_paid_worker_has_a_bank_account_but_one_newcomer(demo):
    for run in _runs():
        paid = (
            run.payslips.filter(lines__component=Component.NET, lines__amount__gt=0)
            .distinct()
            .values_list("worker__user__email", flat=True)
        )
        missing = set(paid.filter(worker__bank_account__isnull=True))
        assert missing == {payroll_demo.NO_BANK_EMAIL}, run
    for account in BankAccount.objects.select_related("worker__site"):
        number = account.account_number
        if account.worker.site.country == "PT":
            rearranged = number[4:] + number[:4]
            assert int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1, number
        elif account.worker.site.country == "CN":
            digits = [int(d) for d in reversed(number)]
            doubled = [d * 2 - 9 if d * 2 > 9 else d * 2 for d in digits[1::2]]
            assert (sum(digits[::2]) + sum(doubled)) % 10 == 0, number
        else:
            assert len(account.bank_code) == 9 and number.isdigit()

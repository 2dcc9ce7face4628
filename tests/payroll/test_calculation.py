"""Each kind of scheme on examples computed by hand."""

from datetime import date
from decimal import Decimal

import pytest

from .conftest import (
    MARCH,
    amount,
    assign,
    attend_every_day,
    calculate,
    lines_of,
    salaried_scheme,
    work,
    workdays,
)

pytestmark = pytest.mark.django_db


def test_the_design_package_with_perfect_attendance_reaches_4000(worker, legal_project, admins):
    """1,800 base + 200 perfect-attendance bonus + 200 housing + 1,800 performance pay (score
    95, the top tier) = 4,000 CNY."""
    assign(worker, salaried_scheme())
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    run = calculate(admins[0])
    assert lines_of(run, worker) == [
        ("base", "CNY", Decimal("1800.00")),
        ("allowance", "CNY", Decimal("200.00")),
        ("attendance_bonus", "CNY", Decimal("200.00")),
        ("performance", "CNY", Decimal("1800.00")),
        ("gross", "CNY", Decimal("4000.00")),
        ("net", "CNY", Decimal("4000.00")),
    ]


def test_one_late_morning_loses_the_attendance_bonus_and_says_when(worker, legal_project, admins):
    assign(worker, salaried_scheme())
    attend_every_day(worker, MARCH, late_on={date(2026, 3, 3)})
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 80), minutes=300)
    run = calculate(admins[0])
    bonus = run.payslips.get(worker=worker).lines.get(component="attendance_bonus")
    assert bonus.amount == Decimal("0.00")
    assert bonus.detail["days"]["shown"] == [{"status": "late", "date": "2026-03-03"}]
    # Score 80 reaches the 75 tier (1,400): 1,800 + 200 + 0 + 1,400.
    assert amount(run, worker, "gross") == Decimal("3400.00")


def test_an_unpaid_absence_is_deducted_pro_rata_over_the_workdays(worker, admins):
    assign(worker, salaried_scheme(tiers=[("90", "1800")]))
    attend_every_day(worker, MARCH, absent_on={date(2026, 3, 12)})
    run = calculate(admins[0])
    # 1,800 × 1 / 22 = 81.818… → 81.82, rounded once, half up.
    assert amount(run, worker, "deduction") == Decimal("-81.82")
    assert amount(run, worker, "attendance_bonus") == Decimal("0.00")
    assert len(workdays(MARCH)) == 22
    assert amount(run, worker, "gross") == Decimal("1800.00") - Decimal("81.82") + Decimal("200.00")

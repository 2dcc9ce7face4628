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


def test_piece_rate_pays_accepted_images_at_0_90_and_nothing_for_rejected(
    worker, legal_project, admins
):
    from .conftest import piece_scheme

    worker.employment_type = "piece_rate"
    worker.save()
    assign(worker, piece_scheme(legal_project))
    for day in workdays(MARCH)[:20]:
        work(worker, legal_project, day, accepted=100, rejected=7, minutes=420)
    run = calculate(admins[0])
    piece = run.payslips.get(worker=worker).lines.get(component="piece")
    # 2,000 accepted × 0.90 = 1,800.00; the 140 rejected pay nothing.
    assert piece.amount == Decimal("1800.00")
    assert piece.detail["items"] == 2000
    assert amount(run, worker, "net") == Decimal("1800.00")


def test_a_quality_band_multiplies_piece_earnings_by_accuracy_on_gold(
    worker, legal_project, admins
):
    from .conftest import piece_scheme

    assign(worker, piece_scheme(legal_project, bands=[("90", "1.00"), ("95", "1.10")]))
    for day in workdays(MARCH)[:20]:
        work(worker, legal_project, day, accepted=100, gold=(5, 5) if day.day != 2 else (5, 1))
    run = calculate(admins[0])
    # Gold: 96 of 100 correct = 96% → band 95 → 2,000 × 0.90 × 1.10 = 1,980.00.
    assert amount(run, worker, "piece") == Decimal("1980.00")


def test_a_legal_expert_at_45_an_hour_with_overtime_beyond_8_hours(worker, legal_project, admins):
    from .conftest import hourly_scheme, timesheet

    assign(worker, hourly_scheme(domain=legal_project.domain))
    days = workdays(MARCH)[:5]
    timesheet(worker, legal_project, {**dict.fromkeys(days[:4], 480), days[4]: 600})
    run = calculate(admins[0])
    # 42 h × 45 = 1,890.00 USD; 2 h beyond 8 h on one day × 45 × 0.5 = 45.00 premium.
    assert amount(run, worker, "hourly", "USD") == Decimal("1890.00")
    assert amount(run, worker, "overtime", "USD") == Decimal("45.00")
    assert amount(run, worker, "gross", "USD") == Decimal("1935.00")


def test_hours_on_a_project_without_any_rate_fail_that_worker_only(
    worker, team, legal_project, admins
):
    from tests.factories import DomainFactory, WorkerFactory

    from .conftest import hourly_scheme, timesheet

    other_domain = DomainFactory(slug="music")
    assign(worker, hourly_scheme(domain=other_domain))
    timesheet(worker, legal_project, {date(2026, 3, 2): 240})
    colleague = WorkerFactory(site=team.site, team=team)
    assign(colleague, salaried_scheme())
    attend_every_day(colleague, MARCH)
    run = calculate(admins[0])
    slip = run.payslips.get(worker=worker)
    assert slip.error == "no_hourly_rate" and not slip.lines.exists()
    assert amount(run, colleague, "net") > 0


def test_two_schemes_in_two_currencies_are_never_added_together(worker, legal_project, admins):
    from .conftest import hourly_scheme, timesheet

    assign(worker, salaried_scheme(tiers=[]))
    assign(worker, hourly_scheme(project=legal_project, rate="40.00"))
    attend_every_day(worker, MARCH)
    timesheet(worker, legal_project, {date(2026, 3, 7): 120})  # a Saturday, two hours
    run = calculate(admins[0])
    assert amount(run, worker, "gross", "CNY") == Decimal("2200.00")
    assert amount(run, worker, "gross", "USD") == Decimal("80.00")
    assert run.payslips.get(worker=worker).lines.filter(component="net").count() == 2


def test_leaving_mid_month_pro_rates_base_allowances_and_bonus(worker, admins):
    worker.status, worker.left_on, worker.exit_reason = "left", date(2026, 3, 13), "personal"
    worker.save()
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, date(2026, 3, 1))
    run = calculate(admins[0])
    # Employed on 10 of March's 22 workdays.
    assert amount(run, worker, "base") == Decimal("818.18")  # 1,800 × 10 / 22
    assert amount(run, worker, "allowance") == Decimal("90.91")  # 200 × 10 / 22
    assert amount(run, worker, "attendance_bonus") == Decimal("90.91")
    assert amount(run, worker, "deduction") == Decimal("0")


def test_deferred_pay_is_held_in_two_halves_and_released_by_the_run_of_its_month(
    worker, legal_project, admins
):
    scheme = salaried_scheme(deferrals=[("performance", "50", 1), ("performance", "50", 6)])
    assign(worker, scheme)
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    march = calculate(admins[0])
    held = march.payslips.get(worker=worker).deferred_parts.order_by("due_on")
    assert [(p.amount, p.due_on) for p in held] == [
        (Decimal("900.00"), date(2026, 4, 1)),
        (Decimal("900.00"), date(2026, 9, 1)),
    ]
    assert amount(march, worker, "deferred_held") == Decimal("-1800.00")
    assert amount(march, worker, "net") == Decimal("2200.00")

    from workforce.payroll import services

    services.run_approve(run=march, by=admins[1], reason="March checked")
    april = calculate(admins[0], month=date(2026, 4, 1))
    released = april.payslips.get(worker=worker).lines.get(component="deferred_released")
    assert released.amount == Decimal("900.00")
    assert released.deferred_part == held[0]


def test_hours_paid_at_another_rate_than_the_project_shows_are_flagged_before_approval(
    worker, legal_project, admins
):
    """The issue's "three rates for one person": the project's terms (confirmed at onboarding)
    say 45 USD an hour, the scheme pays 30 EUR. The run says so, and approving needs a reason."""
    from workforce.payroll import services
    from workforce.payroll.models import PayrollError
    from workforce.payroll.payslips import warning_text

    from .conftest import hourly_scheme, timesheet

    assign(worker, hourly_scheme(domain=legal_project.domain, rate="30.00", currency="EUR"))
    timesheet(worker, legal_project, dict.fromkeys(workdays(MARCH)[:2], 480))
    run = calculate(admins[0])
    (warning,) = run.payslips.get(worker=worker).warnings
    assert warning["code"] == "terms_differ"
    assert warning_text(warning) == (
        "Paid 30.00 EUR an hour on Contract review, whose terms show its workers 45.00 USD: "
        "correct the project's terms or the scheme."
    )
    with pytest.raises(PayrollError, match="write why"):
        services.run_approve(run=run, by=admins[1], reason="")


def test_hours_paid_at_the_rate_the_project_shows_raise_no_flag(worker, legal_project, admins):
    from .conftest import hourly_scheme, timesheet

    assign(worker, hourly_scheme(domain=legal_project.domain, rate="45.00", currency="USD"))
    timesheet(worker, legal_project, dict.fromkeys(workdays(MARCH)[:2], 480))
    run = calculate(admins[0])
    assert run.payslips.get(worker=worker).warnings == []

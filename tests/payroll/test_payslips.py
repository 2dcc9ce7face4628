"""Payslips in words, on the page, as a PDF in the worker's language, and a run's as a ZIP."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from tests.factories import WorkerFactory
from workforce.core.models import Job
from workforce.payroll import payslips, services
from workforce.payroll.models import PayrollError

from .conftest import (
    MARCH,
    assign,
    attend_every_day,
    calculate,
    hourly_scheme,
    piece_scheme,
    salaried_scheme,
    work,
)

pytestmark = pytest.mark.django_db

APRIL_10 = date(2026, 4, 10)


def words(run, worker) -> list[str]:
    slip = run.payslips.get(worker=worker)
    return [payslips.describe(line) for line in slip.lines.order_by("position")]


def approve(run, admins):
    return services.run_approve(run=run, by=admins[1], reason="Checked by hand.")


def pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    return text, fonts


# --- lines in words ------------------------------------------------------------------------


def test_a_piece_line_says_how_many_items_at_what_rate_on_which_project(
    worker, legal_project, admins
):
    assign(worker, piece_scheme(legal_project, rate="0.90", item_type="image"))
    work(worker, legal_project, date(2026, 3, 10), accepted=2140, rejected=60, minutes=480)
    run = calculate(admins[0], team=worker.team)
    assert words(run, worker) == [
        "Piece earnings: 2,140 accepted images × 0.90 CNY on Contract review",
        "Gross pay",
        "Net pay",
    ]


def test_a_piece_line_without_an_item_type_counts_items_and_names_the_quality_band(
    worker, legal_project, admins
):
    scheme = piece_scheme(legal_project, rate="0.90", item_type="", bands=[("95", "1.10")])
    assign(worker, scheme)
    work(worker, legal_project, date(2026, 3, 10), accepted=100, gold=(40, 39), minutes=300)
    run = calculate(admins[0], team=worker.team)
    assert words(run, worker)[0] == (
        "Piece earnings: 100 accepted items × 0.90 CNY on Contract review, "
        "× 1.10 for 97.5% accuracy on gold"
    )


def test_a_lost_attendance_bonus_names_the_late_day(worker, legal_project, admins):
    assign(worker, salaried_scheme())
    attend_every_day(worker, MARCH, late_on={date(2026, 3, 3)})
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 80), minutes=300)
    run = calculate(admins[0], team=worker.team)
    assert words(run, worker) == [
        "Base pay: 1,800.00 CNY a month",
        "Allowance: Housing, 200.00 CNY a month",
        "Attendance bonus: lost (late on March 3)",
        "Performance pay: score 80.0, tier from 75",
        "Gross pay",
        "Net pay",
    ]


def test_an_unpaid_absence_and_a_partial_month_in_words(worker, admins):
    scheme = salaried_scheme(tiers=[("90", "1800")])
    assign(worker, scheme)
    attend_every_day(worker, MARCH, absent_on={date(2026, 3, 12)})
    newcomer = WorkerFactory(site=worker.site, team=worker.team, hired_on=date(2026, 3, 11))
    assign(newcomer, scheme, starts_on=date(2026, 3, 11))
    attend_every_day(newcomer, MARCH)
    run = calculate(admins[0], team=worker.team)

    said = words(run, worker)
    assert "Unpaid absence: 1 day of 22 (absent on March 12)" in said
    assert "Attendance bonus: lost (absent on March 12)" in said
    assert "Performance pay: no performance score this month" in said
    # Hired on the 11th: 15 of March's 22 workdays.
    said = words(run, newcomer)
    assert "Base pay: 1,800.00 CNY × 15 of 22 workdays" in said
    assert "Attendance bonus: perfect attendance over 15 of 22 workdays" in said


def test_hourly_and_overtime_lines_in_words(worker, legal_project, admins):
    assign(
        worker,
        hourly_scheme(project=legal_project, rate="45.00", hours_source="active_minutes"),
    )
    work(worker, legal_project, date(2026, 3, 10), accepted=10, minutes=600)
    run = calculate(admins[0], team=worker.team)
    assert words(run, worker)[:2] == [
        "Hourly earnings: 10.0 h × 45.00 USD on Contract review "
        "(active time in the annotation tools)",
        "Overtime premium: 2.0 h beyond the daily 8.0 h × 45.00 USD × 0.50",
    ]


def test_an_adjustment_names_the_line_it_corrects(worker, admins):
    assign(worker, salaried_scheme(tiers=[("90", "1800")]))
    attend_every_day(worker, MARCH)
    march = approve(calculate(admins[0], team=worker.team), admins)
    base = march.payslips.get(worker=worker).lines.get(component="base")
    services.adjustment_add(
        worker=worker,
        amount=Decimal("150.00"),
        currency="CNY",
        reason="Base raise from March, missed",
        by=admins[0],
        corrects=base,
    )
    attend_every_day(worker, date(2026, 4, 1))
    april = calculate(admins[0], month=date(2026, 4, 1), team=worker.team)
    assert (
        "Adjustment: Base raise from March, missed (corrects base pay of the March 2026 run)"
        in words(april, worker)
    )


def test_a_warning_in_words():
    warning = {
        "code": "below_minimum_wage",
        "params": {"effective": 1840, "minimum": 2500, "currency": "CNY", "minutes": 9600},
    }
    assert payslips.warning_text(warning) == (
        "Paid 18.40 CNY an hour over 160.0 h worked, below the site's minimum of 25.00 CNY"
    )
    moved = {
        "code": "pay_moved",
        "params": {"before": 300000, "now": 435000, "currency": "CNY", "percent": 45},
    }
    assert payslips.warning_text(moved) == (
        "Net pay moved by +45% from last month: 3,000.00 CNY then, 4,350.00 CNY now"
    )


# --- the payslip's context and body --------------------------------------------------------


def test_the_effective_hourly_rate_is_gross_over_the_hours_worked(worker, legal_project, admins):
    assign(worker, piece_scheme(legal_project, rate="0.90"))
    work(worker, legal_project, date(2026, 3, 10), accepted=2140, minutes=600)
    run = calculate(admins[0], team=worker.team)
    context = payslips.payslip_context(run.payslips.get(worker=worker), today=APRIL_10)
    (cny,) = context["currencies"]
    # 2,140 × 0.90 = 1,926.00 CNY over 10 hours.
    assert cny["gross"] == Decimal("1926.00") and cny["net"] == Decimal("1926.00")
    assert cny["hourly_rate"] == Decimal("192.60")
    html = render_to_string("payroll/_payslip.html", context)
    assert "192.60 CNY an hour, over 10.0 h worked this month" in html
    assert "Net pay" in html and "1,926.00 CNY" in html


def test_the_deferred_schedule_shows_what_is_held_and_what_is_still_owed(
    worker, legal_project, admins
):
    assign(worker, salaried_scheme(deferrals=[("performance", "50", 6)]))
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    run = approve(calculate(admins[0], team=worker.team), admins)
    slip = run.payslips.get(worker=worker)

    assert "Deferred (held): 50% of performance pay, due Sept. 1, 2026" in words(run, worker)
    context = payslips.payslip_context(slip, today=APRIL_10)
    (cny,) = context["currencies"]
    assert (cny["gross"], cny["held"], cny["net"]) == (
        Decimal("4000.00"),
        Decimal("-900.00"),
        Decimal("3100.00"),
    )
    assert [(p["amount"], p["due_on"]) for p in context["deferred_here"]] == [
        (Decimal("900.00"), date(2026, 9, 1))
    ]
    assert [(r["amount"], r["due_on"], r["is_overdue"]) for r in context["outstanding"]] == [
        (Decimal("900.00"), date(2026, 9, 1), False)
    ]
    html = render_to_string("payroll/_payslip.html", context)
    assert "Held back on this payslip" in html and "All deferred pay still owed" in html

    # September's run releases it, and says which month held it.
    attend_every_day(worker, date(2026, 9, 1))
    september = calculate(admins[0], month=date(2026, 9, 1), team=worker.team)
    assert "Deferred pay released: performance pay held in March 2026" in words(september, worker)


def test_warnings_are_in_words_and_the_view_decides_who_sees_them(worker, admins):
    assign(worker, salaried_scheme())  # no attendance at all
    run = calculate(admins[0], team=worker.team)
    context = payslips.payslip_context(run.payslips.get(worker=worker), today=APRIL_10)
    assert "No attendance recorded this month, on a salaried scheme." in context["warning_texts"]
    assert context["show_warnings"] is False
    assert "No attendance recorded" not in render_to_string("payroll/_payslip.html", context)
    shown = render_to_string("payroll/_payslip.html", {**context, "show_warnings": True})
    assert "No attendance recorded this month" in shown


def test_a_payslip_that_could_not_be_paid_says_why(team, admins):
    stranded = WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1))
    run = calculate(admins[0], team=team)
    context = payslips.payslip_context(run.payslips.get(worker=stranded), today=APRIL_10)
    assert context["error_text"].startswith("No pay scheme this month")
    assert context["currencies"] == []


# --- the PDF in the worker's language ------------------------------------------------------


def test_the_payslip_language_is_the_workers_if_the_site_speaks_it(worker, admins):
    assign(worker, salaried_scheme())
    run = calculate(admins[0], team=worker.team)
    slip = run.payslips.get(worker=worker)
    slip.worker.user.preferred_language = "zh-hans"
    assert payslips.payslip_language(slip) == "zh-hans"
    slip.worker.user.preferred_language = "tlh"
    assert payslips.payslip_language(slip) == "en"


def test_a_chinese_worker_gets_a_pdf_with_real_chinese_glyphs(worker, legal_project, admins):
    worker.user.first_name, worker.user.last_name = "王芳", ""
    worker.user.preferred_language = "zh-hans"
    worker.user.save()
    assign(worker, salaried_scheme())
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    run = approve(calculate(admins[0], team=worker.team), admins)

    content = payslips.payslip_pdf(run.payslips.get(worker=worker))
    assert content.startswith(b"%PDF")
    text, fonts = pdf_text(content)
    assert "王芳" in text
    assert "2026年3月" in text.replace(" ", "")  # Chinese dates: rendered in the worker's language
    assert "4000.00" in text.replace(",", "")
    assert any("CJK" in font or "SC" in font for font in fonts), fonts  # glyphs, not boxes


# --- the run's ZIP -------------------------------------------------------------------------


@pytest.fixture
def approved_run(team, legal_project, admins):
    """A team of three: James May and 王芳 are paid, a third has no pay scheme."""
    james = WorkerFactory(
        site=team.site,
        team=team,
        hired_on=date(2025, 3, 1),
        user__first_name="James",
        user__last_name="May",
    )
    wang = WorkerFactory(
        site=team.site,
        team=team,
        hired_on=date(2025, 3, 1),
        user__first_name="王芳",
        user__last_name="",
        user__preferred_language="zh-hans",
    )
    WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1))
    for person in (james, wang):
        assign(person, piece_scheme(legal_project, name=f"Images {person.pk}"))
        work(person, legal_project, date(2026, 3, 10), accepted=2140, minutes=600)
    run = approve(calculate(admins[0], team=team), admins)
    return run, james, wang


def test_the_zip_holds_one_pdf_per_payable_payslip(
    approved_run, admins, settings, django_capture_on_commit_callbacks
):
    settings.PAYSLIP_PROCESSES = 2
    run, james, wang = approved_run
    with django_capture_on_commit_callbacks(execute=True):
        job = payslips.payslips_zip_start(run=run, by=admins[0])
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    assert run.payslips_job == job
    with run.payslips_zip.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(
            [
                f"2026-03_{james.employee_number}_James-May.pdf",
                f"2026-03_{wang.employee_number}.pdf",
            ]
        )
        texts = {name: pdf_text(archive.read(name))[0] for name in names}
    assert "James May" in texts[f"2026-03_{james.employee_number}_James-May.pdf"]
    assert "王芳" in texts[f"2026-03_{wang.employee_number}.pdf"]
    # The worker without a scheme is left out, and the job says so.
    assert len(job.errors) == 1 and "has no payslip: No pay scheme" in job.errors[0]


def test_only_payroll_admins_make_the_zip_and_only_of_an_approved_run(
    approved_run, admins, make_user, team
):
    run, _james, _wang = approved_run
    with pytest.raises(PayrollError, match="Only a payroll admin"):
        payslips.payslips_zip_start(run=run, by=make_user("supervisor"))
    draft = calculate(admins[0], month=date(2026, 4, 1), team=team)
    with pytest.raises(PayrollError, match="once the run is approved"):
        payslips.payslips_zip_start(run=draft, by=admins[0])


def test_a_second_request_while_the_zip_is_being_made_is_refused(approved_run, admins):
    run, _james, _wang = approved_run
    job = payslips.payslips_zip_start(run=run, by=admins[0])  # not committed: still queued
    assert job.status == Job.Status.QUEUED
    with pytest.raises(PayrollError, match="being made already"):
        payslips.payslips_zip_start(run=run, by=admins[1])


def test_rendering_a_runs_payslips_takes_the_same_queries_for_any_number_of_workers(
    approved_run, django_assert_max_num_queries
):
    run, _james, _wang = approved_run
    slips = list(payslips._run_payslips(run))
    owed = payslips._outstanding_by_worker([slip.worker_id for slip in slips], APRIL_10)
    with django_assert_max_num_queries(0):
        htmls = [
            payslips._pdf_html(slip, today=APRIL_10, outstanding=owed.get(slip.worker_id, []))
            for slip in slips
            if not slip.error
        ]
    # Each in its worker's language: James reads English, Wang Chinese.
    assert len(htmls) == 2
    assert sorted(("Net pay" in html, "实发工资" in html) for html in htmls) == [
        (False, True),
        (True, False),
    ]

"""The payroll pages as people use them: the figures they see, and what they are refused."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import formats

from tests.attendance.conftest import office_schedule
from tests.factories import TeamFactory, UserFactory, WorkerFactory
from workforce.payroll import services
from workforce.payroll.models import (
    Adjustment,
    BankAccount,
    PayLine,
    PayrollRun,
    Payslip,
)
from workforce.people.models import Worker
from workforce.people.roles import Role

from .conftest import (
    MARCH,
    assign,
    attend_every_day,
    calculate,
    salaried_scheme,
    work,
)

pytestmark = pytest.mark.django_db

APRIL = date(2026, 4, 1)


def visible(response) -> str:
    """The page's text as a reader sees it: no tags, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(response, element_id: str) -> str:
    """The visible text of the element with this id (a section or article of the page)."""
    html = response.content.decode()
    match = re.search(
        rf'<(section|article)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, flags=re.S
    )
    assert match, f"no #{element_id} on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def name(worker) -> str:
    return worker.user.get_full_name()


@pytest.fixture
def colleague(team):
    return WorkerFactory(
        site=team.site,
        team=team,
        hired_on=date(2025, 3, 1),
        user=UserFactory(first_name="Mei", last_name="Chen", roles=[Role.ANNOTATOR]),
    )


@pytest.fixture
def paid(worker, colleague, legal_project):
    """March 2026 in Shanghai, where the minimum wage is 10 CNY an hour: `worker` on the design
    package, 4,000 CNY for about 202 hours; `colleague` on a trainee package, 1,700 CNY for
    the same hours, under the minimum."""
    site = worker.site
    site.minimum_hourly_wage_amount = Decimal("10.00")
    site.save()
    assign(worker, salaried_scheme())
    assign(
        colleague,
        salaried_scheme(name="Trainee package", base="1500", allowances=(), tiers=[("99", "0")]),
    )
    for someone in (worker, colleague):
        attend_every_day(someone, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    return worker, colleague


def calculated(admins, worker, month=MARCH):
    """The run of the worker's site for the month, calculated by the first admin."""
    return calculate(admins[0], month=month, site=worker.site)


def approve(run, admins, reason="Checked with the team lead."):
    return services.run_approve(run=run, by=admins[1], reason=reason)


def payslip_of(run, worker) -> Payslip:
    return run.payslips.get(worker=worker)


# --- creating, calculating, reviewing ----------------------------------------------------------


def test_an_admin_creates_and_calculates_a_run_and_reviews_totals_and_checks(
    client, admins, paid, django_capture_on_commit_callbacks
):
    worker, colleague = paid
    client.force_login(admins[0])
    response = client.post(
        reverse("payroll:run-add"),
        {"month": "2026-03", "site": worker.site.pk, "team": "", "change_warning_percent": "30"},
    )
    run = PayrollRun.objects.get()
    assert response.url == reverse("payroll:run-detail", args=[run.pk])
    assert (run.period_start, run.period_end, run.site, run.status) == (
        MARCH,
        date(2026, 3, 31),
        worker.site,
        "draft",
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payroll:run-calculate", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED

    page = client.get(reverse("payroll:run-detail", args=[run.pk]))
    totals = visible(page)
    # 4,000 + 1,700 gross and net, two payslips.
    assert "CNY 2 5,700.00 CNY 0.00 CNY 0.00 CNY 5,700.00 CNY" in totals
    below = section(page, "check-below_minimum_wage")
    assert "Below the minimum wage · 1 worker" in below
    assert "Mei Chen" in below and name(worker) not in below
    # 1,700 CNY over 22 days of 9 h 10 min.
    assert (
        "Paid 8.43 CNY an hour over 201.7 h worked, below the site's minimum of 10.00 CNY" in below
    )
    assert "Approve the run" in totals


def test_a_run_covers_a_site_or_a_team_not_both(client, admins, team):
    client.force_login(admins[0])
    response = client.post(
        reverse("payroll:run-add"),
        {"month": "2026-03", "site": team.site.pk, "team": team.pk, "change_warning_percent": 30},
    )
    assert response.status_code == 200
    assert "A run covers a site or a team, not both" in visible(response)
    assert not PayrollRun.objects.exists()


def test_the_review_page_polls_the_progress_while_the_run_is_calculated(
    client, admins, paid, worker
):
    run = services.run_create(month=MARCH, by=admins[0], site=worker.site)
    # The task is queued on commit, which never comes in this test: the run stays calculating.
    services.run_calculate_start(run=run, by=admins[0])
    client.force_login(admins[0])
    response = client.get(reverse("payroll:run-detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert "The run is being calculated." in visible(response)
    assert "<progress" in html


def test_workers_with_errors_are_listed_and_recalculated_alone(
    client, admins, paid, team, django_capture_on_commit_callbacks
):
    worker, _colleague = paid
    newcomer = WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1))
    attend_every_day(newcomer, MARCH)
    run = calculated(admins, worker)
    kept = payslip_of(run, worker).pk
    client.force_login(admins[0])
    page = client.get(reverse("payroll:run-detail", args=[run.pk]))
    errors = section(page, "check-errors")
    assert name(newcomer) in errors and "No pay scheme this month" in errors
    assert "Recalculate the 1 worker with errors" in errors

    assign(newcomer, salaried_scheme(name="Newcomer package", tiers=[("99", "0")]))
    # 1,800 + 200 + 200 housing, no performance pay.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payroll:run-calculate", args=[run.pk]), {"only_failed": "1"})
    slip = payslip_of(run, newcomer)
    assert slip.error == ""
    assert slip.lines.get(component="net").amount == Decimal("2200.00")
    # The others were left as they were.
    assert payslip_of(run, worker).pk == kept
    page = client.get(reverse("payroll:run-detail", args=[run.pk]))
    assert "Could not be paid" not in visible(page)


def test_the_payslip_list_filters_by_warnings(client, admins, paid):
    worker, colleague = paid
    run = calculated(admins, worker)
    client.force_login(admins[0])
    everyone = visible(client.get(reverse("payroll:run-payslips", args=[run.pk])))
    assert name(worker) in everyone and "Mei Chen" in everyone
    assert "4,000.00 CNY" in everyone and "1,700.00 CNY" in everyone
    warned = visible(
        client.get(reverse("payroll:run-payslips", args=[run.pk]), {"shown": "warnings"})
    )
    assert "Mei Chen" in warned and name(worker) not in warned


# --- approving --------------------------------------------------------------------------------


def test_approving_over_warnings_needs_a_reason(client, admins, paid, worker):
    run = calculated(admins, worker)
    client.force_login(admins[1])
    url = reverse("payroll:run-approve", args=[run.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "The checks found warnings: write why you approve the run as it is." in visible(response)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED

    response = client.post(url, {"reason": "The March package is being raised in April."})
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (PayrollRun.Status.APPROVED, admins[1])
    page = visible(client.get(reverse("payroll:run-detail", args=[run.pk])))
    assert "The March package is being raised in April." in page
    assert "Approve the run" not in page and "Delete this run" not in page


def test_the_admin_who_calculated_a_run_cannot_approve_it(client, admins, paid, worker):
    run = calculated(admins, worker)
    client.force_login(admins[0])
    page = client.get(reverse("payroll:run-detail", args=[run.pk]))
    assert "another payroll admin must approve it" in visible(page)
    assert re.search(r"<button type=\"submit\" disabled>\s*Approve the run", page.content.decode())

    response = client.post(reverse("payroll:run-approve", args=[run.pk]), {"reason": "Fine."})
    assert "You calculated this run: another payroll admin must approve it." in visible(response)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED


def test_an_approved_run_refuses_to_be_calculated_or_deleted(
    client, admins, paid, django_capture_on_commit_callbacks
):
    worker, _colleague = paid
    run = approve(calculated(admins, worker), admins)
    before = list(PayLine.objects.filter(payslip__run=run).values_list("pk", "amount"))
    client.force_login(admins[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payroll:run-calculate", args=[run.pk]), follow=True)
    assert "An approved run cannot change." in visible(response)
    response = client.post(reverse("payroll:run-delete", args=[run.pk]), follow=True)
    assert "An approved run cannot change." in visible(response)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.APPROVED
    assert list(PayLine.objects.filter(payslip__run=run).values_list("pk", "amount")) == before


def test_a_draft_run_is_deleted(client, admins):
    run = services.run_create(month=MARCH, by=admins[0])
    client.force_login(admins[0])
    response = client.post(reverse("payroll:run-delete", args=[run.pk]), follow=True)
    assert "is deleted" in visible(response)
    assert not PayrollRun.objects.exists()


def test_an_approved_run_is_marked_paid(client, admins, paid, worker):
    run = approve(calculated(admins, worker), admins)
    client.force_login(admins[0])
    response = client.post(reverse("payroll:run-paid", args=[run.pk]), follow=True)
    assert "The run is marked paid." in visible(response)
    run.refresh_from_db()
    assert (run.status, run.paid_by) == (PayrollRun.Status.PAID, admins[0])


def test_nobody_but_payroll_admins_posts_to_run_actions(client, admins, paid, make_user):
    worker, _colleague = paid
    run = calculated(admins, worker)
    lead = make_user("supervisor")
    worker.team.lead = lead.worker
    worker.team.save()
    for user in (worker.user, lead, make_user("hr"), make_user("project_manager")):
        client.force_login(user)
        for action in ("run-calculate", "run-approve", "run-paid", "run-delete", "run-zip-start"):
            response = client.post(reverse(f"payroll:{action}", args=[run.pk]), {"reason": "x"})
            assert response.status_code == 403, (user, action)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED
    assert run.payslips.count() == 2


# --- who sees whose pay -------------------------------------------------------------------------


def test_a_worker_sees_their_own_approved_payslip_and_nobody_elses(client, admins, paid):
    worker, colleague = paid
    run = calculated(admins, worker)
    mine, theirs = payslip_of(run, worker), payslip_of(run, colleague)
    client.force_login(worker.user)
    # Not approved yet: nothing to see.
    assert client.get(reverse("payroll:payslip-detail", args=[mine.pk])).status_code == 404
    assert "No approved payslip yet." in visible(client.get(reverse("payroll:my-pay")))

    approve(run, admins)
    my_pay = visible(client.get(reverse("payroll:my-pay")))
    assert "March 2026 Approved 4,000.00 CNY" in my_pay
    page = client.get(reverse("payroll:payslip-detail", args=[mine.pk]))
    assert page.status_code == 200
    assert "Net pay: 4,000.00 CNY" in visible(page)
    # The checks' findings are for payroll admins (Mei Chen's payslip has one).
    client.force_login(colleague.user)
    warned = client.get(reverse("payroll:payslip-detail", args=[theirs.pk]))
    assert "Net pay: 1,700.00 CNY" in visible(warned)
    assert "minimum" not in visible(warned)
    client.force_login(worker.user)
    pdf = client.get(reverse("payroll:payslip-pdf", args=[mine.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert "payslip-2026-03-" in pdf["Content-Disposition"]

    for url in (
        reverse("payroll:payslip-detail", args=[theirs.pk]),
        reverse("payroll:payslip-pdf", args=[theirs.pk]),
        reverse("payroll:worker-pay", args=[colleague.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("payroll:run-detail", args=[run.pk]),
        reverse("payroll:run-register-xlsx", args=[run.pk]),
        reverse("payroll:home"),
    ):
        assert client.get(url).status_code == 403, url


def test_payroll_admins_see_the_checks_on_a_payslip(client, admins, paid):
    worker, colleague = paid
    run = calculated(admins, worker)
    client.force_login(admins[1])
    slip = payslip_of(run, colleague)
    page = visible(client.get(reverse("payroll:payslip-detail", args=[slip.pk])))
    assert "below the site's minimum of 10.00 CNY" in page


def test_a_team_lead_sees_their_teams_approved_payslips_only(client, admins, paid, make_user):
    worker, colleague = paid
    elsewhere = TeamFactory(site=worker.site, name="Shanghai Medical")
    office_schedule(team=elsewhere)
    outsider = WorkerFactory(
        site=worker.site,
        team=elsewhere,
        user=UserFactory(first_name="Outside", last_name="Person", roles=[Role.ANNOTATOR]),
    )
    assign(outsider, salaried_scheme(name="Outside package", tiers=[("99", "0")]))
    attend_every_day(outsider, MARCH)
    lead = make_user("supervisor", site=worker.site)
    worker.team.lead = lead.worker
    worker.team.save()
    run = approve(calculated(admins, worker), admins)
    client.force_login(lead)

    team_pay = visible(client.get(reverse("payroll:team-pay")))
    assert "March 2026" in team_pay
    assert name(worker) in team_pay and "Mei Chen" in team_pay
    assert "Outside Person" not in team_pay
    assert "4,000.00 CNY" in team_pay and "1,700.00 CNY" in team_pay

    ok = reverse("payroll:payslip-detail", args=[payslip_of(run, worker).pk])
    assert client.get(ok).status_code == 200
    assert client.get(reverse("payroll:worker-pay", args=[worker.pk])).status_code == 200
    hidden = payslip_of(run, outsider).pk
    assert client.get(reverse("payroll:payslip-detail", args=[hidden])).status_code == 404
    assert client.get(reverse("payroll:worker-pay", args=[outsider.pk])).status_code == 404
    for url in (
        reverse("payroll:run-detail", args=[run.pk]),
        reverse("payroll:run-payslips", args=[run.pk]),
        reverse("payroll:run-register-xlsx", args=[run.pk]),
        reverse("payroll:run-register-pdf", args=[run.pk]),
        reverse("payroll:run-bank-file", args=[run.pk, "CNY"]),
        reverse("payroll:run-compare", args=[run.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_an_annotator_never_reaches_another_annotators_pay(client, admins, paid):
    worker, colleague = paid
    run = approve(calculated(admins, worker), admins)
    client.force_login(colleague.user)
    slip = payslip_of(run, worker)
    for url in (
        reverse("payroll:payslip-detail", args=[slip.pk]),
        reverse("payroll:payslip-pdf", args=[slip.pk]),
        reverse("payroll:worker-pay", args=[worker.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("payroll:team-pay")).status_code == 403
    mine = visible(client.get(reverse("payroll:my-pay")))
    assert "1,700.00 CNY" in mine and "4,000.00 CNY" not in mine


def test_the_header_links_each_role_to_its_pay_pages(client, admins, paid, make_user):
    worker, _colleague = paid
    lead = make_user("supervisor")
    worker.team.lead = lead.worker
    worker.team.save()

    def links(user):
        client.force_login(user)
        html = client.get(reverse("shell:home")).content.decode()
        nav = re.search(r'<ul class="nav-links">(.*?)</ul>', html, flags=re.S).group(1)
        return set(re.findall(r'<a href="(/payroll/[^"]*)"', nav))

    assert links(admins[0]) == {"/payroll/"}
    assert links(worker.user) == {"/payroll/mine/"}
    assert links(lead) == {"/payroll/mine/", "/payroll/teams/"}
    assert links(make_user("hr")) == set()


# --- deferred pay -----------------------------------------------------------------------------


@pytest.fixture
def deferring(worker, legal_project):
    """The design package, half of its performance pay held for six months and a tenth of the
    base for five years."""
    scheme = salaried_scheme(deferrals=(("performance", "50", 6), ("base", "10", 60)))
    assign(worker, scheme)
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    return worker


def test_the_ledger_shows_what_is_owed_when_and_what_is_overdue(client, admins, deferring):
    worker = deferring
    approve(calculated(admins, worker), admins)
    client.force_login(worker.user)
    page = client.get(reverse("payroll:my-pay"))
    ledger = visible(page)
    # 900 of the 1,800 performance pay fell due on 1 September 2026 and no run paid it.
    september = formats.date_format(date(2026, 9, 1))
    assert f"Performance pay March 2026 900.00 CNY 50% {september} Overdue" in ledger
    march_2031 = formats.date_format(date(2031, 3, 1))
    assert f"Base pay March 2026 180.00 CNY 10% {march_2031} Not yet due" in ledger
    assert "Still owed: 1,080.00 CNY" in ledger
    assert "Some deferred pay is overdue" in ledger

    # The payroll admins see the overdue part first thing.
    client.force_login(admins[0])
    home = section(client.get(reverse("payroll:home")), "overdue")
    assert name(worker) in home and "900.00 CNY" in home and "180.00" not in home


def test_the_ledger_names_the_run_that_released_a_part(client, admins, worker, legal_project):
    assign(worker, salaried_scheme(deferrals=(("performance", "50", 1),)))
    attend_every_day(worker, MARCH)
    work(worker, legal_project, date(2026, 3, 10), gold=(100, 95), minutes=300)
    approve(calculated(admins, worker), admins)
    attend_every_day(worker, APRIL)
    approve(calculated(admins, worker, APRIL), admins)
    client.force_login(worker.user)
    page = visible(client.get(reverse("payroll:my-pay")))
    assert "900.00 CNY 50%" in page
    assert "with the pay of April 2026" in page
    assert "Overdue" not in page and "Still owed" not in page


def test_leavers_still_owed_deferred_pay_are_listed(client, admins, deferring):
    worker = deferring
    approve(calculated(admins, worker), admins)
    Worker.objects.filter(pk=worker.pk).update(
        status=Worker.Status.LEFT, left_on=date(2026, 4, 30), exit_reason="Moved away"
    )
    client.force_login(admins[0])
    page = visible(client.get(reverse("payroll:leavers")))
    assert name(worker) in page
    assert f"left on {formats.date_format(date(2026, 4, 30))}" in page
    assert "900.00 CNY" in page and "180.00 CNY" in page
    # Having left, they still see what they are owed.
    client.force_login(worker.user)
    assert "Still owed: 1,080.00 CNY" in visible(client.get(reverse("payroll:my-pay")))


# --- adjustments ------------------------------------------------------------------------------


def test_an_adjustment_corrects_a_line_of_an_approved_run(client, admins, paid):
    worker, _colleague = paid
    run = approve(calculated(admins, worker), admins)
    base = payslip_of(run, worker).lines.get(component="base")
    client.force_login(admins[0])
    slip_page = client.get(reverse("payroll:payslip-detail", args=[base.payslip_id]))
    url = reverse("payroll:adjustment-add")
    assert f'href="{url}?corrects={base.pk}"' in slip_page.content.decode()
    form = client.get(url, {"corrects": base.pk})
    html = form.content.decode()
    assert f'<option value="{worker.pk}" selected>' in html
    assert '<option value="CNY" selected>' in html
    assert f"Corrects Base pay of 1,800.00 CNY paid to {name(worker)}" in visible(form)

    response = client.post(
        url,
        {
            "worker": worker.pk,
            "amount": "150.00",
            "currency": "CNY",
            "reason": "Base pay raised from March.",
            "corrects": base.pk,
        },
    )
    assert response.url == reverse("payroll:home")
    adjustment = Adjustment.objects.get()
    assert (adjustment.amount, adjustment.corrects, adjustment.created_by) == (
        Decimal("150.00"),
        base,
        admins[0],
    )
    waiting = visible(client.get(reverse("payroll:home")))
    assert "Base pay raised from March." in waiting and "150.00 CNY" in waiting


def test_a_line_of_a_run_still_open_is_not_corrected_by_an_adjustment(client, admins, paid):
    worker, _colleague = paid
    run = calculated(admins, worker)
    base = payslip_of(run, worker).lines.get(component="base")
    client.force_login(admins[0])
    response = client.post(
        reverse("payroll:adjustment-add"),
        {
            "worker": worker.pk,
            "amount": "150.00",
            "currency": "CNY",
            "reason": "Raise.",
            "corrects": base.pk,
        },
    )
    assert "recalculate this run instead" in visible(response)
    assert not Adjustment.objects.exists()


# --- exports and payslips -------------------------------------------------------------------


def test_the_register_the_bank_file_and_the_comparison(client, admins, paid):
    worker, colleague = paid
    for someone in (worker, colleague):
        BankAccount.objects.create(
            worker=someone, holder=name(someone), account_number=f"6222{someone.pk:08d}"
        )
    run = calculated(admins, worker)
    client.force_login(admins[0])
    # Not approved: no bank file yet.
    response = client.get(reverse("payroll:run-bank-file", args=[run.pk, "CNY"]), follow=True)
    assert "Approve the run before making its bank payment file." in visible(response)

    approve(run, admins)
    page = visible(client.get(reverse("payroll:run-detail", args=[run.pk])))
    assert "Bank payment file (CNY)" in page and "Register (XLSX)" in page

    xlsx = client.get(reverse("payroll:run-register-xlsx", args=[run.pk]))
    assert xlsx["Content-Disposition"] == (
        f'attachment; filename="payroll-2026-03-run{run.pk}-register.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    assert name(worker) in cells and "Mei Chen" in cells

    bank = client.get(reverse("payroll:run-bank-file", args=[run.pk, "CNY"]))
    assert bank["Content-Disposition"].endswith('-bank-CNY.csv"')
    text = bank.content.decode()
    assert f"6222{colleague.pk:08d}" in text and "1700.00" in text
    assert client.get(reverse("payroll:run-bank-file", args=[run.pk, "USD"])).status_code == 404

    pdf = client.get(reverse("payroll:run-register-pdf", args=[run.pk]))
    assert pdf.content.startswith(b"%PDF")

    compare = visible(client.get(reverse("payroll:run-compare", args=[run.pk])))
    assert "New this month" in compare and "1,700.00 CNY" in compare
    csv = client.get(reverse("payroll:run-compare", args=[run.pk]), {"format": "csv"})
    assert csv["Content-Disposition"].endswith('-comparison.csv"')
    assert "Mei Chen" in csv.content.decode()


def test_the_payslips_zip_is_made_then_downloaded(
    client, admins, paid, worker, django_capture_on_commit_callbacks
):
    run = approve(calculated(admins, worker), admins)
    client.force_login(admins[0])
    assert client.get(reverse("payroll:run-zip", args=[run.pk])).status_code == 404
    page = visible(client.get(reverse("payroll:run-detail", args=[run.pk])))
    assert "Make the payslips" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payroll:run-zip-start", args=[run.pk]))
    page = visible(client.get(reverse("payroll:run-detail", args=[run.pk])))
    assert "Download the payslips (ZIP)" in page
    response = client.get(reverse("payroll:run-zip", args=[run.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


def test_the_schemes_list_their_versions_and_holders(client, admins, paid):
    client.force_login(admins[0])
    page = client.get(reverse("payroll:scheme-list"))
    text = visible(page)
    assert "Annotator package · Salaried · CNY · 1 worker holds it today" in text
    assert "1,800.00 CNY" in text and "1,500.00 CNY" in text
    scheme = paid[0].scheme_assignments.get().scheme
    # Its own pages change it; the Django admin is not needed (issue 21).
    assert f'href="/payroll/schemes/{scheme.pk}/versions/new/"' in page.content.decode()
    assert f'href="/payroll/schemes/{scheme.pk}/assign/"' in page.content.decode()
    assert "/admin/payroll/" not in page.content.decode()

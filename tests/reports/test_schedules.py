"""Monthly reports: a supervisor asks from a report's page; on the 1st the report of the month
just ended is built once, into a file only they can open, and they are emailed its link."""

import dataclasses
import io
import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from reports import registry, services, tasks
from reports.models import ReportFile, ReportSchedule

pytestmark = pytest.mark.django_db

QUERY = "start=2026-03-01&end=2026-03-31"
APRIL_1 = date(2026, 4, 1)


@pytest.fixture
def schedule(crew, fake_builders):
    return ReportSchedule.objects.create(owner=crew["lead"], slug="payroll", team=crew["team"])


def link_in(message) -> str:
    return re.search(r"http://\S+(/reports/files/\S+/)", message.body).group(1)


def test_a_supervisor_asks_for_a_report_monthly_from_its_page(client, crew, fake_builders):
    client.force_login(crew["lead"])
    page = client.get(f"/reports/payroll/?{QUERY}&team={crew['team'].pk}").content.decode()
    assert "Email me this report monthly" in page
    response = client.post(f"/reports/payroll/schedule/?{QUERY}&team={crew['team'].pk}")
    assert response.status_code == 302 and response.url == "/reports/schedules/"
    schedule = ReportSchedule.objects.get()
    assert (schedule.owner, schedule.slug, schedule.team) == (crew["lead"], "payroll", crew["team"])
    listing = client.get("/reports/schedules/").content.decode()
    assert "Payroll report" in listing and "Shanghai Legal" in listing
    # Asked twice: once is enough.
    again = client.post(f"/reports/payroll/schedule/?{QUERY}&team={crew['team'].pk}", follow=True)
    assert "You already receive this report every month." in again.content.decode()
    assert ReportSchedule.objects.count() == 1


def test_nobody_schedules_a_report_they_may_not_open(client, crew, make_user, fake_builders):
    client.force_login(make_user("annotator"))
    assert client.post(f"/reports/payroll/schedule/?{QUERY}").status_code == 403
    client.force_login(crew["lead"])
    outside = client.post(f"/reports/payroll/schedule/?{QUERY}&team={crew['other_team'].pk}")
    assert outside.status_code == 302 and outside.url.startswith("/reports/payroll/?")
    assert not ReportSchedule.objects.exists()


def test_a_schedule_is_built_once_on_the_first_and_emailed_as_a_link(client, crew, schedule):
    made = services.schedules_build(today=APRIL_1)
    assert len(made) == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [crew["lead"].email]
    assert "Payroll report" in message.subject
    assert "Shanghai Legal" in message.body
    schedule.refresh_from_db()
    assert schedule.last_built_on == APRIL_1

    # The month just ended, with the schedule's filter.
    report_file = made[0]
    assert report_file.filter_query == f"{QUERY}&team={crew['team'].pk}"
    client.force_login(crew["lead"])
    response = client.get(link_in(message))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "王芳" in text and "Claire Dubois" not in text

    # Not twice in the same month, however often the scheduler runs.
    assert services.schedules_build(today=APRIL_1) == []
    assert services.schedules_build(today=date(2026, 4, 20)) == []
    assert len(mail.outbox) == 1 and ReportFile.objects.count() == 1
    # Next month, next report.
    assert len(services.schedules_build(today=date(2026, 5, 1))) == 1
    assert len(mail.outbox) == 2
    assert (
        ReportFile.objects.order_by("-created_at")
        .first()
        .filter_query.startswith("start=2026-04-01&end=2026-04-30")
    )


def test_only_the_owner_opens_the_emailed_link(crew, make_user, schedule):
    services.schedules_build(today=APRIL_1)
    path = link_in(mail.outbox[0])
    other = Client()
    other.force_login(make_user("payroll_admin"))
    assert other.get(path).status_code == 404
    assert Client().get(path).status_code == 302  # to log in first


def test_the_monthly_task_builds_the_month_just_ended(crew, schedule):
    tasks.build_monthly_reports.enqueue()  # the immediate backend, in tests
    schedule.refresh_from_db()
    assert schedule.last_built_on is not None and len(mail.outbox) == 1


def test_a_schedule_stops_when_its_owner_may_no_longer_open_the_report(crew, schedule):
    team = crew["team"]
    team.lead = None
    team.save()
    assert services.schedules_build(today=APRIL_1) == []
    schedule.refresh_from_db()
    assert not schedule.is_active and not mail.outbox


def test_a_report_that_fails_is_tried_again_and_the_others_are_still_sent(
    crew, schedule, make_user, monkeypatch
):
    hr = make_user("hr")
    ReportSchedule.objects.create(owner=hr, slug="retention")
    monkeypatch.setitem(
        registry.REPORTS,
        "payroll",
        dataclasses.replace(registry.REPORTS["payroll"], builder="builtins.no_such_builder"),
    )
    made = services.schedules_build(today=APRIL_1)
    assert [report_file.slug for report_file in made] == ["retention"]
    assert [message.to for message in mail.outbox] == [[hr.email]]
    schedule.refresh_from_db()
    assert schedule.last_built_on is None  # given back: the next run tries again


def test_removing_a_schedule(client, crew, make_user, schedule):
    other = Client()
    other.force_login(make_user("supervisor"))
    assert other.post(f"/reports/schedules/{schedule.pk}/delete/").status_code == 404
    client.force_login(crew["lead"])
    response = client.post(f"/reports/schedules/{schedule.pk}/delete/")
    assert response.status_code == 302 and not ReportSchedule.objects.exists()

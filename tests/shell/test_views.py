"""The shell's pages: the home page of each role, the landing page, and the job pages."""

from datetime import date

import pytest
from django.urls import reverse

from tests.core.test_jobs import worker_died
from tests.factories import PASSWORD
from tests.payroll.conftest import (  # noqa: F401  (fixtures)
    admins,
    shanghai,
    team,
    worker,
)
from workforce.core.models import Job
from workforce.core.services import MAX_ATTEMPTS, jobs_recover_stale
from workforce.demo.jobs import DEMO_REBUILD_JOB
from workforce.payroll import services as payroll

pytestmark = pytest.mark.django_db


def test_logging_in_through_the_form_lands_on_the_home_page(client, make_user):
    user = make_user("annotator")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("shell:home")
    assert "Your work as Annotator" in response.content.decode()


def test_each_role_has_a_home_page_that_says_what_it_does_here(client, make_user):
    expectations = {
        "candidate": ["Your way in", "Applying is free"],
        "annotator": ["Your work as Annotator", "Career ladder"],
        "supervisor": ["Your work as Supervisor", "Your workforce", "Run your teams"],
        "hr": ["Your workforce", "As HR you screen candidates"],
        "payroll_admin": ["Your workforce", "As payroll admin"],
        "superuser": ["Rebuild the demo data"],
        "trainer": ["Your work as Trainer", "Write the question banks", "0 answers to grade"],
    }
    for role, phrases in expectations.items():
        client.force_login(make_user(role))
        page = client.get("/").content.decode()
        for phrase in phrases:
            assert phrase in page, (role, phrase)


def test_the_landing_page_explains_the_system_to_visitors(client):
    page = client.get("/").content.decode()
    assert "Candidates" in page and "Log in" in page and "Applying is always free" in page


def test_an_unfinished_job_polls_with_htmx_and_returns_only_the_bar(client, make_user):
    admin = make_user("superuser")
    job = Job.objects.create(kind=DEMO_REBUILD_JOB, started_by=admin, done=3, total=12)
    client.force_login(admin)
    url = reverse("shell:job-detail", kwargs={"pk": job.pk})
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<html" in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert '<progress value="25" max="100"' in fragment
    assert "3 of 12 steps (25%)" in fragment


def test_only_the_starter_may_try_a_failed_job_again(client, admins, worker):  # noqa: F811
    run = payroll.run_create(month=date(2026, 3, 1), by=admins[0], site=worker.site)
    job = payroll.run_calculate_start(run=run, by=admins[0])
    worker_died(job, attempts=MAX_ATTEMPTS)
    jobs_recover_stale()
    client.force_login(admins[1])
    assert client.post(reverse("shell:job-retry", kwargs={"pk": job.pk})).status_code == 404
    client.force_login(admins[0])
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    assert "Try again" not in client.get(reverse("shell:job-detail", kwargs={"pk": job.pk})).text
    assert client.post(reverse("shell:job-retry", kwargs={"pk": job.pk})).status_code == 403

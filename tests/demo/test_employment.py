"""The employment demo: everyone has a contract, and HR's home page shows what needs a
decision soon: a probation ending, a fixed term ending this month, an expiring work permit,
and a leaver still owed deferred pay."""

from datetime import timedelta

from django.test import Client

from tests.demo.stories import story
from tests.factories import turn_on_mfa
from workforce.demo import clock
from workforce.people.models import Employment, User, Worker


@story
def test_every_worker_has_a_contract_that_starts_with_them(demo):
    workers = Worker.objects.all()
    assert Employment.objects.count() == workers.count()
    for employment in Employment.objects.select_related("worker"):
        assert employment.starts_on == employment.worker.hired_on
        assert employment.ends_on == employment.worker.left_on


@story
def test_hr_home_shows_probation_fixed_term_permit_and_leaver_owed(demo):
    hr = User.objects.get(email="hr@example.com")
    turn_on_mfa(hr)  # as the demo's HR does at first login
    client = Client()
    client.force_login(hr)
    page = client.get("/").content.decode()
    today = clock.today()

    # Hires from the recruitment demo are on probation too, ending months from now.
    probation = Employment.objects.get(probation_ends_on__range=(today, today + timedelta(31)))
    term = Employment.objects.get(fixed_term_ends_on__isnull=False)
    assert (term.fixed_term_ends_on.year, term.fixed_term_ends_on.month) == (
        today.year,
        today.month,
    )
    assert 'id="probations-ending"' in page and str(probation.worker.user) in page
    assert 'id="terms-ending"' in page and str(term.worker.user) in page
    assert 'id="documents-expiring"' in page and "Work permit" in page
    assert 'id="leavers-owed"' in page

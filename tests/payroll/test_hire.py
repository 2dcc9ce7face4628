"""A hire is paid on the terms of the offer they accepted, from their start date, with no step
between the offer and the first run: the offer names the pay scheme, hiring puts the worker on
it, and the run pays it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from tests.factories import DomainFactory
from tests.payroll.conftest import MARCH, attend_every_day, calculate, salaried_scheme
from tests.recruitment.conftest import apply, make_opening
from workforce.payroll.models import Component
from workforce.people.models import Rung
from workforce.recruitment import services as recruitment
from workforce.recruitment.models import Offer

pytestmark = pytest.mark.django_db

START = date(2026, 3, 16)  # a Monday: 12 of March's 22 Shanghai workdays are left


MONDAY_2_MARCH = datetime(2026, 3, 2, 2, tzinfo=UTC)


def interviewed(team, hr):
    """A salaried opening at the team's site, and an application at the interview."""
    opening = make_opening(
        DomainFactory(slug="law"),
        employment_type="salaried",
        currency="CNY",
        site=team.site,
        min_education="",
    )
    with time_machine.travel(MONDAY_2_MARCH, tick=False):
        application = apply(None, opening, email="mei.chen@example.org")
        recruitment.interview_schedule(
            application=application,
            by=hr,
            interviewer=hr,
            scheduled_at=MONDAY_2_MARCH + timedelta(days=1),
            meeting_link="https://meet.example.org/mei",
        )
    return application


def offer_on(application, team, hr, scheme):
    """On 2 March, an offer starting on the 16th, to answer within the week."""
    with time_machine.travel(MONDAY_2_MARCH, tick=False):
        return recruitment.offer_make(
            application=application,
            by=hr,
            rung=Rung.objects.get(code=Rung.Code.ANNOTATOR),
            site=team.site,
            team=team,
            scheme=scheme,
            start_on=START,
            respond_by=START - timedelta(days=7),
            language="en",
        )


def test_the_first_run_pays_the_offered_scheme_from_the_start_date(team, admins, make_user):
    scheme = salaried_scheme(base="1800", allowances=(("Housing", "200"),), tiers=())
    hr = make_user("hr")
    offer = offer_on(interviewed(team, hr), team, hr, scheme)
    with time_machine.travel(MONDAY_2_MARCH + timedelta(days=2), tick=False):
        worker = recruitment.offer_accept(offer=offer, user=hr)
    assert (offer.pay_amount, offer.currency) == (Decimal("1800.00"), "CNY")
    attend_every_day(worker, MARCH, absent_on=[d for d in _march() if d < START])

    run = calculate(admins[0], MARCH, team=team)

    slip = run.payslips.get(worker=worker)
    base = slip.lines.get(component=Component.BASE)
    assert base.detail["covered_days"] == 12 and base.detail["month_days"] == 22
    assert base.amount == Decimal("981.82")  # 1,800 × 12 / 22
    assert slip.lines.get(component=Component.ALLOWANCE).amount == Decimal("109.09")
    assert {line.currency for line in slip.lines.all()} == {"CNY"}
    assert not slip.error


def test_an_offer_on_a_scheme_that_does_not_fit_is_refused_before_anything_is_written(
    team, make_user
):
    hr = make_user("hr")
    application = interviewed(team, hr)
    hourly = salaried_scheme(name="Wrong kind")
    hourly.kind = "hourly"
    hourly.save()
    with pytest.raises(recruitment.RecruitmentError, match="hourly scheme; this opening is for"):
        offer_on(application, team, hr, hourly)
    later = salaried_scheme(name="From April", effective_from=date(2026, 4, 1))
    with pytest.raises(recruitment.RecruitmentError, match="no amounts in effect on"):
        offer_on(application, team, hr, later)
    with pytest.raises(recruitment.RecruitmentError, match="Choose the pay scheme"):
        offer_on(application, team, hr, None)
    assert not Offer.objects.exists()


def _march() -> list[date]:
    return [MARCH + timedelta(days=n) for n in range(31)]

"""Payroll admins create, version and assign pay schemes on their own pages, without the
Django admin: a salaried package, a raise from a later month, and a team put on it at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import WorkerFactory
from workforce.payroll.models import PayScheme, SchemeAssignment

from .conftest import salaried_scheme

pytestmark = pytest.mark.django_db

EMPTY_PARTS = {
    f"{name}-{key}": value
    for name in [
        "allowance",
        "performancetier",
        "hourlyrate",
        "piecerate",
        "qualityband",
        "deferral",
    ]
    for key, value in [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0")]
}


def test_a_payroll_admin_creates_a_salaried_package_with_an_allowance(client, admins):
    client.force_login(admins[0])
    assert client.get(reverse("payroll:scheme-add")).status_code == 200
    response = client.post(
        reverse("payroll:scheme-add"),
        {
            "scheme-name": "Lyon annotator package",
            "scheme-kind": "salaried",
            "scheme-currency": "EUR",
            "version-effective_from": "2026-03",
            "version-base_amount": "1900.00",
            "version-attendance_bonus_amount": "80.00",
            "version-hours_source": "timesheets",
            "version-overtime_after_minutes": "480",
            "version-overtime_multiplier": "1.50",
            **EMPTY_PARTS,
            "allowance-TOTAL_FORMS": "1",
            "allowance-0-name": "Meals",
            "allowance-0-amount": "120.00",
        },
        follow=True,
    )
    assert "Pay scheme Lyon annotator package created." in response.content.decode()
    version = PayScheme.objects.get(name="Lyon annotator package").versions.get()
    assert (version.effective_from, version.base_amount) == (date(2026, 3, 1), Decimal("1900"))
    assert version.created_by == admins[0]
    assert [(a.name, a.amount) for a in version.allowances.all()] == [("Meals", Decimal("120"))]


def test_a_new_version_starts_as_a_copy_and_keeps_the_parts_left_as_they_were(client, admins):
    scheme = salaried_scheme(allowances=(("Housing", "200"),), tiers=(("60", "800"),))
    client.force_login(admins[0])
    page = client.get(reverse("payroll:version-add", args=[scheme.pk])).content.decode()
    assert 'value="Housing"' in page and 'value="1800.00"' in page
    data = {
        "version-effective_from": "2026-04",
        "version-base_amount": "1900.00",
        "version-attendance_bonus_amount": "200.00",
        "version-hours_source": "timesheets",
        "version-overtime_after_minutes": "480",
        "version-overtime_multiplier": "1.50",
        **EMPTY_PARTS,
        # The copied rows, as the page shows them, sent back unchanged.
        "allowance-TOTAL_FORMS": "1",
        "allowance-0-name": "Housing",
        "allowance-0-amount": "200.00",
        "performancetier-TOTAL_FORMS": "1",
        "performancetier-0-min_score": "60.00",
        "performancetier-0-amount": "800.00",
    }
    client.post(reverse("payroll:version-add", args=[scheme.pk]), data)
    raised = scheme.versions.get(effective_from=date(2026, 4, 1))
    assert raised.base_amount == Decimal("1900")
    assert [a.name for a in raised.allowances.all()] == ["Housing"]
    assert raised.performance_tiers.count() == 1

    again = client.post(reverse("payroll:version-add", args=[scheme.pk]), data)
    assert "already has a version from" in again.content.decode()
    assert scheme.versions.count() == 2


def test_a_team_is_put_on_a_scheme_at_once_or_not_at_all(client, admins, team):
    scheme = salaried_scheme()
    first, second = (
        WorkerFactory(team=team, site=team.site),
        WorkerFactory(team=team, site=team.site, hired_on=date(2026, 6, 1)),
    )
    client.force_login(admins[0])
    url = reverse("payroll:scheme-assign", args=[scheme.pk])
    refused = client.post(url, {"workers": [first.pk, second.pk], "starts_on": "2026-04-01"})
    assert "starts on" in refused.content.decode()  # the second, hired in June
    assert not SchemeAssignment.objects.exists()
    client.post(url, {"workers": [first.pk, second.pk], "starts_on": "2026-06-01"})
    assert set(SchemeAssignment.objects.values_list("worker", "starts_on")) == {
        (first.pk, date(2026, 6, 1)),
        (second.pk, date(2026, 6, 1)),
    }


@pytest.mark.parametrize("role", ["hr", "supervisor", "annotator"])
def test_only_payroll_admins_change_schemes(client, make_user, role):
    scheme = salaried_scheme()
    client.force_login(make_user(role))
    for url in [
        reverse("payroll:scheme-add"),
        reverse("payroll:version-add", args=[scheme.pk]),
        reverse("payroll:scheme-assign", args=[scheme.pk]),
    ]:
        assert client.get(url).status_code == 403

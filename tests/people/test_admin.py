"""The Django admin is where HR edits people; it must not become a way around the roles."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, WorkerFactory
from workforce.people.models import Expertise

pytestmark = pytest.mark.django_db


def _user_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": "",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    return {**data, **changes}


def test_hr_cannot_make_anyone_a_superuser_or_grant_hr_or_payroll(client, make_user):
    hr = make_user("hr")
    someone = UserFactory()
    client.force_login(hr)
    payroll = Group.objects.get(name="Payroll admin")
    annotator = Group.objects.get(name="Annotator")
    url = reverse("admin:people_user_change", args=[someone.pk])
    page = client.get(url).content.decode()
    assert "is_superuser" not in page and "user_permissions" not in page
    response = client.post(
        url, _user_form(someone, is_superuser="on", is_staff="on", groups=[payroll.pk])
    )
    assert response.status_code == 200  # the payroll group is not a valid choice
    client.post(url, _user_form(someone, is_superuser="on", is_staff="on", groups=[annotator.pk]))
    someone.refresh_from_db()
    assert not someone.is_superuser and not someone.is_staff
    assert list(someone.groups.values_list("name", flat=True)) == ["Annotator"]


def test_hr_cannot_edit_their_own_account_or_a_superuser(client, make_user):
    hr = make_user("hr")
    client.force_login(hr)
    assert client.get(reverse("admin:people_user_change", args=[hr.pk])).status_code == 403 or (
        "is_superuser"
        not in client.get(reverse("admin:people_user_change", args=[hr.pk])).content.decode()
    )
    response = client.post(
        reverse("admin:people_user_change", args=[hr.pk]), _user_form(hr, is_superuser="on")
    )
    hr.refresh_from_db()
    assert response.status_code == 403 and not hr.is_superuser
    boss = make_user("superuser")
    assert (
        client.post(
            reverse("admin:people_user_change", args=[boss.pk]), _user_form(boss)
        ).status_code
        == 403
    )


@pytest.mark.parametrize("path", ["/admin/login/", "/cms/login/"])
def test_the_admin_and_cms_login_pages_cannot_skip_mfa(client, make_user, path):
    hr = make_user("hr")  # MFA is on: only allauth's login, which asks for the code, may log in
    response = client.post(path, {"username": hr.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_marking_expertise_verified_records_who_and_when(client, make_user):
    hr = make_user("hr")
    expertise = Expertise.objects.create(worker=WorkerFactory(), domain_id=_domain().pk)
    worker = expertise.worker
    client.force_login(hr)
    response = client.post(
        reverse("admin:people_worker_change", args=[worker.pk]),
        {
            "user": worker.user.pk,
            "employee_number": worker.employee_number,
            "site": worker.site.pk,
            "rung": worker.rung.pk,
            "status": "active",
            "employment_type": "salaried",
            "hired_on": "2025-03-01",
            "expertise-TOTAL_FORMS": "1",
            "expertise-INITIAL_FORMS": "1",
            "expertise-0-id": expertise.pk,
            "expertise-0-worker": worker.pk,
            "expertise-0-domain": expertise.domain.pk,
            "expertise-0-level": "expert",
            "expertise-0-is_verified": "on",
        },
    )
    assert response.status_code == 302
    expertise.refresh_from_db()
    assert (
        expertise.is_verified and expertise.verified_by == hr and expertise.verified_at is not None
    )
    page = client.get(reverse("people:worker-detail", args=[worker.pk])).content.decode()
    assert "Expertise: Law" in page and "<ins>Recognised expert</ins>" in page


def _domain():
    from tests.factories import DomainFactory

    return DomainFactory(slug="law", name="Law")

"""Who may change roles, passwords and superuser status is decided in one place
(workforce/people/roles.py) and holds on every route: Wagtail's /cms/users/ and /cms/groups/,
the Django admin, and the people services our own pages call."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from workforce.people import services
from workforce.people.models import User
from workforce.people.roles import Role, RoleError

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-long-pass-2931"


def _names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _wagtail_user_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name or "First",
        "last_name": user.last_name or "Last",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "password1": "",
        "password2": "",
    }
    return {**data, **changes}


def _admin_user_form(user, **changes):
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


@pytest.fixture
def hr(client, make_user):
    user = make_user("hr")
    client.force_login(user)
    return user


# Wagtail's /cms/users/ and /cms/groups/ -------------------------------------------------------


def test_hr_cannot_give_themselves_payroll_admin_in_wagtail(client, hr):
    payroll = Group.objects.get(name=Role.PAYROLL_ADMIN)
    url = reverse("wagtailusers_users:edit", args=[hr.pk])
    response = client.post(
        url, _wagtail_user_form(hr, groups=[g.pk for g in hr.groups.all()] + [payroll.pk])
    )
    assert response.status_code != 200 or "Payroll admin" not in response.content.decode()
    hr.refresh_from_db()
    assert _names(hr) == {Role.HR}
    assert client.get(reverse("wagtailusers_users:index")).status_code != 200
    # The CMS itself still opens for HR (careers pages), without the Users and Groups menus.
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("wagtailusers_users:index") not in home.content.decode()


def test_hr_cannot_make_an_annotator_a_superuser_or_set_their_password_in_wagtail(
    client, hr, make_user
):
    annotator = make_user("annotator")
    client.post(
        reverse("wagtailusers_users:edit", args=[annotator.pk]),
        _wagtail_user_form(
            annotator, is_superuser="on", password1=NEW_PASSWORD, password2=NEW_PASSWORD
        ),
    )
    annotator.refresh_from_db()
    assert not annotator.is_superuser
    assert annotator.check_password(PASSWORD) and not annotator.check_password(NEW_PASSWORD)


def test_hr_cannot_set_the_superusers_password_in_wagtail(client, hr, make_user):
    boss = make_user("superuser")
    client.post(
        reverse("wagtailusers_users:edit", args=[boss.pk]),
        _wagtail_user_form(boss, password1=NEW_PASSWORD, password2=NEW_PASSWORD),
    )
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)


def test_hr_cannot_create_a_superuser_or_assign_roles_in_bulk_in_wagtail(client, hr):
    payroll = Group.objects.get(name=Role.PAYROLL_ADMIN)
    client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "mole@example.com",
            "first_name": "Mo",
            "last_name": "Le",
            "is_superuser": "on",
            "groups": [payroll.pk],
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert not User.objects.filter(email="mole@example.com").exists()
    bulk = reverse("wagtail_bulk_action", args=["people", "user", "assign_role"])
    client.post(f"{bulk}?id={hr.pk}", {"role": payroll.pk})
    assert _names(hr) == {Role.HR}


def test_hr_cannot_add_permissions_to_a_group_in_wagtail(client, hr):
    group = Group.objects.get(name=Role.HR)
    before = set(group.permissions.values_list("pk", flat=True))
    change_group = Permission.objects.get(content_type__app_label="auth", codename="change_group")
    response = client.post(
        reverse("wagtailusers_groups:edit", args=[group.pk]),
        {"name": group.name, "permissions": [*before, change_group.pk]},
    )
    assert response.status_code != 200
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert client.get(reverse("wagtailusers_groups:index")).status_code != 200


def test_the_superuser_still_manages_users_in_wagtail(client, make_user):
    boss = make_user("superuser")
    annotator = make_user("annotator")
    client.force_login(boss)
    trainer = Group.objects.get(name=Role.TRAINER)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[annotator.pk]),
        _wagtail_user_form(annotator, groups=[trainer.pk]),
    )
    assert response.status_code == 302
    assert _names(annotator) == {Role.TRAINER}


# The Django admin ------------------------------------------------------------------------------


def test_hr_cannot_set_another_users_password_in_the_django_admin(client, hr, make_user):
    annotator = make_user("annotator")
    url = reverse("admin:auth_user_password_change", args=[annotator.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    annotator.refresh_from_db()
    assert annotator.check_password(PASSWORD)


def test_hr_cannot_give_themselves_or_others_payroll_admin_in_the_django_admin(
    client, hr, make_user
):
    payroll = Group.objects.get(name=Role.PAYROLL_ADMIN)
    own = client.post(
        reverse("admin:people_user_change", args=[hr.pk]),
        _admin_user_form(hr, groups=[*hr.groups.values_list("pk", flat=True), payroll.pk]),
    )
    assert own.status_code == 403 and _names(hr) == {Role.HR}
    annotator = make_user("annotator")
    client.post(
        reverse("admin:people_user_change", args=[annotator.pk]),
        _admin_user_form(annotator, groups=[payroll.pk], is_superuser="on", is_staff="on"),
    )
    annotator.refresh_from_db()
    assert _names(annotator) == {Role.ANNOTATOR} and not annotator.is_superuser


def test_hr_cannot_edit_groups_in_the_django_admin(client, hr):
    group = Group.objects.get(name=Role.HR)
    response = client.get(reverse("admin:auth_group_change", args=[group.pk]))
    assert response.status_code in {403, 302}


def test_hr_gives_a_new_hire_the_annotator_role_in_the_django_admin(client, hr):
    new_hire = UserFactory()
    annotator = Group.objects.get(name=Role.ANNOTATOR)
    response = client.post(
        reverse("admin:people_user_change", args=[new_hire.pk]),
        _admin_user_form(new_hire, groups=[annotator.pk]),
    )
    assert response.status_code == 302
    assert _names(new_hire) == {Role.ANNOTATOR}


def test_hr_cannot_take_a_role_from_a_colleague_who_holds_one_hr_cannot_grant(
    client, hr, make_user
):
    # A worker who also holds HR is the superuser's to edit, not HR's.
    colleague = make_user("annotator")
    colleague.groups.add(Group.objects.get(name=Role.HR))
    annotator = Group.objects.get(name=Role.ANNOTATOR)
    response = client.post(
        reverse("admin:people_user_change", args=[colleague.pk]),
        _admin_user_form(colleague, groups=[annotator.pk]),
    )
    assert response.status_code == 403
    assert _names(colleague) == {Role.ANNOTATOR, Role.HR}


def test_hr_cannot_change_a_login_email_or_set_a_password_on_a_new_account(client, hr, make_user):
    # A login email changed to one's own, then "Forgot your password?", takes the account over.
    annotator = make_user("annotator")
    email = annotator.email
    client.post(
        reverse("admin:people_user_change", args=[annotator.pk]),
        _admin_user_form(annotator, email="hr-mailbox@example.com"),
    )
    annotator.refresh_from_db()
    assert annotator.email == email
    assert client.get(reverse("admin:people_user_add")).status_code == 200
    response = client.post(
        reverse("admin:people_user_add"),
        {"email": "new.hire@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    new_hire = User.objects.get(email="new.hire@example.com")
    assert not new_hire.has_usable_password()


# The one place, as our own pages call it -------------------------------------------------------


def test_roles_set_refuses_with_a_readable_reason(make_user):
    hr = make_user("hr")
    annotator = make_user("annotator")
    with pytest.raises(RoleError, match="Payroll admin"):
        services.roles_set(user=annotator, roles={Role.PAYROLL_ADMIN}, by=hr)
    with pytest.raises(RoleError, match="own roles"):
        services.roles_set(user=hr, roles={Role.HR, Role.ANNOTATOR}, by=hr)
    assert _names(annotator) == {Role.ANNOTATOR} and _names(hr) == {Role.HR}
    services.roles_set(user=annotator, roles={Role.QUALITY_INSPECTOR}, by=hr)
    assert _names(annotator) == {Role.QUALITY_INSPECTOR}


def test_hr_cannot_open_an_account_holding_raw_permissions(client, hr):
    target = UserFactory(roles=[Role.ANNOTATOR])
    target.user_permissions.add(Permission.objects.get(codename="change_payrollrun"))
    client.force_login(hr)
    url = reverse("admin:people_user_change", args=[target.pk])
    assert b'name="groups"' not in client.get(url).content  # shown, not editable
    quality = Group.objects.get(name=Role.QUALITY_INSPECTOR)
    client.post(url, _admin_user_form(target, groups=[quality.pk]))
    assert _names(target) == {Role.ANNOTATOR}

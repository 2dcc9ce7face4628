import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, turn_on_mfa
from workforce.people.models import User

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"


def test_a_newcomer_signs_up_with_email_and_must_verify_it_before_logging_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Person@Example.org",
            "password1": "a-strong-passphrase-26",
            "password2": "a-strong-passphrase-26",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="new.person@example.org").exists()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new.person@example.org", "password": "a-strong-passphrase-26"},
    )
    assert response.url == reverse("account_email_verification_sent")

    client.post(link.split("testserver")[-1])
    response = client.post(
        reverse("account_login"),
        {"login": "new.person@example.org", "password": "a-strong-passphrase-26"},
    )
    assert response.url == reverse("core:home")


def test_signup_with_a_weak_password_says_why_beside_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_password_reset_sends_a_link(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_login_is_rate_limited_after_five_failures_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["hr", "payroll_admin"])
def test_hr_and_payroll_are_sent_to_set_up_mfa_before_any_page_of_their_role(
    role, client, make_user
):
    user = make_user(role, mfa=False)
    # A real login, so allauth counts it as recent when the MFA setup page asks.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(response.url).url == MFA_SETUP
    for url in ["/", "/people/workers/", "/admin/", "/cms/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == MFA_SETUP, url
    # allauth asks for the password once more before adding an authenticator.
    response = client.get(MFA_SETUP)
    assert response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})
    setup = client.get(MFA_SETUP)
    assert setup.status_code == 200
    assert reverse("people:worker-list") not in setup.content.decode()  # no role links yet
    turn_on_mfa(user)
    assert client.get("/people/workers/").status_code == 200


def test_other_roles_are_not_forced_into_mfa(client, make_user):
    client.force_login(make_user("annotator"))
    assert client.get("/").status_code == 200


def test_logging_in_through_the_form_lands_on_the_home_page(client, make_user):
    user = make_user("annotator")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:home")
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

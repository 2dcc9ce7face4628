import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from workforce.people.models import User

pytestmark = pytest.mark.django_db


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
    assert response.url == reverse("shell:home")


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

"""HR and payroll staff set up MFA before they reach any page of their role."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, turn_on_mfa

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"


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

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_raising")]


def test_a_server_error_shows_the_styled_page_and_no_stack_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/explode/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "secret internals" not in body


def test_a_forbidden_page_is_the_styled_403(client, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user("annotator"))
    response = client.get("/people/workers/")
    assert response.status_code == 403
    assert "This page is not open to your role" in response.content.decode()


def test_an_expired_form_is_the_styled_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "fr"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()

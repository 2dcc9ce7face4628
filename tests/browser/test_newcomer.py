import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, email):
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_a_newcomer_logs_in_switches_to_chinese_and_sees_the_home_page_in_chinese(page, make_user):
    user = make_user("annotator")
    log_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator("#worker-home")).to_contain_text("Your work as Annotator")

    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    expect(page.locator("#worker-home")).to_contain_text("标注员")
    expect(page.get_by_role("link", name="我的档案", exact=True)).to_be_visible()


def test_an_hr_user_without_mfa_is_sent_to_set_it_up(page, make_user):
    hr = make_user("hr", mfa=False)
    log_in(page, hr.email)
    # allauth first confirms the password, then shows the authenticator setup.
    expect(page.locator("body")).to_contain_text("set up two-factor authentication to continue")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator("body")).to_contain_text("Authenticator code")
    page.goto("/people/workers/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))

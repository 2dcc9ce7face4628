"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser here, so it launches the system Chromium. Without
one, the tests are skipped with a clear message, unless WORKFORCE_REQUIRE_BROWSER=1 (CI) makes
a missing browser an error.
"""

import os
import shutil

import pytest

from tests.conftest import restore_migration_data

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
# from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        message = "Chromium is not installed: browser tests skipped (apt-get install chromium)."
        if os.environ.get("WORKFORCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message.replace("skipped", "required"), pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def roles_and_rungs(transactional_db):
    """A transactional test flushes what the migrations made; put it back. Autouse, so it runs
    before any fixture of a browser test that reads the seeded roles, rungs or ladder."""
    restore_migration_data()


@pytest.fixture
def page(browser, live_server, roles_and_rungs):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

import shutil

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import TeamFactory, UserFactory, WorkerFactory, turn_on_mfa
from workforce.people.models import Rung
from workforce.people.roles import Role

# The migrated database built once and kept between runs; the demo built once per worker.
pytest_plugins = ["tests.dbcache"]

# The roles a request can come from, as the URL matrix names them.
ROLE_NAMES = [
    "anonymous",
    "candidate",
    "annotator",
    "quality_inspector",
    "trainer",
    "supervisor",
    "project_manager",
    "hr",
    "payroll_admin",
    "superuser",
]
RUNG_OF = {
    "annotator": Rung.Code.ANNOTATOR,
    "quality_inspector": Rung.Code.QUALITY_INSPECTOR,
    "trainer": Rung.Code.TRAINER,
    "supervisor": Rung.Code.SUPERVISOR,
    "project_manager": Rung.Code.PROJECT_MANAGER,
}
GROUP_OF = {
    "candidate": Role.CANDIDATE,
    "annotator": Role.ANNOTATOR,
    "quality_inspector": Role.QUALITY_INSPECTOR,
    "trainer": Role.TRAINER,
    "supervisor": Role.SUPERVISOR,
    "project_manager": Role.PROJECT_MANAGER,
    "hr": Role.HR,
    "payroll_admin": Role.PAYROLL_ADMIN,
}
STAFF_FLAG = {"hr", "payroll_admin", "project_manager", "superuser"}


@pytest.fixture(scope="session", autouse=True)
def _files_outside_the_repository(tmp_path_factory):
    """Demo builds in module-scoped fixtures run before the per-test settings below: their
    uploads (work imports) must not land in the repository's var/ either."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("files")
    with override_settings(PRIVATE_MEDIA_ROOT=root / "private", MEDIA_ROOT=root / "media"):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()  # rate-limit counters live in the cache
    # A request in another language leaves it active in this thread; each test starts in English.
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def demo(_demo_connection, db, settings):
    """The whole demo, as `make run` loads it, fresh for each test: built once per xdist worker
    and rolled back after each test (tests/dbcache.py). Gives the build's summary
    (`demo.summary.created`) and the names of the files it uploaded (`demo.files`)."""
    # The files the demo's records point at, in this test's own storage.
    for built, root in [
        (_demo_connection.private_root, settings.PRIVATE_MEDIA_ROOT),
        (_demo_connection.media_root, settings.MEDIA_ROOT),
    ]:
        if built.exists():
            shutil.copytree(built, root, dirs_exist_ok=True)
    return _demo_connection


@pytest.fixture
def make_user(db):
    """A user holding one role, with a Worker record for the ladder roles and MFA for HR/payroll."""

    def make(role: str, *, mfa: bool = True, **worker_fields):
        if role == "superuser":
            return UserFactory(is_staff=True, is_superuser=True)
        user = UserFactory(roles=[GROUP_OF[role]], is_staff=role in STAFF_FLAG)
        if role in RUNG_OF:
            WorkerFactory(user=user, rung=Rung.objects.get(code=RUNG_OF[role]), **worker_fields)
        if mfa and role in {"hr", "payroll_admin"}:
            turn_on_mfa(user)
        return user

    return make


@pytest.fixture
def team_with_lead(make_user):
    lead_user = make_user("supervisor")
    team = TeamFactory(site=lead_user.worker.site, lead=lead_user.worker)
    return team


def restore_migration_data():
    """Put back what migrations create and a transactional test's flush removes: Wagtail's
    page tree and site, the role groups, the rungs, the guideline index and the ladder's
    profiles and criteria."""
    import importlib

    from django.apps import apps
    from wagtail.models import Locale, Page, Site

    if not Page.objects.filter(depth=1).exists():
        Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=Page(title="Welcome", slug="home"))
        Site.objects.get_or_create(
            hostname="localhost", defaults={"root_page": home, "is_default_site": True}
        )
    for migration in [
        "workforce.people.migrations.0002_roles_and_rungs",
        "training.migrations.0003_guideline_index_and_permissions",
        "workforce.recruitment.migrations.0002_careers_index_and_permissions",
        "careers.migrations.0002_ladder",
    ]:
        importlib.import_module(migration).seed(apps)


def pytest_collection_modifyitems(items):
    """The whole-demo builds on a spread of dates (about 20 s each) go first, so that the two
    xdist workers share them out and finish together, instead of one worker running the last
    of them while the other has nothing left to do."""
    items.sort(key=lambda item: item.get_closest_marker("dates") is None)

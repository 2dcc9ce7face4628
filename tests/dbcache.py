"""Expensive test databases, built once: the migrated database once per change of migrations,
the demo once per xdist worker. Registered from tests/conftest.py.

- Migrated template: the first worker migrates a template under a lock while the others wait;
  the template is kept between runs (SQLite: var/test-db/migrated-<key>.sqlite3; PostgreSQL:
  the database test_<NAME>_<key>). Its key hashes every migration file, every installed
  package's version and the settings migrations read, so a change to any of them builds a new one.
- Each worker works on its own copy of the template (SQLite: a file in pytest's temporary
  directory, unique per run; PostgreSQL: CREATE DATABASE ... TEMPLATE, test_<NAME>_gw0).
- Demo: the first test of a worker that asks for `demo` builds it (load_demo's builder) into a
  second copy of the template. Such a test runs on that copy inside the transaction
  pytest-django rolls back at its end, so every test sees the demo as built; a transactional
  test gets a throwaway copy of it instead. Tests that do not ask for `demo` see the plain
  migrated database.
"""

import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import override_settings

# Settings a migration (or syncdb of an app without migrations) reads.
MIGRATION_SETTINGS = [
    "INSTALLED_APPS",
    "AUTH_USER_MODEL",
    "DEFAULT_AUTO_FIELD",
    "LANGUAGE_CODE",
    "LANGUAGES",
    "MIGRATION_MODULES",
]


@dataclass
class Databases:
    """The names (SQLite paths or PostgreSQL database names) this worker uses."""

    original: str  # the development database, put back at the end
    template: str
    worker: str
    demo: str
    scratch: str  # a transactional demo test's throwaway copy
    demo_built: "DemoDatabase | None" = None


@dataclass
class DemoDatabase:
    """What a test that asks for `demo` gets: the build's summary and the files it uploaded."""

    summary: object  # workforce.demo.builder.DemoSummary
    private_root: Path
    media_root: Path
    files: list[str] = field(default_factory=list)  # names of the private files, sorted


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def migrations_key(*, use_migrations: bool) -> str:
    """A hash of what the migrated database is made of."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    for app in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app.label)
        try:
            module = import_module(module_name) if module_name else None
        except ImportError:  # an app without migrations: synced from its models
            module = None
        if module is None or not getattr(module, "__file__", None):
            continue
        folder = Path(module.__file__).parent
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{app.label}/{path.relative_to(folder)}".encode())
            digest.update(path.read_bytes())
    packages = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()
    )
    digest.update("\n".join(packages).encode())
    digest.update(repr([getattr(settings, name, None) for name in MIGRATION_SETTINGS]).encode())
    digest.update(f"{connection.vendor} {sys.version_info[:2]} {use_migrations}".encode())
    return digest.hexdigest()[:10]


def cache_dir() -> Path:
    folder = Path(settings.BASE_DIR) / "var" / "test-db"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def names(*, key: str, worker: str, tmp_path_factory) -> Databases:
    original = connection.settings_dict["NAME"]
    if is_sqlite():
        # Worker copies live in pytest's temporary directory: unique per run, so two runs in
        # one checkout never share a file.
        here = tmp_path_factory.mktemp("db")
        return Databases(
            original=original,
            template=str(cache_dir() / f"migrated-{key}.sqlite3"),
            worker=str(here / "test.sqlite3"),
            demo=str(here / "demo.sqlite3"),
            scratch=str(here / "scratch.sqlite3"),
        )
    base = connection.settings_dict["TEST"].get("NAME") or f"test_{original}"
    databases = Databases(
        original=original,
        template=f"{base}_{key}",
        worker=f"{base}_{worker}",
        demo=f"{base}_{worker}_demo",
        scratch=f"{base}_{worker}_scratch",
    )
    longest = max([databases.template, databases.scratch], key=len)
    if len(longest) > 63:  # PostgreSQL would cut the name short, and two names could meet
        raise pytest.UsageError(f"Test database name too long for PostgreSQL: {longest}")
    return databases


@contextmanager
def build_lock(template: str):
    """One builder at a time across xdist workers (and across runs sharing the cache)."""
    if is_sqlite():
        with open(cache_dir() / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        return
    with connection.creation._nodb_cursor() as cursor:
        # A session lock, released when this cursor's connection closes.
        cursor.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(template.encode())])
        yield


def exists(name: str) -> bool:
    if is_sqlite():
        return Path(name).exists()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def point_at(name: str) -> None:
    """Send the default connection (and any opened later, in threads too) to `name`."""
    connection.close()
    settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = name
    connection.settings_dict["NAME"] = name


def drop(name: str) -> None:
    if is_sqlite():
        for path in [name, f"{name}-wal", f"{name}-shm"]:
            Path(path).unlink(missing_ok=True)
        return
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def copy(source: str, target: str) -> None:
    """A copy of a database nobody has open (the template, the built demo)."""
    drop(target)
    if is_sqlite():
        shutil.copyfile(source, target)
        return
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"CREATE DATABASE {quote(target)} WITH TEMPLATE {quote(source)}")


def build_template(databases: Databases, *, verbosity: int) -> None:
    """Migrate into a scratch name, then rename: an interrupted build leaves no template."""
    if is_sqlite():
        # Templates of other keys (other migrations, other packages) are no longer wanted.
        template = Path(databases.template)
        for old in template.parent.glob("migrated-*"):
            if not old.name.startswith(template.name):
                old.unlink(missing_ok=True)
        building = f"{databases.template}.{os.getpid()}"
    else:
        building = f"{databases.template}_new"
    connection.settings_dict["TEST"]["NAME"] = building
    connection.creation.create_test_db(verbosity=verbosity, autoclobber=True)
    connection.close()
    if is_sqlite():
        Path(building).replace(databases.template)
        return
    with connection.creation._nodb_cursor() as cursor:
        quote = connection.ops.quote_name
        # Templates of every key (this one too, on --create-db) give way to the new one.
        prefix = databases.template.rsplit("_", 1)[0]
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s",
            [f"^{re.escape(prefix)}_[0-9a-f]{{10}}$"],
        )
        for (old,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE {quote(old)}")
        cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(databases.template)}")


def setup(*, key: str, worker: str, run: str, tmp_path_factory, rebuild: bool, verbosity: int):
    """Give this worker its own copy of the migrated template, building the template if no
    run has built it yet (or once per run if --create-db asks)."""
    databases = names(key=key, worker=worker, tmp_path_factory=tmp_path_factory)
    rebuilt = cache_dir() / f"rebuilt-{run}"  # this run's --create-db is done
    with build_lock(databases.template):
        if (rebuild and not rebuilt.exists()) or not exists(databases.template):
            build_template(databases, verbosity=verbosity)
            for old in cache_dir().glob("rebuilt-*"):
                old.unlink(missing_ok=True)
            if rebuild:
                rebuilt.touch()
        copy(databases.template, databases.worker)
    point_at(databases.worker)
    return databases


def teardown(databases: Databases) -> None:
    connection.close()
    for name in [databases.worker, databases.demo, databases.scratch]:
        drop(name)
    point_at(databases.original)


def build_demo(databases: Databases, *, files_root: Path) -> DemoDatabase:
    """Build the whole demo once, in this worker's demo copy of the template."""
    from django.utils import translation

    private_root, media_root = files_root / "private", files_root / "media"
    with build_lock(databases.template):
        copy(databases.template, databases.demo)
    point_at(databases.demo)
    try:
        with (
            override_settings(PRIVATE_MEDIA_ROOT=private_root, MEDIA_ROOT=media_root),
            translation.override(settings.LANGUAGE_CODE),
        ):
            from workforce.demo import builder

            summary = builder.build()
    finally:
        point_at(databases.worker)
    return DemoDatabase(
        summary=summary,
        private_root=private_root,
        media_root=media_root,
        files=sorted(path.name for path in private_root.rglob("*") if path.is_file()),
    )


def transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(marked) or bool({"transactional_db", "live_server"} & set(request.fixturenames))


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_createdb,
    tmp_path_factory,
):
    """pytest-django's database setup, replaced: a copy of the cached migrated template."""
    workerinput = getattr(request.config, "workerinput", {})  # set on xdist workers
    worker = workerinput.get("workerid", "main")
    run = workerinput.get("testrunuid", str(os.getpid()))
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if not django_db_use_migrations:
            connection.settings_dict["TEST"]["MIGRATE"] = False
        databases = setup(
            key=migrations_key(use_migrations=django_db_use_migrations),
            worker=worker,
            run=run,
            tmp_path_factory=tmp_path_factory,
            rebuild=django_db_createdb,
            verbosity=verbosity,
        )
    yield databases
    with django_db_blocker.unblock():
        teardown(databases)


@pytest.fixture(scope="session")
def _demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built the first time a test of this worker asks for it."""
    databases = django_db_setup
    with django_db_blocker.unblock():
        databases.demo_built = build_demo(databases, files_root=tmp_path_factory.mktemp("demo"))
    return databases


@pytest.fixture
def _demo_connection(request, _demo_database, django_db_blocker):
    """Points the connection at the demo before pytest-django opens the test's transaction
    (pytest_collection_modifyitems below puts this fixture first)."""
    databases = _demo_database
    name = databases.demo
    with django_db_blocker.unblock():
        if transactional(request):  # it commits, and its teardown empties the database
            copy(databases.demo, databases.scratch)
            name = databases.scratch
        point_at(name)
    yield databases.demo_built
    with django_db_blocker.unblock():
        point_at(databases.worker)


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = item.fixturenames
        if "_demo_connection" not in fixtures:
            continue
        # pytest-django's autouse _django_db_marker opens the test's transaction before any
        # fixture the test names: the demo's connection must be in place before it.
        fixtures.remove("_demo_connection")
        first = fixtures.index("_django_db_marker") if "_django_db_marker" in fixtures else 0
        fixtures.insert(first, "_demo_connection")

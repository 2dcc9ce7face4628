import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "workforce.example.com",
    "DATABASE_URL": "postgres://workforce@db.example.com:5432/workforce",
    "BEHIND_TLS_PROXY": "1",
}


def run_manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a deployment check.
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_secret_key_is_refused_when_debug_is_off():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        env={"DATABASE_URL": "postgres://u@localhost/x"},
    )
    assert result.stdout.strip().endswith("postgresql")


@pytest.mark.skipif("DATABASE_URL" in os.environ, reason="checks the SQLite default")
def test_the_default_database_is_sqlite_under_var_in_wal_mode():
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    # pytest swaps in a test database; the configured file lives under var/.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        env={},
    )
    assert result.stdout.strip().endswith("var/workforce.sqlite3")


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )


FOREIGN_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)=[\"']?(?:https?:)?//", re.I
)


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_origin(client, make_user, settings):
    settings.DEBUG = False
    pages = ["/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"]
    for url in pages:
        assert not FOREIGN_RESOURCE.search(client.get(url).content.decode()), url
    client.force_login(make_user("superuser"))
    for url in ["/", "/people/workers/", "/people/me/", "/accounts/2fa/", "/cms/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not FOREIGN_RESOURCE.search(response.content.decode()), url


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # production serves the collectstatic output instead
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    response = client.get("/static/css/app.css")
    assert response.status_code == 200


def test_an_unknown_task_backend_is_refused_with_a_clear_message():
    result = run_manage("check", env={"TASKS_BACKEND": "celery"})
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of immediate, database" in result.stderr


def test_behind_a_proxy_the_login_limits_count_real_clients():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print('proxies:', s.ALLAUTH_TRUSTED_PROXY_COUNT, s.SECURE_PROXY_SSL_HEADER[0])",
        env={"BEHIND_TLS_PROXY": "1"},
    )
    assert "proxies: 1 HTTP_X_FORWARDED_PROTO" in result.stdout

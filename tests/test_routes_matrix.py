"""Every route that exists, not just our URL names, for every role, against other people's data.

tests/test_urls.py holds each of our own pages to an expected status. This matrix covers what
it cannot list by hand: the Django admin's pages (list, add, change, delete, history and the
history-revert form of every registered model) and Wagtail's /cms/ views, users and groups
included. Routes are found by walking the URL resolver (tests/routes_world.py) and filled
with the ids of objects that belong to someone else. Every role GETs every route, and the
test fails on:

- a server error (5xx), on any route for any role;
- a 200 that shows a marker of another person's data to a role that may not see it: pay, a
  bank account, a free-text exam answer, a CV, a candidate's contact details, a worker's email
  (who may see what follows each app's queries.py; the superuser sees everything);
- a 200 on a form that can grant a role (Wagtail's user and group editors, or any page with a
  groups / superuser / permissions field) for anyone but a superuser.
"""

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.conftest import ROLE_NAMES
from tests.routes_world import (
    MARKERS,
    ROLE_ROUTES,
    build_world,
    enumerate_routes,
    granting_fields,
    markers_in,
)

pytestmark = pytest.mark.django_db

# Filled by each role's test; the last test prints the totals.
TALLY: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test's own transaction (and its role user) nests inside it."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        built = build_world()
        routes, skipped = enumerate_routes(built)
        yield built, routes, skipped
        transaction.set_rollback(True)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _size(roles: int, routes: int, requests: int, leaks: int, errors: int, skipped: int) -> str:
    return (
        f"matrix: {roles} roles × {routes} routes = {requests} requests, {leaks} leaks, "
        f"{errors} server errors, {skipped} skipped routes"
    )


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_route_leaks_or_fails(role, world, make_user, settings):
    built, routes, skipped = world
    # The world's files were written under the module's roots, not this test's.
    settings.PRIVATE_MEDIA_ROOT = built.private_root
    settings.MEDIA_ROOT = built.media_root
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(make_user(role))
    errors, leaks, role_forms, seen = [], [], [], set()
    for route in routes:
        response = client.get(route.url)
        status = response.status_code
        if status >= 500:
            reason = ""
            if response.exc_info:
                reason = f": {type(response.exc_info[1]).__name__}: {response.exc_info[1]}"[:200]
            errors.append(f"{status} {route.label} {route.url}{reason}")
            continue
        if status != 200:
            continue
        body = _body(response)
        found, shown = markers_in(body, role)
        leaks += [f"{leak} on {route.label} {route.url}" for leak in found]
        seen |= shown
        if role == "superuser":
            continue
        fields = granting_fields(body, built.privileged_group_ids)
        if route.label in ROLE_ROUTES or fields:
            detail = f" ({', '.join(fields)})" if fields else ""
            role_forms.append(f"role-granting form on {route.label} {route.url}{detail}")
    TALLY[role] = {
        "routes": len(routes),
        "leaks": len(leaks) + len(role_forms),
        "errors": len(errors),
        "skipped": len(skipped),
        "seen": seen,
    }
    size = _size(
        1, len(routes), len(routes), len(leaks) + len(role_forms), len(errors), len(skipped)
    )
    print(f"\n{role}: {size}")
    failures = errors + leaks + role_forms
    assert not failures, f"{role}: {size}\n" + "\n".join(failures)


def test_the_matrix_covers_every_admin_model_and_wagtail_users_and_groups(world):
    """Run last: prints the whole matrix's size, and checks the enumeration found what it must."""
    from django.contrib import admin

    _, routes, skipped = world
    labels = {route.label for route in routes}
    missing = []
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        missing += [
            f"{info}_{view}"
            for view in ("changelist", "add", "change", "delete", "history")
            if f"{info}_{view}" not in labels and f"{info}_{view}" not in skipped
        ]
    missing += sorted(ROLE_ROUTES - labels)
    roles = len(TALLY) or len(ROLE_NAMES)
    total = {key: sum(tally[key] for tally in TALLY.values()) for key in ("leaks", "errors")}
    size = _size(
        roles, len(routes), roles * len(routes), total["leaks"], total["errors"], len(skipped)
    )
    print(f"\n{size}")
    for label, reason in sorted(skipped.items()):
        print(f"  skipped {label}: {reason}")
    assert not missing, f"{size}\nRoutes the matrix should request but does not: {missing}"
    if len(TALLY) == len(ROLE_NAMES):
        # A marker nobody was ever shown would make its leak check prove nothing.
        seen = set().union(*(tally["seen"] for tally in TALLY.values()))
        unseen = [marker.what for marker in MARKERS if marker.what not in seen]
        assert not unseen, f"{size}\nNo page showed these markers to anyone: {unseen}"

"""Worker list at scale: time, queries and peak memory of one filtered page, against a naive baseline.

Builds 20,000 workers in a throwaway SQLite database, then renders the staff worker list
(page 1 and a filtered page) as an HR user. The naive baseline renders the same page without
the select_related/prefetch that queries.workers_visible_to and the view add, which is what a
first version usually looks like: one query per row for the site, rung, team and domains.

Run: make bench   (or .venv/bin/python benchmarks/worker_list.py)
"""

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from workforce.core import demo  # noqa: E402
from workforce.people.models import Domain, Expertise, Rung, Site, Team, User, Worker  # noqa: E402

N = int(os.environ.get("BENCH_WORKERS", "20000"))


def build():
    call_command("migrate", verbosity=0)
    demo.build()
    sites, rungs, domains, teams = (
        list(Site.objects.all()),
        list(Rung.objects.all()),
        list(Domain.objects.all()),
        list(Team.objects.all()),
    )
    password = User.objects.first().password
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.org", password=password, first_name="B", last_name=str(i))
            for i in range(N)
        ],
        batch_size=2000,
    )
    workers = Worker.objects.bulk_create(
        [
            Worker(
                user=u,
                employee_number=f"B-{i:06d}",
                site=sites[i % 3],
                rung=rungs[i % 5],
                team=teams[i % 6],
                status="active",
                hired_on=date(2025, 1, 1),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    Expertise.objects.bulk_create(
        [Expertise(worker=w, domain=domains[i % 3]) for i, w in enumerate(workers)], batch_size=2000
    )


def measure(label, fn):
    reset_queries()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = fn()
        elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response is None or response.status_code == 200, response.status_code
    print(
        f"{label:<44} {elapsed * 1000:8.1f} ms {len(queries):6d} queries {peak / 1e6:7.1f} MB peak"
    )
    return elapsed, len(queries)


def naive_page():
    # What a first version does: the same page and filter form over a plain queryset, so the
    # template touches site, rung, team and domains row by row.
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    from workforce.people.forms import WorkerFilter

    user = User.objects.get(email="payroll@example.com")
    filterset = WorkerFilter(None, queryset=Worker.objects.all(), user=user)
    page = Paginator(filterset.qs, 25).get_page(1)
    request = RequestFactory().get("/people/workers/")
    request.user = user
    render_to_string(
        "people/worker_list.html", {"page": page, "filter": filterset}, request=request
    )


def main():
    # Django clears the query log when a request starts; keep it so the client's queries count.
    from django.core.signals import request_started

    request_started.disconnect(reset_queries)
    started = time.perf_counter()
    build()
    print(
        f"built {Worker.objects.count():,} workers in {time.perf_counter() - started:.1f} s ({TMP})"
    )
    client = Client()
    client.force_login(User.objects.get(email="payroll@example.com"))  # a people manager
    # Payroll admins must have MFA; the benchmark measures the page, not the gate.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=User.objects.get(email="payroll@example.com"), type="totp", defaults={"data": {}}
    )
    client.get("/people/workers/")  # warm template caches
    ours, ours_q = measure("worker list, page 1 (ours)", lambda: client.get("/people/workers/"))
    measure("worker list, page 40 (ours)", lambda: client.get("/people/workers/?page=40"))
    measure(
        "worker list, law + Lisbon filter (ours)",
        lambda: client.get(
            f"/people/workers/?domain={Domain.objects.get(slug='law').pk}&site={Site.objects.get(name='Lisbon').pk}"
        ),
    )
    naive, naive_q = measure("same 25 rows, naive ORM access", naive_page)
    print(f"queries: ours {ours_q} vs naive {naive_q} (ratio {naive_q / ours_q:.1f}x)")


if __name__ == "__main__":
    main()

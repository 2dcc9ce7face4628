"""Exam autosave under load: 300 candidates saving an answer every 10 seconds, for 2 minutes.

What it measures (issue 3, "Performance"): the latency of POST
/exams/attempts/<pk>/answer/<position>/ (the htmx autosave, exams.views.attempt_answer) when
300 candidates sit the same exam at once, each saving a short-text answer every 10 seconds,
against gunicorn on PostgreSQL with production settings (DEBUG off) - and whether any answer is
lost. An answer counts as lost if its request did not come back 200 "Saved at ...", or if at
the end the database does not hold, for that attempt and position, the last answer the client
was told was saved. The target is 0.

How: it creates a throwaway PostgreSQL database (127.0.0.1:5432, user postgres; dropped at the
end), migrates it, builds one guideline, a bank of short-text questions, one screening exam and
300 candidates with an open attempt each, directly through the ORM, and a logged-in session per
candidate written server-side (no login requests). It then starts gunicorn as in
docs/deployment.md (2 x cores + 1 sync workers unless told otherwise) and runs one thread per
candidate with the standard library's http.client. Each candidate starts at a random moment in
the first interval, so the load is spread, and cycles over its attempt's questions.

It ends with a cheaper, in-process comparison: the autosave as written (the attempt's row lock
with the open/deadline check in the query, then one UPDATE of the item;
services.attempt_save_answer) against the naive read-modify-write a first version would do
(lock the attempt, check the deadline in Python, load the item, save() it with its history row).

Run: .venv/bin/python benchmarks/autosave.py
Knobs (environment): BENCH_SECONDS (120), BENCH_CLIENTS (300), BENCH_INTERVAL (10 s),
BENCH_GUNICORN_WORKERS (2 x cores + 1), BENCH_GUNICORN_THREADS (1; above 1 uses gthread
workers with keep-alive), BENCH_BASELINE_SAVES (2000), BENCH_DB_NAME (workforce_bench_autosave).
Exits 1 if any answer was lost.
"""

import http.client
import logging
import os
import random
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DURATION = float(os.environ.get("BENCH_SECONDS", "120"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "300"))
INTERVAL = float(os.environ.get("BENCH_INTERVAL", "10"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", str(2 * CORES + 1)))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))
BASELINE_SAVES = int(os.environ.get("BENCH_BASELINE_SAVES", "2000"))
DB_NAME = os.environ.get("BENCH_DB_NAME", "workforce_bench_autosave")
PG = "host=127.0.0.1 port=5432 user=postgres"
ITEMS_PER_ATTEMPT = 5
BANK_SIZE = 20
REQUEST_TIMEOUT = 60  # seconds; gunicorn's own --timeout is 60 too

TMP = tempfile.mkdtemp(prefix="bench-autosave-")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ["DEBUG"] = "0"
os.environ["SECRET_KEY"] = secrets.token_urlsafe(64)
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["CSRF_COOKIE_SECURE"] = "0"
os.environ["SECURE_HSTS_SECONDS"] = "0"
os.environ["TASKS_BACKEND"] = "immediate"
os.environ["STATIC_ROOT"] = f"{TMP}/static"  # nothing is served from it; keeps whitenoise quiet
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["DJANGO_SETTINGS_MODULE"] = "workforce.settings"


def create_database():
    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database():
    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


create_database()

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)  # page creation runs tasks inline

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from exams import services  # noqa: E402
from exams.models import Attempt, AttemptItem, Exam, ExamSection, Question  # noqa: E402
from training.models import ChapterPage, GuidelineIndexPage, GuidelinePage  # noqa: E402
from workforce.people.models import Domain, User  # noqa: E402
from workforce.people.roles import Role  # noqa: E402


def build():
    """One guideline and exam, and per candidate: a user, a session and an open attempt. The
    last candidate is a spare, used to warm gunicorn up and for the in-process baseline."""
    call_command("migrate", verbosity=0)
    index = Page.get_first_root_node().add_child(
        instance=GuidelineIndexPage(title="Guidelines", slug="guidelines-bench")
    )
    guideline = index.add_child(
        instance=GuidelinePage(
            title="Legal guideline",
            slug="law-guideline",
            domain=Domain.objects.get_or_create(slug="law", defaults={"name": "Law"})[0],
        )
    )
    guideline.add_child(
        instance=ChapterPage(
            title="Clauses", slug="clauses", body=[("paragraph", "<p>Read every clause twice.</p>")]
        )
    )
    bank = Question.objects.bulk_create(
        Question(
            guideline=guideline,
            kind=Question.Kind.SHORT_TEXT,
            category="core",
            prompt=f"Name clause {i}",
            answer_key={"answers": [f"clause {i}"]},
            points=1,
        )
        for i in range(BANK_SIZE)
    )
    exam = Exam.objects.create(
        title="Legal screening",
        purpose=Exam.Purpose.SCREENING,
        guideline=guideline,
        time_limit_minutes=60,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=ITEMS_PER_ATTEMPT)

    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"candidate{n}@bench.example.org", password=password, first_name=f"C{n}")
            for n in range(CLIENTS + 1)
        ],
        batch_size=1000,
    )
    candidate = Group.objects.get(name=Role.CANDIDATE)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=candidate.pk) for u in users]
    )
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                exam=exam,
                user=u,
                number=1,
                started_at=now,
                deadline_at=now + timedelta(hours=1),
                max_score=ITEMS_PER_ATTEMPT,
            )
            for u in users
        ],
        batch_size=1000,
    )
    AttemptItem.objects.bulk_create(
        [
            AttemptItem(
                attempt=a, question=q, position=position, option_order=[], max_points=q.points
            )
            for a in attempts
            for position, q in enumerate(random.sample(bank, ITEMS_PER_ATTEMPT), start=1)
        ],
        batch_size=2000,
    )
    clients = []
    for n, (user, attempt) in enumerate(zip(users, attempts, strict=True)):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        # Django accepts an unmasked 32-character secret as the CSRF cookie; the header may
        # carry the same value (csrf.py: _check_token_format, _does_token_match).
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        clients.append(
            {
                "n": n,
                "attempt": attempt.pk,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
            }
        )
    return clients[:-1], clients[-1]


# --- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_args(port: int) -> list[str]:
    args = [
        str(ROOT / ".venv/bin/gunicorn"),
        "workforce.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--no-control-socket",
        "--error-logfile",
        f"{TMP}/gunicorn.log",
    ]
    if THREADS > 1:
        # Keep-alive longer than the autosave interval, so each candidate keeps its connection.
        args += ["--worker-class", "gthread", "--threads", str(THREADS)]
        args += ["--keep-alive", str(int(INTERVAL) + 5)]
    return args


def start_gunicorn(port: int) -> subprocess.Popen:
    log = open(f"{TMP}/gunicorn.log", "ab")  # noqa: SIM115 - the child keeps it open
    proc = subprocess.Popen(
        gunicorn_args(port),
        cwd=ROOT,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,  # Django's own log (tracebacks of 500s) goes here too
        start_new_session=True,  # Ctrl-C reaches us only; we stop it in order
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {TMP}/gunicorn.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/exams/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()  # graceful: the master stops its workers
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group we created for it
        proc.wait()


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def proc_status(pid: int, field: str) -> int:
    """A kB field of /proc/<pid>/status, such as VmHWM (peak resident memory)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks[:8]) - idle) / hz, sum(ticks[:8]) / hz


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the candidates --------------------------------------------------------------------------


class Candidate:
    """One browser tab: posts the htmx autosave, keeps its connection when the server does."""

    RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

    def __init__(self, client: dict, port: int):
        self.client, self.port = client, port
        self.conn = None
        self.results = []  # (started, latency, position, text, status)
        self.retries = 0

    def post(self, position: int, text: str):
        path = f"/exams/attempts/{self.client['attempt']}/answer/{position}/"
        body = urlencode({"text": text})
        headers = {
            "Cookie": self.client["cookie"],
            "X-CSRFToken": self.client["csrf"],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        for attempt in (1, 2):
            reused = self.conn is not None and self.conn.sock is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self.conn.request("POST", path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
            except self.RETRYABLE as error:
                self.conn.close()
                self.conn = None
                # The server closed an idle keep-alive connection before reading the request:
                # send it again once on a new one (the same answer again, so it is harmless).
                if reused and attempt == 1:
                    self.retries += 1
                    continue
                return f"error:{type(error).__name__}"
            except OSError as error:
                self.conn.close()
                self.conn = None
                return f"error:{type(error).__name__}"
            if response.status == 200 and b"Saved at" not in content:
                return "200-unexpected-body"
            return response.status
        return "error:retry"

    def run(self, start: float, stop: threading.Event):
        rng = random.Random(self.client["n"])
        due = start + rng.uniform(0, INTERVAL)
        k = 0
        while due < start + DURATION and not stop.is_set():
            if stop.wait(max(0.0, due - time.monotonic())):
                break
            position = k % ITEMS_PER_ATTEMPT + 1
            text = f"user{self.client['n']}-answer{k}"
            began = time.perf_counter()
            status = self.post(position, text)
            self.results.append((due - start, time.perf_counter() - began, position, text, status))
            k += 1
            due += INTERVAL
        if self.conn:
            self.conn.close()


def run_load(clients: list[dict], port: int) -> tuple[list[Candidate], float]:
    candidates = [Candidate(c, port) for c in clients]
    stop = threading.Event()
    start = time.monotonic() + 1.0  # all threads up before the clock starts
    threads = [
        threading.Thread(target=c.run, args=(start, stop), daemon=True, name=f"cand{c.client['n']}")
        for c in candidates
    ]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(timeout=0.5)
    finally:
        stop.set()
    return candidates, time.monotonic() - start


# --- figures ---------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def lost_in_database(candidates: list[Candidate]) -> tuple[int, list[str]]:
    expected = {}
    for c in candidates:
        for _due, _latency, position, text, status in c.results:
            if status == 200:
                expected[(c.client["attempt"], position)] = text
    held = {
        (a, p): (answer or {}).get("text")
        for a, p, answer in AttemptItem.objects.filter(
            attempt_id__in={c.client["attempt"] for c in candidates}
        ).values_list("attempt_id", "position", "answer")
    }
    missing = [
        f"attempt {a} position {p}: expected {text!r}, found {held.get((a, p))!r}"
        for (a, p), text in expected.items()
        if held.get((a, p)) != text
    ]
    return len(missing), missing


def naive_save(*, attempt: Attempt, position: int, answer: dict) -> None:
    """What a first version of the autosave usually looks like."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        now = timezone.now()
        if locked.status != Attempt.Status.OPEN or locked.deadline_at <= now:
            raise services.ExamError("closed")
        item = locked.items.get(position=position)
        item.answer, item.answered_at = answer, now
        item.save()


def time_saves(fn, attempt: Attempt, count: int) -> float:
    for k in range(50):  # warm-up
        fn(attempt=attempt, position=k % ITEMS_PER_ATTEMPT + 1, answer={"text": f"warm{k}"})
    started = time.perf_counter()
    for k in range(count):
        fn(attempt=attempt, position=k % ITEMS_PER_ATTEMPT + 1, answer={"text": f"save{k}"})
    return (time.perf_counter() - started) / count


def main() -> int:
    script_started = time.perf_counter()
    proc = None

    def on_sigterm(*_):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        started = time.perf_counter()
        clients, spare = build()
        print(
            f"built {len(clients)} candidates with an open attempt of {ITEMS_PER_ATTEMPT} "
            f"short-text questions each, sessions included, in {time.perf_counter() - started:.1f} s"
            f" (PostgreSQL database {DB_NAME})"
        )
        connections.close_all()

        port = free_port()
        proc = start_gunicorn(port)
        kind = f"gthread, {THREADS} threads each, keep-alive" if THREADS > 1 else "sync"
        print(
            f"gunicorn {WORKERS} workers ({kind}), --timeout 60, on 127.0.0.1:{port}, "
            f"{CORES} cores, DEBUG off, DB_CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
        )
        warm = Candidate(spare, port)  # every worker imports and compiles on first use
        for k in range(4 * WORKERS):
            status = warm.post(k % ITEMS_PER_ATTEMPT + 1, f"warmup{k}")
            assert status == 200, f"warm-up request answered {status}; see {TMP}/gunicorn.log"
        if warm.conn:
            warm.conn.close()

        print(
            f"running {len(clients)} candidates, one autosave each every {INTERVAL:g} s, "
            f"for {DURATION:g} s ..."
        )
        pids = [proc.pid, *worker_pids(proc.pid)]
        cpu_before = sum(cpu_seconds(p) for p in pids)
        machine_before = machine_cpu()
        candidates, elapsed = run_load(clients, port)
        machine_busy, machine_total = (
            b - a for a, b in zip(machine_before, machine_cpu(), strict=True)
        )
        pids = [proc.pid, *worker_pids(proc.pid)]
        cpu_used = sum(cpu_seconds(p) for p in pids) - cpu_before
        peak_rss = [proc_status(p, "VmHWM") for p in worker_pids(proc.pid)]
        stop_gunicorn(proc)

        results = [r for c in candidates for r in c.results]
        latencies = sorted(r[1] * 1000 for r in results)
        statuses = Counter(r[4] for r in results)
        not_ok = {s: n for s, n in statuses.items() if s != 200}
        db_lost, missing = lost_in_database(candidates)
        lost = sum(not_ok.values()) + db_lost

        print()
        print(f"requests sent          {len(results):8d}   in {elapsed:.1f} s")
        print(f"requests per second    {len(results) / elapsed:8.1f}")
        for label, p in (("p50", 50), ("p95", 95), ("p99", 99)):
            print(f"latency {label}            {percentile(latencies, p):8.1f} ms")
        print(f"latency max            {latencies[-1] if latencies else float('nan'):8.1f} ms")
        print(f"non-200 responses      {sum(not_ok.values()):8d}   {dict(not_ok) or ''}")
        print(f"saved but not in DB    {db_lost:8d}")
        print(f"answers lost           {lost:8d}   (must be 0)")
        print(f"keep-alive resends     {sum(c.retries for c in candidates):8d}")
        print(
            f"gunicorn CPU           {cpu_used:8.1f} s   ({100 * cpu_used / elapsed:.0f}% of one core;"
            f" {1000 * cpu_used / max(1, len(results)):.1f} ms a request)"
        )
        # Everything shares the cores: gunicorn, PostgreSQL, these 300 client threads, and
        # whatever else runs on the machine; a busy machine inflates the latencies above.
        print(
            f"machine CPU busy       {100 * machine_busy / machine_total:8.0f}%   of {CORES} cores"
            f" during the run (gunicorn {100 * cpu_used / machine_total:.0f}%)"
        )
        if peak_rss:
            print(
                f"gunicorn worker RSS    {max(peak_rss) / 1024:8.0f} MB peak "
                f"(sum {sum(peak_rss) / 1024:.0f} MB over {len(peak_rss)} workers)"
            )
        print(f"gunicorn command       {' '.join(gunicorn_args(port)[1:])}")
        for line in missing[:10]:
            print("  lost:", line)

        if BASELINE_SAVES:
            attempt = Attempt.objects.get(pk=spare["attempt"])
            ours = time_saves(services.attempt_save_answer, attempt, BASELINE_SAVES)
            naive = time_saves(naive_save, attempt, BASELINE_SAVES)
            print(
                f"in-process, {BASELINE_SAVES} saves each: lock + UPDATE (ours) "
                f"{ours * 1000:.2f} ms, naive lock + check + save() {naive * 1000:.2f} ms "
                f"(ratio {naive / ours:.1f}x)"
            )
        print(f"whole run took {time.perf_counter() - script_started:.0f} s")
        if lost:
            log = Path(f"{TMP}/gunicorn.log")
            if log.exists():
                print(f"--- last lines of {log} ---")
                print("\n".join(log.read_text().splitlines()[-30:]))
        return 1 if lost else 0
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        connections.close_all()
        drop_database()


if __name__ == "__main__":
    sys.exit(main())

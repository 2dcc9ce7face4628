"""Measuring for the benchmark scripts: best-of-N wall time, every query counted with its SQL
time, and peak memory from one more run under tracemalloc. Lives in a package so that
`make bench` (which runs benchmarks/*.py) does not run it as a benchmark."""

import os
import time
import tracemalloc
from dataclasses import dataclass

from django.db import connection

VERBOSE = int(os.environ.get("BENCH_VERBOSE") or "0")
REPEAT = 3


class QueryLog:
    """Every query run on the connection, with its time. Unlike connection.queries, which keeps
    only the last 9,000, it counts all of a naive baseline's."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))

    def __len__(self) -> int:
        return len(self.queries)


@dataclass
class Figures:
    seconds: float
    queries: int
    peak: int | None = None
    captured: list | None = None
    result: object = None

    @property
    def sql_seconds(self) -> float:
        return sum(seconds for seconds, _sql in self.captured or [])


def measure(fn, check, *, repeat: int = REPEAT, memory: bool = True) -> Figures:
    """Best wall time of `repeat` runs and their query count; peak memory from one more run
    under tracemalloc, which slows the code it watches, so it is not timed."""
    best, count, captured, result = None, 0, None, None
    for _ in range(repeat):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - started
        check(result)
        if best is None or elapsed < best:
            best, count, captured = elapsed, len(log), log.queries
    peak = None
    if memory:
        tracemalloc.start()
        check(fn())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Figures(best, count, peak, captured, result)


def ok_page(marker: str):
    def check(response) -> None:
        assert response.status_code == 200, f"{response.status_code} {response.get('Location', '')}"
        assert marker.encode() in response.content, f"{marker!r} not on the page"

    return check


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def queries_text(count: int) -> str:
    return f"{count:,} {'query' if count == 1 else 'queries'}"


def line(label: str, ours: Figures, naive: Figures | None = None, note: str = "") -> str:
    text = f"{label}: {duration(ours.seconds)} (SQL {duration(ours.sql_seconds)})"
    text += f", {queries_text(ours.queries)}"
    if ours.peak is not None:
        text += f", peak {ours.peak / 1e6:.1f} MB"
    if naive is not None:
        text += f"; naive {duration(naive.seconds)} (SQL {duration(naive.sql_seconds)})"
        text += f", {queries_text(naive.queries)}; ratio {naive.seconds / ours.seconds:.1f}x"
    return text + (f" {note}" if note else "")


def slowest(label: str, figures: Figures) -> None:
    if not VERBOSE or not figures.captured:
        return
    print(f"  slowest queries of {label}:")
    for seconds, sql in sorted(figures.captured, reverse=True)[:VERBOSE]:
        print(f"    {seconds * 1000:7.1f} ms  {sql[:300]}")

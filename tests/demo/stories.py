"""The demo's stories: the tests of tests/demo/test_<part>.py marked @story, which
tests/demo/test_dates.py checks again on a spread of dates. A story takes the demo (and the
value of its parametrize mark, if it has one) and nothing else; dates relative to today come
from the demo's own clock, as the demo's do."""

from workforce.demo import clock

STORIES = []


def story(check):
    """Register a demo test as one of the demo's stories; it stays a test as it was."""
    STORIES.append(check)
    return check


def cases(check) -> list[tuple]:
    """The arguments after `demo` a story is called with: one tuple per parametrized case."""
    marks = [m for m in getattr(check, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        return [()]
    (mark,) = marks
    names, values = mark.args[0], mark.args[1]
    single = "," not in names if isinstance(names, str) else len(names) == 1
    return [(value,) if single else tuple(value) for value in values]


def months():
    """The demo's two payroll months: (paid, open), the month before last and last month."""
    return clock.payroll_months()

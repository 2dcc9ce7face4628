"""The demo data that `make run` loads: idempotent, so running it twice creates nothing twice.

Each part builds one area's records, in dependency order; every part finds its records by
their natural keys and creates only what is missing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import (
    attendance,
    careers,
    employment,
    exams,
    payroll,
    people,
    projects,
    recruitment,
    reports,
    terms,
    training,
    work,
)

# In dependency order: each part reads what the parts before it made.
PARTS = [
    people,
    training,
    exams,
    terms,
    recruitment,
    projects,
    attendance,
    work,
    payroll,
    careers,
    reports,
    employment,
]


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def count(self, kind: str, was_created: bool) -> None:
        self.created[kind] = self.created.get(kind, 0) + int(was_created)


class _NoProgress:
    def set_total(self, total):
        pass

    def advance(self, message="", steps=1):
        pass


def build(progress=None) -> DemoSummary:
    """Create whatever demo records are missing, reporting progress step by step."""
    progress = progress or _NoProgress()
    summary = DemoSummary()
    progress.set_total(1 + sum(part.PROGRESS_STEPS for part in PARTS))
    for part in PARTS:
        part.build(summary=summary, progress=progress)
    progress.advance(_("Demo data ready"))
    summary.logins = people.logins()
    return summary

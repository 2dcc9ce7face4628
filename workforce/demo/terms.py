"""Demo terms: the projects and pay schemes, made before recruitment so that each demo offer
names the pay scheme its hire will be paid under (the projects come first because piece rates
are per project). The projects and payroll parts find them later and add the rest."""

from django.db import transaction
from django.utils.translation import gettext as _

from . import payroll, projects

PROGRESS_STEPS = 1


def build(*, summary, progress) -> None:
    projects.make(summary=summary)
    with transaction.atomic():
        payroll.schemes_make(summary)
    progress.advance(_("Projects and pay schemes, before the offers that name them"))

"""The roles of the system. Each is a Django group of the same name.

Which pages a role reaches is decided in each app's queries.py; this module only names the
roles and answers "which roles does this user hold", cached on the user for the request.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CANDIDATE = "Candidate", _("Candidate")
    ANNOTATOR = "Annotator", _("Annotator")
    QUALITY_INSPECTOR = "Quality inspector", _("Quality inspector")
    TRAINER = "Trainer", _("Trainer")
    SUPERVISOR = "Supervisor", _("Supervisor")
    PROJECT_MANAGER = "Project manager", _("Project manager")
    HR = "HR", _("HR")
    PAYROLL_ADMIN = "Payroll admin", _("Payroll admin")


# Staff who may look at any worker's record. Supervisors see only their own teams.
PEOPLE_MANAGERS = frozenset({Role.HR, Role.PROJECT_MANAGER, Role.PAYROLL_ADMIN})
# Roles that hold a Worker record and do annotation work at some rung.
WORKER_ROLES = frozenset(
    {Role.ANNOTATOR, Role.QUALITY_INSPECTOR, Role.TRAINER, Role.SUPERVISOR, Role.PROJECT_MANAGER}
)


def roles_of(user) -> frozenset[str]:
    """The roles a user holds now. A worker who left or is suspended keeps their login (to see
    their own record and pay) but loses what their role opened to them."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        from .models import Worker

        benched = Worker.objects.filter(
            user=user, status__in=[Worker.Status.LEFT, Worker.Status.SUSPENDED]
        ).exists()
        user._role_names = (
            frozenset() if benched else frozenset(user.groups.values_list("name", flat=True))
        )
    return user._role_names


def has_role(user, *roles: str) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(roles_of(user) & set(roles)))

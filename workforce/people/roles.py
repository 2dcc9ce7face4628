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

# The role each rung of the ladder holds, by Rung.Code value: a worker on a rung holds its role,
# and a promotion swaps one for the other.
RUNG_ROLES = {
    "annotator": Role.ANNOTATOR,
    "quality_inspector": Role.QUALITY_INSPECTOR,
    "trainer": Role.TRAINER,
    "supervisor": Role.SUPERVISOR,
    "project_manager": Role.PROJECT_MANAGER,
}


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


# --- Who may change whose roles -----------------------------------------------------------------
# The one place that decides who may grant roles, set passwords, grant staff, superuser or raw
# permissions, and edit the groups themselves. The Django admin (people/admin.py), Wagtail's
# /cms/users/ and /cms/groups/ (people/wagtail_hooks.py) and services.roles_set all ask here.


class RoleError(Exception):
    """A change of roles or account rights that the person asking may not make."""


# HR hires and places people: the candidate's role and the ladder's. HR and payroll rights open
# everyone's records and pay, so only a superuser grants them.
ROLES_HR_MAY_GRANT = frozenset({Role.CANDIDATE, *WORKER_ROLES})


def is_account_admin(user) -> bool:
    """A superuser: the only one who grants HR, Payroll admin, staff, superuser or raw
    permissions, sets another person's password, changes a login email or edits the groups."""
    return user.is_authenticated and user.is_active and user.is_superuser


def roles_grantable_by(actor, target=None) -> frozenset[str]:
    """The roles `actor` may add to or take from `target`. Nobody changes their own roles."""
    if target is not None and target.pk == actor.pk:
        return frozenset()
    if is_account_admin(actor):
        from django.contrib.auth.models import Group

        return frozenset(Group.objects.values_list("name", flat=True))
    if has_role(actor, Role.HR):
        return ROLES_HR_MAY_GRANT
    return frozenset()


def may_edit_account(actor, target) -> bool:
    """May `actor` open `target`'s account in an editor at all? Only a superuser edits a
    superuser, their own account, or someone holding a role `actor` cannot grant (HR's own
    colleagues, payroll admins)."""
    if is_account_admin(actor):
        return True
    if target.pk == actor.pk or target.is_superuser:
        return False
    if target.user_permissions.exists():  # raw permissions reach past any role HR grants
        return False
    grantable = roles_grantable_by(actor, target)
    if not grantable:
        return False
    held = set(target.groups.values_list("name", flat=True))
    return held <= grantable


def may_set_password(actor, target) -> bool:
    """Only a superuser sets another person's password; everyone sets their own through their
    account pages (allauth), which ask for the old one."""
    return is_account_admin(actor)


def may_grant_account_rights(actor, target=None) -> bool:
    """Staff and superuser status, raw permissions and the login email: a superuser's, and never
    on their own account (so a slip cannot lock the last superuser out)."""
    return is_account_admin(actor) and (target is None or target.pk != actor.pk)


def may_manage_groups(actor) -> bool:
    """Creating, renaming or deleting a group, or changing its permissions, grants rights to
    everyone in it: only a superuser does that."""
    return is_account_admin(actor)


def roles_change_check(*, actor, target, before: set[str], after: set[str]) -> None:
    """Refuse, with a reason a person can read, a change of `target`'s roles from `before` to
    `after` that `actor` may not make."""
    changed = before ^ after
    if not changed:
        return
    if target.pk == actor.pk:
        raise RoleError(_("Nobody may change their own roles; ask an administrator."))
    if not may_edit_account(actor, target):
        raise RoleError(_("You may not change the roles of %(user)s.") % {"user": target})
    refused = sorted(changed - roles_grantable_by(actor, target))
    if refused:
        labels = [str(Role(name).label) if name in Role.values else name for name in refused]
        raise RoleError(
            _("Only an administrator may grant or remove these roles: %(roles)s.")
            % {"roles": ", ".join(labels)}
        )

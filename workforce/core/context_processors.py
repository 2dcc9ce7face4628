from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workforce.core.middleware import mfa_setup_pending
from workforce.people import queries as people_queries
from workforce.people.roles import WORKER_ROLES, has_role


def navigation(request):
    """The header links, by role: each person sees only where they may go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or mfa_setup_pending(user):
        return {"nav_items": []}  # links would only lead back to the MFA setup page
    items = [(_("Home"), reverse("core:home"))]
    if has_role(user, *WORKER_ROLES):
        items.append((_("My profile"), reverse("people:my-profile")))
    if people_queries.can_browse_workers(user):
        items += [
            (_("Workers"), reverse("people:worker-list")),
            (_("Teams"), reverse("people:team-list")),
        ]
    if user.is_superuser:
        items.append((_("Jobs"), reverse("core:job-list")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    if user.has_perm("wagtailadmin.access_admin"):
        items.append((_("Content"), reverse("wagtailadmin_home")))
    return {"nav_items": items}

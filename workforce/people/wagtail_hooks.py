"""Wagtail's user and group editors (/cms/users/, /cms/groups/) are for superusers only.

They can grant any group, make a superuser and set anyone's password, with no per-field
guard; HR manages people through the Django admin, which asks people/roles.py field by field.
A permission policy (rather than before_edit_user hooks) closes every view at once: the list,
add, edit, delete, history and the bulk "assign role" action, and hides the menu items.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from . import roles as role_rules


class AccountAdminOnlyPolicy(BasePermissionPolicy):
    """Every action on the model is for an active superuser (roles.is_account_admin)."""

    def user_has_permission(self, user, action):
        return role_rules.is_account_admin(user)

    def user_has_any_permission(self, user, actions):
        return role_rules.is_account_admin(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


# exact_class wins over wagtail.users' own registration, whichever app is ready first.
register_permission_policy(get_user_model(), AccountAdminOnlyPolicy(get_user_model()), True)
register_permission_policy(Group, AccountAdminOnlyPolicy(Group), exact_class=True)

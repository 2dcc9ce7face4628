"""Admin mixins that need people's roles (core's admin mixins import no app)."""

from .roles import has_role


class RoleAdminMixin:
    """The holders of `admin_role` keep these admin pages whatever model permissions their
    group holds: the role, not a permission ticked in the admin, says who keeps the data."""

    admin_role: str

    def _allowed(self, request) -> bool:
        return request.user.is_active and has_role(request.user, self.admin_role)

    def has_module_permission(self, request):
        return self._allowed(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) or super().has_delete_permission(request, obj)

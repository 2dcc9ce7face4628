from django.contrib import admin

from workforce.people.roles import has_role

from .models import Job


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


class ReadOnlyAdminMixin:
    """Shown (with their history) and never added, edited, reverted or deleted here: these
    records change only through their app's services, which check who acts and what follows."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "done", "total", "started_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]

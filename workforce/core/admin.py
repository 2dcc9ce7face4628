from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Job
from .services import job_kinds


class ReadOnlyAdminMixin:
    """Shown (with their history) and never added, edited, reverted or deleted here: these
    records change only through their app's services, which check who acts and what follows."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefusalAdminMixin:
    """A domain error raised while the admin saves or deletes (an approved run refusing a
    change) is shown as a message on the page, not a server error. The change is rolled back:
    the admin's views run in a transaction that the error leaves."""

    refused_errors: tuple[type[Exception], ...] = ()

    def _refused(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except self.refused_errors as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refused(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refused(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refused(request, super().changelist_view, *args, **kwargs)


_history_form_view = SimpleHistoryAdmin.history_form_view


def _history_form_shown_only(self, request, object_id, version_id, extra_context=None):
    """django-simple-history hides the Revert button when reverting is disabled, yet still
    saves whatever is posted to the page, with view permission only (3.13). Refused here for
    every history admin, present and future: history is read, never written back."""
    if request.method != "GET" and self.revert_disabled(request):
        raise PermissionDenied
    return _history_form_view(self, request, object_id, version_id, extra_context)


SimpleHistoryAdmin.history_form_view = _history_form_shown_only


class JobKindFilter(admin.SimpleListFilter):
    """The kinds the apps registered, by their labels (the field has no choices)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = job_kinds()
        return sorted(((k, str(kind.label or k)) for k, kind in kinds.items()), key=lambda i: i[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "kind_display",
        "status",
        "done",
        "total",
        "started_by",
        "created_at",
        "finished_at",
    ]
    list_filter = [JobKindFilter, "status"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj):
        return obj.kind_label

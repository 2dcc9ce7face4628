from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    DailyTarget,
    HeadcountNeed,
    NdaAcknowledgement,
    Onboarding,
    Project,
    ToolToken,
)


class DailyTargetInline(admin.TabularInline):
    model = DailyTarget
    extra = 0


class HeadcountNeedInline(admin.TabularInline):
    model = HeadcountNeed
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "client", "domain", "status", "manager", "pay_kind", "created_at"]
    list_filter = ["status", "domain", "pay_kind", "has_harmful_content"]
    search_fields = ["name", "client"]
    autocomplete_fields = ["manager"]
    inlines = [DailyTargetInline, HeadcountNeedInline]


class NdaAcknowledgementInline(admin.TabularInline):
    model = NdaAcknowledgement
    extra = 0
    can_delete = False
    readonly_fields = ["version", "acknowledged_at", "ip_address"]

    def has_add_permission(self, request, obj=None):
        return False  # only the worker acknowledges, on their checklist page


@admin.register(Onboarding)
class OnboardingAdmin(SimpleHistoryAdmin):
    list_display = [
        "worker",
        "project",
        "started_at",
        "tool_access_granted_at",
        "rate_confirmed_at",
        "wellbeing_acknowledged_at",
    ]
    list_filter = ["project"]
    search_fields = ["worker__employee_number", "worker__user__email", "project__name"]
    readonly_fields = [
        "started_by",
        "tool_access_granted_by",
        "rate_confirmed_at",
        "rate_confirmed",
        "wellbeing_acknowledged_at",
    ]
    raw_id_fields = ["worker"]
    inlines = [NdaAcknowledgementInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["worker", "project", "role", "starts_on", "ends_on", "assigned_by"]
    list_filter = ["project", "role"]
    search_fields = ["worker__employee_number", "worker__user__email", "project__name"]
    readonly_fields = ["assigned_by", "created_at"]
    raw_id_fields = ["worker"]


@admin.register(ToolToken)
class ToolTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "has_read_access",
        "has_write_access",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    search_fields = ["name", "prefix"]
    # Tokens are made on the tokens page, which shows the raw token once; here the record, and
    # its scope may be changed (tokens made before scopes existed reach no project until then).
    filter_horizontal = ["projects"]
    readonly_fields = ["name", "prefix", "digest", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workforce.core.admin import ReadOnlyAdminMixin
from workforce.people.admin_mixins import RoleAdminMixin
from workforce.people.roles import Role

from .models import (
    ErrorType,
    QualityReview,
    ReviewError,
    ScoreFormula,
    ToolAccount,
    WorkImport,
    WorkRecord,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Work records, reviews and imports change only through their pages and the API."""

    pass


@admin.register(WorkRecord)
class WorkRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "worked_on",
        "worker",
        "project",
        "source",
        "items_submitted",
        "items_accepted",
        "items_rejected",
        "gold_seen",
        "gold_correct",
        "active_minutes",
    ]
    list_filter = ["source", "project"]
    search_fields = ["worker__employee_number", "worker__user__email", "project__name"]
    date_hierarchy = "worked_on"
    list_select_related = ["worker__user", "project"]
    raw_id_fields = ["worker", "work_import"]


class ReviewErrorInline(admin.TabularInline):
    model = ReviewError
    extra = 0
    can_delete = False
    fields = ["error_type", "count"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QualityReview)
class QualityReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "reviewed_on",
        "worker",
        "project",
        "inspector",
        "review_pass",
        "items_accepted",
        "items_rejected",
    ]
    list_filter = ["review_pass", "project"]
    search_fields = ["worker__employee_number", "worker__user__email", "inspector__email"]
    date_hierarchy = "reviewed_on"
    list_select_related = ["worker__user", "project", "inspector"]
    raw_id_fields = ["worker"]
    inlines = [ReviewErrorInline]


@admin.register(ErrorType)
class ErrorTypeAdmin(RoleAdminMixin, admin.ModelAdmin):
    """A list project managers keep up. Not a history admin: error types keep no history, and
    simple_history's history page was a 500 for them."""

    admin_role = Role.PROJECT_MANAGER
    list_display = ["name", "project", "description", "is_active"]
    list_editable = ["description", "is_active"]
    list_filter = ["project", "is_active"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at them: retire one by taking it out of use


@admin.register(ToolAccount)
class ToolAccountAdmin(SimpleHistoryAdmin):
    list_display = ["external_id", "tool", "worker", "created_by", "created_at"]
    list_filter = ["tool"]
    search_fields = ["external_id", "worker__employee_number", "worker__user__email"]
    list_select_related = ["worker__user", "created_by"]
    raw_id_fields = ["worker"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScoreFormula)
class ScoreFormulaAdmin(SimpleHistoryAdmin):
    list_display = [
        "effective_from",
        "gold_weight",
        "acceptance_weight",
        "first_pass_weight",
        "throughput_weight",
        "estimated_accuracy_weight",
        "created_by",
    ]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WorkImport)
class WorkImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["file_name", "file_format", "project", "uploaded_by", "uploaded_at", "status"]
    list_filter = ["status", "file_format"]
    search_fields = ["file_name"]
    list_select_related = ["project", "uploaded_by"]
    exclude = ["file"]  # private storage: the report page shows what matters

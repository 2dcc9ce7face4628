"""The ladder is set up here by HR: what each rung is, its default pay schemes, the criteria of
each step up, and disciplinary cases. Evaluations, promotion cases and career history are shown
and never edited or deleted here: nominations and decisions go through the careers pages and
their services, which change the rung, the role, the pay scheme and the history together.
History pages are shown and never reverted (see workforce.core.admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from workforce.core.admin import ReadOnlyAdminMixin, RefusalAdminMixin
from workforce.payroll.models import PayrollError
from workforce.people.admin_mixins import RoleAdminMixin
from workforce.people.roles import Role

from .models import (
    CareerStep,
    CaseDecidedError,
    Criterion,
    DefaultScheme,
    DisciplinaryCase,
    Evaluation,
    PromotionCase,
    RungProfile,
)


class HRMixin(RefusalAdminMixin, RoleAdminMixin):
    admin_role = Role.HR
    refused_errors = (CaseDecidedError, PayrollError)


class ShownOnlyMixin(ReadOnlyAdminMixin, HRMixin):
    pass


@admin.register(RungProfile)
class RungProfileAdmin(HRMixin, SimpleHistoryAdmin):
    list_display = ["rung", "description"]
    list_select_related = ["rung"]

    def has_delete_permission(self, request, obj=None):
        return False  # a rung without a profile shows nothing to the workers on it: edit it


@admin.register(DefaultScheme)
class DefaultSchemeAdmin(HRMixin, SimpleHistoryAdmin):
    list_display = ["rung", "site", "scheme"]
    list_filter = ["rung", "site"]
    list_select_related = ["rung", "site", "scheme"]


@admin.register(Criterion)
class CriterionAdmin(HRMixin, SimpleHistoryAdmin):
    list_display = ["rung", "kind", "threshold", "window_days", "exam", "position"]
    list_display_links = ["kind"]
    list_editable = ["threshold", "window_days", "position"]
    list_filter = ["rung", "kind"]
    list_select_related = ["rung", "exam"]
    fieldsets = [
        (None, {"fields": ["rung", "kind", "position"]}),
        (_("What is measured"), {"fields": ["threshold", "window_days", "exam"]}),
    ]


@admin.register(DisciplinaryCase)
class DisciplinaryCaseAdmin(HRMixin, SimpleHistoryAdmin):
    list_display = ["worker", "summary", "opened_on", "closed_on", "opened_by"]
    list_filter = [("closed_on", admin.EmptyFieldListFilter), "opened_on"]
    search_fields = ["worker__employee_number", "worker__user__email", "summary"]
    list_select_related = ["worker__user", "opened_by"]
    raw_id_fields = ["worker"]
    readonly_fields = ["opened_by"]
    date_hierarchy = "opened_on"

    def has_delete_permission(self, request, obj=None):
        return False  # the record stays: close the case instead

    def save_model(self, request, obj, form, change):
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Evaluation)
class EvaluationAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = ["worker", "next_rung", "evaluated_on", "is_eligible", "eligible_since"]
    list_filter = ["is_eligible", "next_rung"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    list_select_related = ["worker__user", "next_rung"]


@admin.register(PromotionCase)
class PromotionCaseAdmin(ShownOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "worker",
        "kind",
        "from_rung",
        "to_rung",
        "status",
        "nominated_by",
        "nominated_at",
        "decided_by",
        "effective_on",
    ]
    list_filter = ["status", "kind", "to_rung"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    list_select_related = ["worker__user", "from_rung", "to_rung", "nominated_by", "decided_by"]
    date_hierarchy = "nominated_at"
    # Back pay is pay: HR reads cases here, and the adjustments' amounts are not theirs to see.
    exclude = ["back_pay"]


@admin.register(CareerStep)
class CareerStepAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = ["worker", "kind", "effective_on", "from_rung", "to_rung", "team"]
    list_filter = ["kind", "to_rung"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    list_select_related = ["worker__user", "from_rung", "to_rung", "team"]
    date_hierarchy = "effective_on"

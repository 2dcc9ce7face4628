"""Pay schemes are set up here by payroll admins; runs, payslips, lines and the ledger are
shown and never edited or deleted here (their pages and services are the only way in, and an
approved run refuses every change anyway). History pages are shown and never reverted (see
workforce.core.admin); a refusal from the models is a message on the page."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workforce.core.admin import ReadOnlyAdminMixin, RefusalAdminMixin
from workforce.core.storage import private_file_field
from workforce.people.admin_mixins import RoleAdminMixin
from workforce.people.roles import Role

from . import services
from .models import (
    Adjustment,
    Allowance,
    BankAccount,
    Deferral,
    DeferredPart,
    HourlyRate,
    PayLine,
    PayrollError,
    PayrollRun,
    PayScheme,
    Payslip,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
)


class PayrollAdminsMixin(RefusalAdminMixin, RoleAdminMixin):
    admin_role = Role.PAYROLL_ADMIN
    refused_errors = (PayrollError,)


class ShownOnlyMixin(ReadOnlyAdminMixin, PayrollAdminsMixin):
    pass


class VersionChild(PayrollAdminsMixin, admin.TabularInline):
    extra = 0

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.is_used()

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class AllowanceInline(VersionChild):
    model = Allowance


class PerformanceTierInline(VersionChild):
    model = PerformanceTier


class PieceRateInline(VersionChild):
    model = PieceRate
    autocomplete_fields = ["project"]


class QualityBandInline(VersionChild):
    model = QualityBand


class HourlyRateInline(VersionChild):
    model = HourlyRate


class DeferralInline(VersionChild):
    model = Deferral


class VersionForm(forms.ModelForm):
    class Meta:
        model = SchemeVersion
        fields = [
            "scheme",
            "effective_from",
            "base_amount",
            "attendance_bonus_amount",
            "hours_source",
            "overtime_after_minutes",
            "overtime_multiplier",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        version = self.instance
        for name in ("scheme", "effective_from"):
            if name in cleaned:
                setattr(version, name, cleaned[name])
        try:
            services.version_check(version)
        except PayrollError as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned


class VersionInline(ShownOnlyMixin, admin.TabularInline):
    model = SchemeVersion
    fields = ["effective_from", "base_amount", "attendance_bonus_amount", "note"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(PayScheme)
class PaySchemeAdmin(PayrollAdminsMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "currency"]
    list_filter = ["kind", "currency"]
    search_fields = ["name"]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # paid lines and assignments point at it: stop assigning it instead


@admin.register(SchemeVersion)
class SchemeVersionAdmin(PayrollAdminsMixin, SimpleHistoryAdmin):
    form = VersionForm
    list_display = ["scheme", "effective_from", "base_amount", "attendance_bonus_amount", "note"]
    list_filter = ["scheme__kind", "scheme"]
    list_select_related = ["scheme"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [
        AllowanceInline,
        PerformanceTierInline,
        PieceRateInline,
        QualityBandInline,
        HourlyRateInline,
        DeferralInline,
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_used():
            return False  # paid in an approved run: add a version from a later month instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_used():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SchemeAssignment)
class SchemeAssignmentAdmin(PayrollAdminsMixin, SimpleHistoryAdmin):
    list_display = ["worker", "scheme", "starts_on", "ends_on"]
    list_filter = ["scheme"]
    search_fields = ["worker__employee_number", "worker__user__email", "scheme__name"]
    list_select_related = ["worker__user", "scheme"]
    raw_id_fields = ["worker"]


@admin.register(BankAccount)
class BankAccountAdmin(PayrollAdminsMixin, SimpleHistoryAdmin):
    list_display = ["worker", "holder", "bank_code"]
    search_fields = ["worker__employee_number", "worker__user__email", "holder"]
    list_select_related = ["worker__user"]
    raw_id_fields = ["worker"]


@admin.register(PayrollRun)
class PayrollRunAdmin(ShownOnlyMixin, SimpleHistoryAdmin):
    list_display = ["period_start", "site", "team", "status", "calculated_by", "approved_by"]
    list_filter = ["status", "site"]
    list_select_related = ["site", "team", "calculated_by", "approved_by"]
    # The ZIP by name, linked to the run's ZIP view, which checks who asks.
    exclude = ["payslips_zip"]
    readonly_fields = [
        private_file_field(
            "payslips_zip",
            "payroll:run-zip",
            PayrollRun._meta.get_field("payslips_zip").verbose_name,
        )
    ]


@admin.register(Payslip)
class PayslipAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = ["run", "worker", "team", "error"]
    list_filter = ["run"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    list_select_related = ["run", "worker__user", "team"]


@admin.register(PayLine)
class PayLineAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = ["payslip", "component", "currency", "amount", "project"]
    list_filter = ["component", "currency"]
    list_select_related = ["payslip__run", "payslip__worker__user", "project"]


@admin.register(DeferredPart)
class DeferredPartAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = ["worker", "component", "amount", "currency", "due_on"]
    list_filter = ["component", "currency"]
    list_select_related = ["worker__user"]


@admin.register(Adjustment)
class AdjustmentAdmin(PayrollAdminsMixin, SimpleHistoryAdmin):
    list_display = ["worker", "amount", "currency", "reason", "created_by", "created_at"]
    list_select_related = ["worker__user", "created_by"]
    raw_id_fields = ["worker", "corrects"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_paid():
            return False  # paid in an approved run: correct it with another adjustment
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.lines.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

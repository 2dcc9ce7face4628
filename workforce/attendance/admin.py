from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AttendanceRecord,
    ClockImport,
    CompanyDayOff,
    LeaveRequest,
    LeaveType,
    Schedule,
    ScheduleDay,
    TimesheetEntry,
    TimesheetWeek,
)


class RecordOnlyAdmin(SimpleHistoryAdmin):
    """Stays, leave and timesheets change only through their pages, whose services check who
    acts, keep the reason and respect approval locks; the admin shows them and their history
    and never edits, reverts or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScheduleDayInline(admin.TabularInline):
    model = ScheduleDay
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "worker", "effective_from", "effective_to"]
    list_filter = ["team"]
    search_fields = ["name", "team__name", "worker__employee_number"]
    raw_id_fields = ["worker"]
    inlines = [ScheduleDayInline]


@admin.register(CompanyDayOff)
class CompanyDayOffAdmin(SimpleHistoryAdmin):
    list_display = ["falls_on", "name", "site"]
    list_filter = ["site"]
    date_hierarchy = "falls_on"


@admin.register(LeaveType)
class LeaveTypeAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "is_paid", "yearly_allowance_days"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(RecordOnlyAdmin):
    list_display = ["worker", "leave_type", "starts_on", "ends_on", "days", "status"]
    list_filter = ["status", "leave_type"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["worker"]


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(RecordOnlyAdmin):
    list_display = ["worker", "worked_on", "check_in_at", "check_out_at", "source", "corrected_by"]
    list_filter = ["source"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    date_hierarchy = "worked_on"
    raw_id_fields = ["worker", "clock_import"]


class TimesheetEntryInline(admin.TabularInline):
    model = TimesheetEntry
    fk_name = "week"
    extra = 0
    can_delete = False
    fields = ["worked_on", "project", "minutes", "note", "corrects", "reason", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # the contractor logs hours on their timesheet page


@admin.register(TimesheetWeek)
class TimesheetWeekAdmin(RecordOnlyAdmin):
    list_display = ["worker", "starts_on", "status", "submitted_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["worker__employee_number", "worker__user__email"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["worker"]
    inlines = [TimesheetEntryInline]


@admin.register(ClockImport)
class ClockImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "uploaded_at", "status", "row_count"]
    list_filter = ["status"]
    readonly_fields = [
        "file_name",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "status",
        "row_count",
        "duplicate_count",
        "created_count",
        "closing_count",
        "error_count",
        "errors",
        "job",
    ]
    # valid_rows: written as checked, the report page shows what matters. file: a private
    # file has no URL, which the read-only form would ask for, and is gone once checked.
    exclude = ["valid_rows", "file"]

    def has_add_permission(self, request):
        return False  # uploaded and checked on the import page

    def has_change_permission(self, request, obj=None):
        return False

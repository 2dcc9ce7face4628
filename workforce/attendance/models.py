"""Who was scheduled to work when, who came, who was away, and the hours contractors logged.

Times are stored in UTC; every record also keeps the local date it belongs to at the worker's
site (`worked_on`), because a day of attendance is a local day.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from workforce.core.imports import FileImport


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DayStatus(models.TextChoices):
    """What a worker's day was, derived from schedule, holidays, leave and records."""

    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    HALF_DAY = "half_day", _("Half day")
    ABSENT = "absent", _("Absent")
    PAID_LEAVE = "paid_leave", _("On paid leave")
    UNPAID_LEAVE = "unpaid_leave", _("On unpaid leave")
    HOLIDAY = "holiday", _("Holiday")
    REST_DAY = "rest_day", _("Rest day")
    UPCOMING = "upcoming", _("Not yet")
    NOT_EMPLOYED = "not_employed", _("Not employed")


class Schedule(models.Model):
    """A weekly working pattern for a team, or for one worker (which then wins over the team's),
    between two dates."""

    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("team"),
    )
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("worker"),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("Empty while it still applies.")
    )
    late_grace_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes)"),
        default=10,
        validators=[MaxValueValidator(240)],
        help_text=_("A check-in this many minutes after the start is still on time."),
    )
    half_day_minutes = models.PositiveSmallIntegerField(
        _("half day below (minutes worked)"),
        default=240,
        validators=[MaxValueValidator(1440)],
        help_text=_("A workday with fewer minutes worked than this counts as a half day."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["-effective_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True) ^ Q(worker__isnull=True),
                name="schedule_for_team_or_worker",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="schedule_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.team_id) == bool(self.worker_id):
            raise ValidationError(_("A schedule applies to a team or to one worker: choose one."))
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The schedule cannot end before it starts.")})
        end = self.effective_to or date.max
        overlapping = (
            Schedule.objects.filter(team_id=self.team_id, worker_id=self.worker_id)
            .exclude(pk=self.pk)
            .filter(effective_from__lte=end)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))
        )
        if overlapping.exists():
            raise ValidationError(
                _("%(schedule)s already applies during these dates: end it first.")
                % {"schedule": overlapping.first()}
            )


class ScheduleDay(models.Model):
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="days", verbose_name=_("schedule")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(
        _("ends at"), help_text=_("An end before the start means the shift ends the next day.")
    )

    class Meta:
        verbose_name = _("working day")
        verbose_name_plural = _("working days")
        ordering = ["schedule", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "weekday"], name="one_pattern_per_weekday")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def minutes(self) -> int:
        start = self.starts_at.hour * 60 + self.starts_at.minute
        end = self.ends_at.hour * 60 + self.ends_at.minute
        return end - start if end > start else end + 24 * 60 - start


class CompanyDayOff(models.Model):
    """A day the company closes beyond public holidays: at one site, or everywhere."""

    site = models.ForeignKey(
        "people.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="days_off",
        verbose_name=_("site"),
        help_text=_("Empty for every site."),
    )
    falls_on = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company day off")
        verbose_name_plural = _("company days off")
        ordering = ["-falls_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "falls_on"], name="one_day_off_per_site_and_date"
            ),
            models.UniqueConstraint(
                fields=["falls_on"],
                condition=Q(site__isnull=True),
                name="one_company_wide_day_off_per_date",
            ),
        ]

    def __str__(self):
        return f"{self.falls_on}: {self.name}"


class ClockImport(FileImport):
    """One door or clock system file: checked row by row first, imported on request.

    A large file is kept in private storage and checked by a background job (CHECKING), then
    deleted once its report is kept; a check that failed says why and can be tried again."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECK_FAILED = "check_failed", _("Check failed")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    # The file is kept only while a background check needs it: the report keeps what the
    # import writes.
    upload_folder = "clock-imports"

    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKED
    )
    # Why a background check failed (the file as a whole, or its worker stopped), for the uploader.
    check_failure = models.CharField(_("why the check failed"), max_length=300, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # The valid rows, normalised ([row, worker id, check-in ISO, check-out ISO or ""]), so the
    # import writes exactly what was checked.
    valid_rows = models.JSONField(_("valid rows"), default=list, blank=True)
    duplicate_count = models.PositiveIntegerField(_("already imported"), default=0)
    # One {"row": n, "message": "..."} per bad row, in the uploader's language.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Stays already stored while still open, which this file closes with their check-out.
    closing_count = models.PositiveIntegerField(_("open stays closed"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)

    class Meta(FileImport.Meta):
        verbose_name = _("clock import")
        verbose_name_plural = _("clock imports")


class AttendanceRecord(models.Model):
    """One stay at work: a check-in and, once the worker leaves, a check-out."""

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        IMPORT = "import", _("Clock import")
        CORRECTION = "correction", _("Entered by a supervisor")

    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="attendance_records",
        verbose_name=_("worker"),
    )
    worked_on = models.DateField(_("date"), help_text=_("The local date of the check-in."))
    check_in_at = models.DateTimeField(_("check-in"))
    check_out_at = models.DateTimeField(_("check-out"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    clock_import = models.ForeignKey(
        ClockImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("clock import"),
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["-check_in_at"]
        indexes = [models.Index(fields=["worked_on", "worker"])]
        constraints = [
            # Re-importing a clock file finds its rows by this key and creates nothing twice.
            models.UniqueConstraint(fields=["worker", "check_in_at"], name="one_check_in_per_time"),
            models.CheckConstraint(
                condition=Q(check_out_at__isnull=True) | Q(check_out_at__gt=F("check_in_at")),
                name="check_out_after_check_in",
            ),
        ]

    def __str__(self):
        return f"{self.worker} {self.worked_on}"

    @property
    def minutes(self) -> int | None:
        if self.check_out_at is None:
            return None
        return int((self.check_out_at - self.check_in_at).total_seconds() // 60)


class LeaveType(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual leave")
        SICK = "sick", _("Sick leave")
        PERSONAL = "personal", _("Personal leave")
        UNPAID = "unpaid", _("Unpaid leave")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    is_paid = models.BooleanField(_("paid"))
    yearly_allowance_days = models.DecimalField(
        _("days a year"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["kind"]

    def __str__(self):
        return str(self.get_kind_display())


class LeaveRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="leave_requests",
        verbose_name=_("worker"),
    )
    leave_type = models.ForeignKey(
        LeaveType, on_delete=models.PROTECT, related_name="requests", verbose_name=_("leave type")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # The scheduled workdays the leave covers, counted when it is requested.
    days = models.DecimalField(_("workdays"), max_digits=5, decimal_places=1)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["worker", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.worker}: {self.leave_type} {self.starts_on}–{self.ends_on}"


class TimesheetWeek(models.Model):
    """A contractor's week of hours: open while they log, submitted, then approved and locked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", pgettext_lazy("timesheet week status", "Submitted")
        APPROVED = "approved", _("Approved")

    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="timesheet_weeks",
        verbose_name=_("worker"),
    )
    starts_on = models.DateField(_("week of"), help_text=_("The Monday the week starts on."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason it was sent back"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timesheet week")
        verbose_name_plural = _("timesheet weeks")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "starts_on"], name="one_timesheet_per_week")
        ]

    def __str__(self):
        return f"{self.worker}: {self.starts_on}"

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


class TimesheetEntryQuerySet(models.QuerySet):
    def current(self):
        """Entries that stand: those no later entry corrects."""
        return self.filter(corrected_by__isnull=True)


class TimesheetEntry(models.Model):
    """Hours on one project on one day. Once its week is approved it never changes: a
    correction is a new entry that names the one it replaces."""

    week = models.ForeignKey(
        TimesheetWeek, on_delete=models.PROTECT, related_name="entries", verbose_name=_("week")
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="timesheet_entries",
        verbose_name=_("project"),
    )
    worked_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MaxValueValidator(24 * 60)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    objects = TimesheetEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("timesheet entry")
        verbose_name_plural = _("timesheet entries")
        ordering = ["worked_on", "created_at"]
        indexes = [models.Index(fields=["worked_on", "week"])]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__lte=24 * 60), name="at_most_a_day"),
        ]

    def __str__(self):
        return f"{self.project} {self.worked_on}: {self.minutes} min"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

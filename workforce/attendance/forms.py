"""The attendance app's forms. They parse what people type; every rule on the values (a
balance, an overlap, a locked week) is the services' to check, so their messages show
beside the form as they are."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Site, Team, Worker

from .imports import MAX_FILE_BYTES
from .models import LeaveType, Schedule, Weekday

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def hours_to_minutes(hours: Decimal) -> int:
    """Hours as typed (7.5) to whole minutes (450), rounded half up."""
    return int((hours * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class LeaveRequestForm(forms.Form):
    leave_type = forms.ModelChoiceField(label=_("Leave type"), queryset=LeaveType.objects.all())
    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything your supervisor should know, such as who covers for you."),
    )


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class StayForm(forms.Form):
    """A stay at work in local wall-clock time at the worker's site: check-in, an optional
    check-out, and why a supervisor enters or changes it."""

    check_in_on = forms.DateField(label=_("Check-in date"), widget=DATE_INPUT)
    check_in_time = forms.TimeField(label=_("Check-in time"), widget=TIME_INPUT)
    check_out_on = forms.DateField(
        label=_("Check-out date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: the same day as the check-in."),
    )
    check_out_time = forms.TimeField(
        label=_("Check-out time"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Empty while the worker is still in."),
    )
    # Required by the service, which says why; the browser asks for it first.
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"required": True}),
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def clean(self):
        data = super().clean()
        check_in_on, check_in_time = data.get("check_in_on"), data.get("check_in_time")
        out_on, out_time = data.get("check_out_on"), data.get("check_out_time")
        if check_in_on is None or check_in_time is None:
            return data
        if out_on and out_time is None:
            raise ValidationError(_("Give the check-out time too, or leave both empty."))
        data["check_in_at"] = datetime.combine(check_in_on, check_in_time, tzinfo=self.zone)
        data["check_out_at"] = (
            datetime.combine(out_on or check_in_on, out_time, tzinfo=self.zone)
            if out_time is not None
            else None
        )
        return data


def stay_initial(record, time_zone: str) -> dict:
    """A record's times as the local wall-clock values the stay form shows."""
    zone = ZoneInfo(time_zone)
    check_in = record.check_in_at.astimezone(zone)
    initial = {"check_in_on": check_in.date(), "check_in_time": check_in.time()}
    if record.check_out_at:
        check_out = record.check_out_at.astimezone(zone)
        initial |= {"check_out_on": check_out.date(), "check_out_time": check_out.time()}
    return initial


class HoursForm(forms.Form):
    """Hours typed as a decimal; `minutes` in cleaned_data is what the services take."""

    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        help_text=_("Such as 7.5 for seven and a half hours."),
    )

    def clean(self):
        data = super().clean()
        if data.get("hours") is not None:
            data["minutes"] = hours_to_minutes(data["hours"])
        return data


class TimesheetEntryForm(HoursForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    worked_on = forms.TypedChoiceField(label=_("Day"), coerce=date.fromisoformat)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    field_order = ["project", "worked_on", "hours", "note"]

    def __init__(self, *args, projects, dates: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["worked_on"].choices = [
            (day.isoformat(), formats.date_format(day, "l j F")) for day in dates
        ]


class TimesheetReturnForm(forms.Form):
    reason = forms.CharField(label=_("What to change"), required=False, max_length=1000)


class TimesheetCorrectForm(HoursForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class ClockImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv (UTF-8) or .xlsx file with one stay per row, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 20 MB: split it by month."))
        return upload


class DayOffForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.order_by("name"),
        required=False,
        empty_label=_("All sites"),
    )
    falls_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Such as Company retreat."), required=False
    )


class ScheduleForm(forms.ModelForm):
    """A weekly pattern for a team or one worker; each weekday's hours below (empty: off)."""

    class Meta:
        model = Schedule
        fields = [
            "name",
            "team",
            "worker",
            "effective_from",
            "effective_to",
            "late_grace_minutes",
            "half_day_minutes",
        ]
        widgets = {"effective_from": DATE_INPUT, "effective_to": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.select_related("site").order_by("name")
        self.fields["worker"].queryset = (
            Worker.objects.exclude(status=Worker.Status.LEFT)
            .select_related("user")
            .order_by("employee_number")
        )
        for weekday, label in Weekday.choices:
            self.fields[f"starts_{weekday}"] = forms.TimeField(
                label=_("%(day)s from") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"ends_{weekday}"] = forms.TimeField(
                label=_("%(day)s to") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def day_fields(self):
        return [
            (label, self[f"starts_{weekday}"], self[f"ends_{weekday}"])
            for weekday, label in Weekday.choices
        ]

    def clean(self):
        data = super().clean()
        for weekday, label in Weekday.choices:
            start, end = data.get(f"starts_{weekday}"), data.get(f"ends_{weekday}")
            if bool(start) != bool(end):
                self.add_error(
                    f"ends_{weekday}" if start else f"starts_{weekday}",
                    _("Give both times for %(day)s, or neither for a day off.") % {"day": label},
                )
        return data

    def days(self) -> list[tuple[int, object, object]]:
        """The working days: (weekday, starts at, ends at)."""
        data = self.cleaned_data
        return [
            (weekday, data[f"starts_{weekday}"], data[f"ends_{weekday}"])
            for weekday, _label in Weekday.choices
            if data.get(f"starts_{weekday}")
        ]


class ScheduleEndForm(forms.Form):
    effective_to = forms.DateField(label=_("Last day"), widget=DATE_INPUT)


class LeaveTypeForm(forms.ModelForm):
    class Meta:
        model = LeaveType
        fields = ["is_paid", "yearly_allowance_days"]


LeaveTypeFormSet = forms.modelformset_factory(LeaveType, form=LeaveTypeForm, extra=0)

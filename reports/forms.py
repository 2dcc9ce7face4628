"""The filter of a report, read from the address so that every report has a stable URL that
can be bookmarked: /reports/payroll/?start=2026-03-01&end=2026-03-31&team=4.

A value left out takes its default (the period: the last complete month); a value outside what
the user may see is an error beside its field, never a wider report.
"""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Domain, Site, Team, Worker
from workforce.projects.models import Project

from . import queries
from .base import ReportFilter, Scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILTER_NAMES = ("run", "site", "team", "project", "domain", "worker")
LONGEST_PERIOD = timedelta(days=5 * 366)
# Above this many workers, the worker is typed (employee number) instead of chosen from a list.
WORKER_CHOICES_MAX = 500


def last_complete_month(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class WorkerField(forms.ModelChoiceField):
    """A worker by id (as the bookmarkable address has it) or by employee number (as a person
    types it). Any worker parses; whether the user may see them is queries.may_open's call."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        worker = self.queryset.filter(employee_number__iexact=value).first()
        if worker is None and value.isdigit():
            worker = self.queryset.filter(pk=int(value)).first()
        if worker is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return worker


def default_period(report_type, scope: Scope, today: date | None = None) -> tuple[date, date]:
    """The last complete month, or the report's own number of complete months (retention
    follows a year's hires); for the payroll report, the latest month up to it with a run this
    user sees: a team lead's last month often still waits for approval, and an empty report is
    a poor place to start."""
    start, end = last_complete_month(today)
    if report_type.default_months > 1:
        year, month = divmod(start.year * 12 + start.month - report_type.default_months, 12)
        return date(year, month + 1, 1), end
    if "run" not in report_type.filters:
        return start, end
    runs = queries.runs_in(scope).filter(period_start__lte=start)
    if scope.team_ids is not None:
        runs = runs.filter(payslips__team_id__in=scope.team_ids)
    latest = runs.values_list("period_start", "period_end").first()
    return latest if latest is not None else (start, end)


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)
    run = forms.ModelChoiceField(
        label=_("Payroll run"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Every run of the period"),
        error_messages={"invalid_choice": _("Choose one of the runs listed.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.all(), required=False, empty_label=_("Every site")
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Every team"),
        error_messages={"invalid_choice": _("Choose one of the teams you may see.")},
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.order_by("name"),
        required=False,
        empty_label=_("Every project"),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        empty_label=_("Every domain"),
    )
    worker = WorkerField(
        label=_("Worker"),
        queryset=Worker.objects.select_related("user"),
        required=True,
        empty_label=_("Choose a worker"),
        error_messages={
            "required": _("Choose the worker whose statement you want."),
            "invalid_choice": _("No worker has this employee number."),
        },
    )

    def __init__(self, data, *, report_type, scope: Scope, today: date | None = None):
        start, end = default_period(report_type, scope, today)
        defaults = {"start": start.isoformat(), "end": end.isoformat()}
        own = queries.own_worker(scope.user)
        if own is not None:
            defaults["worker"] = str(own.pk)
        given = {
            name: value
            for name, value in (data or {}).items()
            if name in self.base_fields and value not in ("", None)
        }
        super().__init__({**defaults, **given})
        self.report_type = report_type
        self.scope = scope
        for name in FILTER_NAMES:
            if name not in report_type.filters:
                del self.fields[name]
        if "team" in self.fields:
            self.fields["team"].queryset = queries.teams_in(scope)
        if "run" in self.fields:
            self.fields["run"].queryset = queries.runs_in(scope)
        if "worker" in self.fields:
            self._offer_workers(scope)

    def _offer_workers(self, scope: Scope) -> None:
        field = self.fields["worker"]
        workers = queries.workers_in(scope)
        if workers.count() > WORKER_CHOICES_MAX:
            field.widget = forms.TextInput()
            field.help_text = _("The worker's employee number.")
        else:
            field.widget.choices = [("", field.empty_label)] + [
                (worker.pk, str(worker)) for worker in workers
            ]

    def clean(self):
        data = super().clean()
        run = data.get("run")
        if run is not None:
            # A run fixes the period: its month.
            data["start"], data["end"] = run.period_start, run.period_end
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period is before its start."))
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", _("A report covers at most five years."))
        return data

    def report_filter(self) -> ReportFilter:
        data = self.cleaned_data

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        return ReportFilter(
            start=data["start"],
            end=data["end"],
            site_id=pk("site"),
            team_id=pk("team"),
            project_id=pk("project"),
            domain_id=pk("domain"),
            worker_id=pk("worker"),
            run_id=pk("run"),
        )


def filter_from_query(query: str) -> ReportFilter:
    """A filter stored by to_query() (a background job's, a schedule's), read back as it was
    checked when it was stored."""
    from django.http import QueryDict

    values = QueryDict(query)

    def number(name):
        value = values.get(name)
        return int(value) if value else None

    return ReportFilter(
        start=date.fromisoformat(values["start"]),
        end=date.fromisoformat(values["end"]),
        **{f"{name}_id": number(name) for name in FILTER_NAMES},
    )

"""The work app's forms. They parse what people type; the rules on the values (readiness on
the project, exposure limits, counts that must add up, who may review whom) are the services'
to check, so their messages show beside the form as they are."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Worker
from workforce.projects.models import Project

from . import queries
from .imports import MAX_FILE_BYTES
from .models import MINUTES_A_DAY, ErrorType, QualityReview, WorkImport

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_DAYS = 30
MAX_DAYS = 366


class PeriodForm(forms.Form):
    """A period asked for in the address (?start=&end=): the last 30 days by default; a
    period longer than MAX_DAYS is shortened to its last MAX_DAYS days."""

    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, data, *, today: date):
        asked = {k: v for k, v in (data or {}).items() if k in {"start", "end"} and v}
        super().__init__(
            asked or None,
            initial={"start": today - timedelta(days=DEFAULT_DAYS - 1), "end": today},
        )
        self.today = today
        self.note = ""

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationError(_("The start of the period comes after its end."))
        if (end - start).days + 1 > MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
            self.note = _("A period covers at most %(days)s days: showing the last %(days)s.") % {
                "days": MAX_DAYS
            }
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The period to show: the one asked for when it makes sense, else the default."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.today - timedelta(days=DEFAULT_DAYS - 1), self.today


def _count(label, help_text="", maximum=None):
    return forms.IntegerField(
        label=label, min_value=0, max_value=maximum, initial=0, help_text=help_text
    )


class RecordForm(forms.Form):
    """A day's totals of one worker on one project, entered by hand."""

    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    worked_on = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    items_submitted = _count(_("Items submitted"))
    items_accepted = _count(_("Items accepted"), _("By the tool's reviewers."))
    items_rejected = _count(_("Items rejected"), _("By the tool's reviewers."))
    gold_seen = _count(_("Gold items seen"), _("Items with a known answer, among those submitted."))
    gold_correct = _count(_("Gold items correct"))
    active_minutes = _count(
        _("Active minutes"), _("Time spent on the items, in minutes."), maximum=MINUTES_A_DAY
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, worker: Worker, **kwargs):
        super().__init__(*args, **kwargs)
        # The projects the worker is or was assigned to; the service checks readiness per day.
        self.fields["project"].queryset = queries.assigned_projects(worker)

    def counts(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in [
                "items_submitted",
                "items_accepted",
                "items_rejected",
                "gold_seen",
                "gold_correct",
                "active_minutes",
            ]
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A Label Studio JSON export, or a CSV or XLSX of daily totals; at most 200 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,.xlsx"}),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=WorkImport.Format.choices, initial=WorkImport.Format.LABEL_STUDIO
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("Required for a Label Studio export; a CSV names the project on each row."),
    )
    lead_time_ceiling_minutes = forms.IntegerField(
        label=_("Longest credible time on one item (minutes)"),
        min_value=1,
        max_value=MINUTES_A_DAY,
        help_text=_(
            "An annotation left open longer (a draft forgotten overnight) counts as this long."
        ),
    )

    def __init__(self, *args, projects, ceiling: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["lead_time_ceiling_minutes"].initial = ceiling

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 200 MB: export a shorter period."))
        return upload


class ToolAccountForm(forms.Form):
    """Which worker a Label Studio user id stands for."""

    external_id = forms.CharField(max_length=100, widget=forms.HiddenInput)
    worker = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.active().select_related("user").order_by("employee_number"),
        empty_label=_("Choose a worker"),
    )


class ReviewForm(forms.Form):
    """An inspector's verdict on a sample. The workers and the error types depend on the
    project chosen, read from the data sent (or the address) before the form is checked."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        error_messages={"invalid_choice": _("You do not review this project's work.")},
    )
    worker = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.none(),
        error_messages={"invalid_choice": _("Choose a worker who annotates this project.")},
    )
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE_INPUT)
    review_pass = forms.ChoiceField(
        label=_("Review of"),
        choices=QualityReview.Pass.choices,
        initial=QualityReview.Pass.FIRST,
        widget=forms.RadioSelect,
    )
    items_accepted = _count(_("Items accepted"))
    items_rejected = _count(_("Items rejected"), _("They go back to the worker for rework."))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = queries.reviewable_projects(user)
        # Not named project/worker: a template's form.project is the field, not the object.
        self.chosen_project = self._chosen("project")
        self.error_types = []
        if self.chosen_project is not None:
            self.fields["worker"].queryset = queries.reviewable_workers(user, self.chosen_project)
            self.error_types = list(
                ErrorType.objects.filter(project=self.chosen_project, is_active=True).order_by(
                    "name"
                )
            )
        for error_type in self.error_types:
            self.fields[self.error_field(error_type)] = forms.IntegerField(
                label=error_type.name,
                help_text=error_type.description,
                min_value=0,
                required=False,
            )
        self.chosen_worker = self._chosen("worker") if self.chosen_project is not None else None

    @staticmethod
    def error_field(error_type) -> str:
        return f"error_{error_type.pk}"

    def _chosen(self, name):
        """The object picked in a choice field, from the data sent or the initial values."""
        source = self.data if self.is_bound else self.initial
        value = source.get(name)
        if not value or not str(value).isdigit():
            return None
        return self.fields[name].queryset.filter(pk=value).first()

    def error_fields(self):
        return [self[self.error_field(error_type)] for error_type in self.error_types]

    def errors_found(self) -> dict[int, int]:
        return {
            error_type.pk: self.cleaned_data.get(self.error_field(error_type)) or 0
            for error_type in self.error_types
        }

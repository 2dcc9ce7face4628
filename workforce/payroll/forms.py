"""The payroll pages' forms. They parse what a payroll admin types; the rules on the values
(who may approve, whether a line may be corrected, a run that is final) are the services' to
check, so their messages show beside the form as they are."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Currency, Site, Team, Worker

from .models import (
    Allowance,
    Deferral,
    HourlyRate,
    PayLine,
    PayrollRun,
    PayScheme,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeVersion,
)

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class RunForm(forms.Form):
    """A run for one calendar month and a site, a team, or everyone (both left empty)."""

    month = forms.DateField(
        label=_("Month"),
        widget=MONTH_INPUT,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("Give a month, such as 2026-03.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.order_by("name"),
        required=False,
        empty_label=_("Every site"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.select_related("site").order_by("name"),
        required=False,
        empty_label=_("Every team"),
        help_text=_("Leave both the site and the team empty to pay everyone."),
    )
    change_warning_percent = forms.IntegerField(
        label=_("Warn when a worker's pay moves by more than (%)"),
        min_value=1,
        max_value=1000,
        initial=PayrollRun._meta.get_field("change_warning_percent").default,
        help_text=_("Compared with the worker's previous month."),
    )

    def clean(self):
        data = super().clean()
        if data.get("site") and data.get("team"):
            raise ValidationError(
                _("A run covers a site or a team, not both: leave one of them empty.")
            )
        return data


class CalculateForm(forms.Form):
    only_failed = forms.BooleanField(required=False)


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you approve the run as it is"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the checks found warnings."),
    )


class RunPayslipsFilter(forms.Form):
    """The filters of a run's payslip list, read from the address."""

    SHOWN = [
        ("", _("Every payslip")),
        ("warnings", _("With warnings")),
        ("errors", _("With errors")),
    ]

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Every team"),
    )
    shown = forms.ChoiceField(label=_("Show"), choices=SHOWN, required=False)

    def __init__(self, data, *, teams):
        super().__init__(data)
        self.fields["team"].queryset = teams


class AdjustmentForm(forms.Form):
    """Money for a worker's next run. A correction names the approved line it corrects
    (reached from that line, ?corrects=<pk>)."""

    worker = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.select_related("user").order_by("employee_number"),
        empty_label=_("Choose a worker"),
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Negative to take back an overpayment."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The worker reads it on their payslip."),
    )
    corrects = forms.ModelChoiceField(
        queryset=PayLine.objects.select_related("payslip__run"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That pay line does not exist.")},
    )


# --- pay schemes -----------------------------------------------------------------------------


class SchemeForm(forms.ModelForm):
    class Meta:
        model = PayScheme
        fields = ["name", "kind", "currency", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class VersionForm(forms.ModelForm):
    effective_from = forms.DateField(
        label=_("In effect from"),
        widget=MONTH_INPUT,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("Give a month, such as 2026-03.")},
        help_text=_("The first month paid with these amounts."),
    )

    class Meta:
        model = SchemeVersion
        fields = [
            "effective_from",
            "base_amount",
            "attendance_bonus_amount",
            "hours_source",
            "overtime_after_minutes",
            "overtime_multiplier",
            "note",
        ]

    def clean_effective_from(self):
        return self.cleaned_data["effective_from"].replace(day=1)


# The amounts inside a version, one small table each; a row left empty is ignored.
PART_FIELDS = {
    Allowance: ["name", "amount"],
    PerformanceTier: ["min_score", "amount"],
    HourlyRate: ["project", "domain", "rate"],
    PieceRate: ["project", "item_type", "rate"],
    QualityBand: ["min_accuracy", "multiplier"],
    Deferral: ["component", "percent", "months_after"],
}
SPARE_ROWS = 2


class VersionParts:
    """A version's form and one formset per kind of part, prefilled from `source` (the
    version it follows) so a new version starts as a copy to change."""

    def __init__(self, data=None, *, source: SchemeVersion | None = None):
        initial = {}
        if source is not None:
            initial = {field: getattr(source, field) for field in VersionForm._meta.fields} | {
                "effective_from": None,
                "note": "",
            }
        self.version = VersionForm(data, initial=initial, prefix="version")
        self.formsets = []
        for model, fields in PART_FIELDS.items():
            rows = []
            if source is not None:
                rows = list(model.objects.filter(version=source).values(*_ids(fields)))
                rows = [{field: row[_id(field)] for field in fields} for row in rows]
            formset_class = forms.modelformset_factory(
                model, fields=fields, extra=len(rows) + SPARE_ROWS, can_delete=True
            )
            formset = formset_class(
                data,
                queryset=model.objects.none(),
                initial=rows,
                prefix=model._meta.model_name,
            )
            formset.title = model._meta.verbose_name_plural
            self.formsets.append(formset)

    def is_valid(self) -> bool:
        results = [self.version.is_valid()] + [formset.is_valid() for formset in self.formsets]
        return all(results)

    def parts(self) -> list:
        """The filled rows as unsaved parts; the service gives them their version. A row
        copied from the version before and left as it was is not validated by its formset
        (Django skips unchanged extra rows), so it is rebuilt from its initial values."""
        parts = []
        for formset in self.formsets:
            deleted = set(map(id, formset.deleted_forms))
            model, fields = formset.model, PART_FIELDS[formset.model]
            for form in formset.forms:
                if id(form) in deleted:
                    continue
                if form.has_changed() and form.cleaned_data:
                    parts.append(form.save(commit=False))
                elif not form.has_changed() and form.initial:
                    parts.append(model(**{_id(f): form.initial.get(f) for f in fields}))
        return parts


def _id(field: str) -> str:
    return f"{field}_id" if field in {"project", "domain"} else field


def _ids(fields: list[str]) -> list[str]:
    return [_id(field) for field in fields]


class AssignForm(forms.Form):
    workers = forms.ModelMultipleChoiceField(
        label=_("Workers"),
        queryset=Worker.objects.exclude(status=Worker.Status.LEFT)
        .select_related("user", "site")
        .order_by("site__name", "employee_number"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl or ⌘ to choose several."),
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))

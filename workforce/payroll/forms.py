"""The payroll pages' forms. They parse what a payroll admin types; the rules on the values
(who may approve, whether a line may be corrected, a run that is final) are the services' to
check, so their messages show beside the form as they are."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Currency, Site, Team, Worker

from .models import PayLine, PayrollRun

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

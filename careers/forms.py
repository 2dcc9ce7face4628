"""The careers pages' forms. They parse what a supervisor, a project manager or HR types; the
rules (who may nominate or decide, when a reason is needed, which dates may be used) are the
services' to check, so their messages show beside the form as they are."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Rung, Team

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NominateForm(forms.Form):
    """A proposed move: up the ladder (usually one rung), down it, or to another team."""

    to_rung = forms.ModelChoiceField(
        label=_("Move to"), queryset=Rung.objects.order_by("order"), empty_label=None
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.select_related("site").order_by("name"),
        required=False,
        empty_label=_("No team"),
        help_text=_(
            "For a promotion to supervisor: the team they will lead. For a lateral move: the team they join."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required unless they meet every criterion of the next rung: always for a demotion or a move."
        ),
    )

    def __init__(self, data=None, *, next_rung: Rung | None = None):
        super().__init__(data, initial={"to_rung": next_rung})


class ApproveForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Effective from"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        help_text=_(
            "Today or earlier. A date in a month already paid adds back pay to the next payroll run."
        ),
    )
    note = forms.CharField(
        label=_("Decision note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The worker and the nominator read it."),
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why you reject it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the worker and the nominator read it."),
        error_messages={
            "required": _("Write why the case is rejected: the worker and the nominator read it.")
        },
    )

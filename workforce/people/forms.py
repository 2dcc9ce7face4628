import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Domain,
    Employment,
    Rung,
    Site,
    Team,
    User,
    Worker,
    WorkerDocument,
    validate_document,
)
from .queries import teams_visible_to


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all(), label=_("Site"))
    domain = django_filters.ModelChoiceFilter(
        field_name="expertise__domain",
        queryset=Domain.objects.all(),
        label=_("Domain"),
        distinct=True,
    )
    rung = django_filters.ModelChoiceFilter(queryset=Rung.objects.all(), label=_("Rung"))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.none(), label=_("Team"))
    status = django_filters.ChoiceFilter(choices=Worker.Status.choices, label=_("Status"))

    class Meta:
        model = Worker
        fields = ["q", "site", "domain", "rung", "team", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only offer the teams the user may look into.
        self.filters["team"].queryset = teams_visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(user__email__icontains=value)
            | Q(employee_number__icontains=value)
        )


class AccountCreationForm(forms.ModelForm):
    """A new account opened by someone who may not set passwords (HR): the person chooses their
    own through "Forgot your password?" on the login page."""

    class Meta:
        model = User
        fields = ["email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class LeavingForm(forms.Form):
    left_on = forms.DateField(
        label=_("Last day worked"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Pay runs up to and including this day; later runs pay only what is owed."),
    )
    exit_reason = forms.ChoiceField(label=_("Reason"), choices=Worker.ExitReason.choices)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkerDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    file = forms.FileField(label=_("File"), required=False, validators=[validate_document])
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("HR is reminded two months before."),
    )


class RenewalForm(forms.Form):
    until = forms.DateField(
        label=_("New end of the term"), widget=forms.DateInput(attrs={"type": "date"})
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language for emails and PDFs"), choices=settings.LANGUAGES
    )


class WorkerEditForm(forms.Form):
    """What HR corrects or changes on a worker's record. The rung moves through the careers
    pages (so the role and the pay move with it), and a leaving through its own form."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("name"))
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.select_related("site").order_by("name"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Worker.Status.choices if c[0] != Worker.Status.LEFT],
    )
    employment_type = forms.ChoiceField(
        label=_("Paid as"), choices=Worker._meta.get_field("employment_type").choices
    )
    kind = forms.ChoiceField(label=_("Contract"), choices=Employment.Kind.choices)
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"), max_digits=4, decimal_places=1, min_value=1, max_value=60
    )
    probation_ends_on = forms.DateField(
        label=_("Probation ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fixed_term_ends_on = forms.DateField(
        label=_("Fixed term ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty for an open-ended contract."),
    )

    @classmethod
    def initial_for(cls, worker: Worker, employment: Employment | None) -> dict:
        initial = {
            "first_name": worker.user.first_name,
            "last_name": worker.user.last_name,
            "site": worker.site_id,
            "team": worker.team_id,
            "status": worker.status,
            "employment_type": worker.employment_type,
        }
        if employment is not None:
            initial |= {
                "kind": employment.kind,
                "hours_per_week": employment.hours_per_week,
                "probation_ends_on": employment.probation_ends_on,
                "fixed_term_ends_on": employment.fixed_term_ends_on,
            }
        return initial

    def clean(self):
        data = super().clean()
        site, team = data.get("site"), data.get("team")
        if site and team and team.site_id != site.pk:
            self.add_error("team", _("The team %(team)s works at another site.") % {"team": team})
        return data

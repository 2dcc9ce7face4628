from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exams.models import Exam
from training.models import GuidelinePage
from workforce.people.models import Rung, Worker
from workforce.people.roles import Role

from .models import Assignment, DailyTarget, HeadcountNeed, Project, Seniority

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _workers_on_hand():
    # Only people who can still be put on a project: not suspended, not gone.
    return (
        Worker.objects.with_related()
        .filter(status__in=[Worker.Status.ACTIVE, Worker.Status.ONBOARDING])
        .order_by("user__first_name", "user__last_name", "employee_number")
    )


TERMS = ("pay_kind", "rate_amount", "currency", "nda_text", "nda_version")
EXPOSURE = (
    "has_harmful_content",
    "max_hours_per_day",
    "max_hours_per_week",
    "break_every_minutes",
    "wellbeing_notice",
)


class ProjectForm(forms.ModelForm):
    """The project with its terms, the daily targets by seniority and the headcount needed per
    rung. The model's clean() checks the terms (rate, exposure limits, wellbeing notice)."""

    class Meta:
        model = Project
        fields = [
            "name",
            "client",
            "domain",
            "description",
            "status",
            "manager",
            "guideline",
            "required_exam",
            "label_scale",
            *TERMS,
            *EXPOSURE,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "nda_text": forms.Textarea(attrs={"rows": 6}),
            "wellbeing_notice": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        managers = Q(groups__name=Role.PROJECT_MANAGER) | Q(pk=user.pk)
        if self.instance.manager_id:
            managers |= Q(pk=self.instance.manager_id)
        self.fields["manager"].queryset = (
            get_user_model()
            .objects.filter(managers, is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "email")
        )
        if not self.instance.pk:
            self.initial.setdefault("manager", user.pk)
        self.fields["guideline"].queryset = GuidelinePage.objects.order_by("title")
        self.fields["required_exam"].queryset = Exam.objects.filter(
            purpose=Exam.Purpose.CERTIFICATION
        ).order_by("title")
        targets, needs = {}, {}
        if self.instance.pk:
            targets = dict(self.instance.daily_targets.values_list("seniority", "items_per_day"))
            needs = dict(self.instance.headcount_needs.values_list("rung__code", "count"))
        for value, label in Seniority.choices:
            name = f"target_{value}"
            self.fields[name] = forms.IntegerField(
                label=label, min_value=1, required=False, help_text=_("Items a day.")
            )
            self.initial.setdefault(name, targets.get(value))
        self.rungs = list(Rung.objects.order_by("order"))
        for rung in self.rungs:
            name = f"need_{rung.code}"
            self.fields[name] = forms.IntegerField(
                label=str(rung), min_value=0, max_value=32767, required=False
            )
            self.initial.setdefault(name, needs.get(rung.code))

    def main_fields(self):
        grouped = {*TERMS, *EXPOSURE}
        return [
            field
            for field in self
            if field.name not in grouped and not field.name.startswith(("target_", "need_"))
        ]

    def terms_fields(self):
        return [self[name] for name in TERMS]

    def exposure_fields(self):
        return [self[name] for name in EXPOSURE]

    def target_fields(self):
        return [self[f"target_{value}"] for value in Seniority.values]

    def need_fields(self):
        return [self[f"need_{rung.code}"] for rung in self.rungs]

    def save(self, commit=True):
        """The project, its targets and its needs, all or nothing."""
        assert commit, "A project is saved with its targets and needs at once."
        with transaction.atomic():
            project = super().save()
            for value in Seniority.values:
                items = self.cleaned_data.get(f"target_{value}")
                if items:
                    DailyTarget.objects.update_or_create(
                        project=project, seniority=value, defaults={"items_per_day": items}
                    )
                else:
                    DailyTarget.objects.filter(project=project, seniority=value).delete()
            for rung in self.rungs:
                count = self.cleaned_data.get(f"need_{rung.code}")
                if count:
                    HeadcountNeed.objects.update_or_create(
                        project=project, rung=rung, defaults={"count": count}
                    )
                else:
                    HeadcountNeed.objects.filter(project=project, rung=rung).delete()
        return project


class OnboardingStartForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _workers_on_hand()


class AssignmentForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Assignment.Role.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("Until"), widget=DATE_INPUT, required=False, help_text=_("Empty: open-ended.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _workers_on_hand()
        self.initial.setdefault("starts_on", timezone.localdate())
        self.initial.setdefault("role", Assignment.Role.ANNOTATOR)


class AssignmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ends_on", timezone.localdate())


class NdaAcceptForm(forms.Form):
    # The version the worker was shown: a newer one since then is refused by the service.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class RateConfirmForm(forms.Form):
    # The terms as shown: changed terms since then are refused by the service.
    rate_label = forms.CharField(max_length=100, widget=forms.HiddenInput)


class ToolAccessForm(forms.Form):
    action = forms.ChoiceField(choices=[("grant", _("Grant")), ("revoke", _("Revoke"))])


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tool"),
        max_length=100,
        help_text=_("The annotation tool that will use the token, such as Label Studio."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.exclude(status=Project.Status.CLOSED).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The token reaches only these projects; without one it reaches nothing."),
    )
    has_read_access = forms.BooleanField(
        label=_("Reads: ready workers and who may work"), required=False, initial=True
    )
    has_write_access = forms.BooleanField(
        label=_("Writes: pushes daily work records"), required=False
    )

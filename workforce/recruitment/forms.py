from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Domain, Rung, Site, Team

from . import services
from .models import (
    TRANSITIONS,
    Application,
    Candidate,
    EducationLevel,
    Interview,
    LanguageLevel,
    Offer,
    OpeningPage,
    Skill,
    Stage,
    language_choices,
    validate_cv,
)
from .queries import INTERVIEWER_ROLES

LANGUAGE_ROWS = 4


class ApplicationForm(forms.Form):
    """The application: personal details, education, the opening's credentials, languages, a
    CV and consent. Credentials and languages are built from the opening's requirements."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, help_text=_("With the country code, such as +86.")
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter code, such as CN or PT."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for our letters"), choices=settings.LANGUAGES
    )
    education_level = forms.ChoiceField(
        label=_("Highest degree"), choices=[("", "---------"), *EducationLevel.choices]
    )
    field_of_study = forms.CharField(label=_("Field of study"), max_length=150)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    graduation_year = forms.IntegerField(
        label=_("Year of graduation"), min_value=1950, max_value=2100
    )
    cover_note = forms.CharField(
        label=_("A note to the recruiter"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    cv = forms.FileField(
        label=_("CV"),
        help_text=_("PDF or Word (DOCX), at most 10 MB."),
        validators=[validate_cv],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my data is processed to assess this application and kept until it is "
            "decided, or until I ask for it to be erased."
        )
    )

    def __init__(self, *args, opening: OpeningPage, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.opening = opening
        self.credential_fields = []
        for credential in opening.credentials.all():
            reference = f"credential_{credential.pk}_reference"
            link = f"credential_{credential.pk}_link"
            self.fields[reference] = forms.CharField(
                label=credential.name,
                required=False,
                max_length=200,
                help_text=credential.help_text or _("Licence number or degree title."),
            )
            self.fields[link] = forms.URLField(
                label=_("%(credential)s: link") % {"credential": credential.name},
                required=False,
                help_text=_("A verification page, a portfolio or recordings."),
            )
            self.credential_fields.append((credential, self[reference], self[link]))
        self.language_rows = []
        required = list(opening.languages.all())
        for i in range(max(LANGUAGE_ROWS, len(required))):
            language = f"language_{i}"
            level = f"language_{i}_level"
            self.fields[language] = forms.ChoiceField(
                label=_("Language"),
                choices=[("", "---------"), *language_choices()],
                required=False,
            )
            self.fields[level] = forms.ChoiceField(
                label=_("Level"),
                choices=[("", "---------"), *LanguageLevel.choices],
                required=False,
            )
            if i < len(required) and not self.is_bound:
                self.initial[language] = required[i].language
            self.language_rows.append((self[language], self[level]))
        candidate = Candidate.objects.filter(user=user).first() if user.is_authenticated else None
        if candidate and not self.is_bound:
            for field in self.PERSONAL:
                self.initial[field] = getattr(candidate, field)
        elif not self.is_bound:
            self.initial.update(
                first_name=user.first_name,
                last_name=user.last_name,
                preferred_language=user.preferred_language or "en",
            )

    PERSONAL = ("first_name", "last_name", "phone", "city", "country", "preferred_language")
    EDUCATION = ("education_level", "field_of_study", "institution", "graduation_year")

    def personal_fields(self):
        return [self[name] for name in self.PERSONAL]

    def education_fields(self):
        return [self[name] for name in self.EDUCATION]

    def clean(self):
        cleaned = super().clean()
        languages = {}
        for i in range(len(self.language_rows)):
            language, level = cleaned.get(f"language_{i}"), cleaned.get(f"language_{i}_level")
            if language and not level:
                self.add_error(f"language_{i}_level", _("Give your level in this language."))
            elif level and not language:
                self.add_error(f"language_{i}", _("Choose the language."))
            elif language in languages:
                self.add_error(f"language_{i}", _("This language is already listed."))
            elif language:
                languages[language] = level
        cleaned["languages"] = list(languages.items())
        cleaned["credentials"] = {
            credential.pk: (
                cleaned.get(f"credential_{credential.pk}_reference", "").strip(),
                cleaned.get(f"credential_{credential.pk}_link", "").strip(),
            )
            for credential, _ref, _link in self.credential_fields
        }
        return cleaned

    def submit(self, user) -> Application:
        data = self.cleaned_data
        return services.application_submit(
            user=user,
            opening=self.opening,
            personal={
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "email": user.email,
                "phone": data["phone"],
                "city": data["city"],
                "country": data["country"].upper(),
                "preferred_language": data["preferred_language"],
            },
            education={
                "education_level": data["education_level"],
                "field_of_study": data["field_of_study"],
                "institution": data["institution"],
                "graduation_year": data["graduation_year"],
            },
            languages=data["languages"],
            credentials=data["credentials"],
            cv=data["cv"],
            cover_note=data["cover_note"],
        )


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False)
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.all(), to_field_name="slug", required=False
    )
    opening = forms.ModelChoiceField(
        label=_("Opening"), queryset=OpeningPage.objects.order_by("title"), required=False
    )
    min_score = forms.IntegerField(
        label=_("Score at least"), min_value=0, max_value=100, required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "domain": data["domain"].slug if data["domain"] else "",
            "opening": data["opening"].pk if data["opening"] else "",
            "min_score": data["min_score"],
            "stage": data["stage"],
        }


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("invite", _("Invite to the screening exam")),
        ("reject", _("Reject and send the letter")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.select_related("opening", "candidate"),
        error_messages={"required": _("Tick at least one application.")},
    )
    reason = forms.CharField(
        label=_("Reason (kept in the history, not sent)"), required=False, max_length=500
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why these applications are rejected."))
        return cleaned


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[Stage(application.stage)]
        self.fields["to_stage"].choices = [
            (stage.value, stage.label) for stage in services.MANUAL_TARGETS if stage in allowed
        ]


def interviewers():
    """Who may interview: HR and the staff ladder's upper rungs (queries.may_interview)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=INTERVIEWER_ROLES)
        .distinct()
        .order_by("first_name", "last_name")
    )


class InterviewScheduleForm(forms.Form):
    interviewer = forms.ModelChoiceField(label=_("Interviewer"), queryset=interviewers())
    scheduled_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480, initial=45
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    meeting_link = forms.URLField(label=_("Video link"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = interviewers()

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value < timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class EvaluationForm(forms.Form):
    RATINGS = [(str(n), str(n)) for n in range(1, 6)]

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Interview.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Skill.choices:
            self.fields[f"skill_{value}"] = forms.TypedChoiceField(
                label=label,
                choices=self.RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 poor, 5 excellent"),
            )

    def skill_fields(self):
        return [self[f"skill_{value}"] for value in Skill.values]

    def ratings(self) -> dict[str, int]:
        return {value: self.cleaned_data[f"skill_{value}"] for value in Skill.values}


class OfferForm(forms.Form):
    rung = forms.ModelChoiceField(label=_("Rung"), queryset=Rung.objects.all())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all())
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.select_related("site"), required=False
    )
    # Payroll's schemes, reached through the offer's field: recruitment does not import payroll.
    scheme = forms.ModelChoiceField(
        label=_("Pay scheme"),
        queryset=Offer.scheme.field.related_model.objects.none(),
        help_text=_(
            "The letter quotes its amounts in effect on the start date, and the first payroll "
            "run pays them."
        ),
    )
    pay_summary = forms.CharField(
        label=_("Other terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything else agreed about pay, in plain words."),
    )
    start_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    respond_by = forms.DateField(
        label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"), max_digits=4, decimal_places=1, min_value=1, max_value=60
    )
    probation_months = forms.IntegerField(
        label=_("Probation (months)"), min_value=0, max_value=12, help_text=_("0 for none.")
    )
    fixed_term_months = forms.IntegerField(
        label=_("Fixed term (months)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty for an open-ended contract."),
    )
    language = forms.ChoiceField(label=_("Letter language"), choices=settings.LANGUAGES)

    field_order = [
        "rung",
        "site",
        "team",
        "scheme",
        "start_on",
        "hours_per_week",
        "probation_months",
        "fixed_term_months",
        "respond_by",
        "language",
    ]

    def __init__(self, *args, opening=None, **kwargs):
        super().__init__(*args, **kwargs)
        schemes = Offer.scheme.field.related_model.objects.order_by("name")
        if opening is not None:  # only schemes that pay this kind of worker
            schemes = schemes.filter(kind=opening.employment_type)
        self.fields["scheme"].queryset = schemes

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        opening = application.opening
        today = timezone.localdate()
        return {
            "rung": Rung.objects.filter(code=Rung.Code.ANNOTATOR).first(),
            "site": opening.site,
            "start_on": today + timedelta(days=14),
            "hours_per_week": 40,
            "probation_months": 3,
            "respond_by": today + timedelta(days=7),
            "language": application.candidate.preferred_language,
        }


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Anything to tell us?"), required=False, max_length=500)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my applications will be withdrawn and my data erased for good.")
    )

"""Forms of the trainer side: the question bank's filter and editor, file import and export,
exam settings with their draw rules."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import ChapterPage, GuidelinePage

from . import bank
from .models import Exam, ExamSection, Question

Kind = Question.Kind
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _guidelines():
    return GuidelinePage.objects.order_by("title")


class QuestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    guideline = django_filters.ModelChoiceFilter(queryset=_guidelines(), label=_("Guideline"))
    category = django_filters.ChoiceFilter(choices=[], label=_("Category"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Type"))
    difficulty = django_filters.ChoiceFilter(
        choices=Question.Difficulty.choices, label=_("Difficulty")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Question
        fields = ["q", "guideline", "category", "kind", "difficulty", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["guideline"].queryset = _guidelines()
        categories = (
            self.queryset.order_by("category").values_list("category", flat=True).distinct()
        )
        self.filters["category"].extra["choices"] = [(c, c) for c in categories]

    def search(self, queryset, name, value):
        return queryset.filter(Q(prompt__icontains=value) | Q(ref__iexact=value))


class ChapterChoiceField(forms.ModelChoiceField):
    """Chapters labelled "Guideline › Chapter", from two queries rather than one per option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guideline_titles = None

    def label_from_instance(self, obj):
        if self._guideline_titles is None:
            self._guideline_titles = dict(GuidelinePage.objects.values_list("path", "title"))
        guideline = self._guideline_titles.get(obj.path[: -ChapterPage.steplen], "")
        return f"{guideline} › {obj.title}"


def _lines(rows=4, **kwargs):
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class QuestionForm(forms.ModelForm):
    """One form for every type of question. Each type's answer is typed in friendly fields
    (option numbers from 1, one entry per line) and turned into the answer key in clean()."""

    options_text = _lines(
        rows=5,
        label=_("Options"),
        help_text=_(
            "One per line: the choices, the allowed labels, or the answers to rank. "
            "They are numbered from 1 in the order written."
        ),
    )
    choice_number = forms.IntegerField(
        required=False, min_value=1, label=_("Number of the correct option")
    )
    choice_numbers = forms.CharField(
        required=False,
        label=_("Numbers of the correct options"),
        help_text=_("Separated by commas, such as 1, 3."),
    )
    truth = forms.ChoiceField(
        required=False,
        label=_("The statement is"),
        choices=[("", "---------"), ("true", _("True")), ("false", _("False"))],
    )
    number_value = forms.DecimalField(required=False, label=_("Correct number"))
    accepted_answers = _lines(
        label=_("Accepted answers"),
        help_text=_("One per line. Case and extra spaces are ignored."),
    )
    pattern = forms.CharField(
        required=False,
        label=_("Regular expression"),
        help_text=_("The whole answer must match it; case is ignored. Such as: ratio( decidendi)?"),
    )
    gold_score = forms.IntegerField(
        required=False, min_value=1, max_value=5, label=_("Gold score (1-5)")
    )
    gold_error_type = forms.CharField(
        required=False,
        label=_("Gold error type"),
        help_text=_(
            "Only when the gold score is under 3: one of the error types, or “other” for a sensitive prompt."
        ),
    )
    error_types_text = _lines(
        label=_("Error types"),
        help_text=_("One per line: the error types a rater chooses from for a score under 3."),
    )
    gold_label = forms.CharField(
        required=False, label=_("Gold label"), help_text=_("One of the options, as written.")
    )
    gold_order = forms.CharField(
        required=False,
        label=_("Best to worst"),
        help_text=_("Every option number once, best first, such as 2, 3, 1."),
    )

    class Meta:
        model = Question
        fields = [
            "guideline",
            "chapter",
            "ref",
            "category",
            "difficulty",
            "kind",
            "prompt",
            "material",
            "partial_credit",
            "tolerance",
            "text_match",
            "allowed_distance",
            "rubric",
            "points",
            "is_active",
        ]
        field_classes = {"chapter": ChapterChoiceField}
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "material": forms.Textarea(attrs={"rows": 4}),
            "rubric": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "ref": _("A stable reference that import files match on. Left empty, one is made up."),
            "material": _(
                "The model answer to rate or the item to label; for other types, an optional "
                "passage the question is about."
            ),
            "tolerance": _("How far from the correct number an answer may be and still count."),
        }

    # Which friendly fields each type shows, grouped as the page shows them.
    KIND_GROUPS = [
        (_("Options"), [Kind.SINGLE, Kind.MULTIPLE, Kind.LABEL, Kind.RANKING], ["options_text"]),
        (_("Single choice"), [Kind.SINGLE], ["choice_number"]),
        (_("Multiple choice"), [Kind.MULTIPLE], ["choice_numbers", "partial_credit"]),
        (_("True or false"), [Kind.TRUE_FALSE], ["truth"]),
        (_("Number"), [Kind.NUMERIC], ["number_value", "tolerance"]),
        (_("Short text"), [Kind.SHORT_TEXT], ["text_match", "accepted_answers", "pattern"]),
        (_("Long text"), [Kind.LONG_TEXT], ["rubric"]),
        (
            _("Rating"),
            [Kind.RATING],
            ["gold_score", "gold_error_type", "error_types_text", "allowed_distance"],
        ),
        (_("Label"), [Kind.LABEL], ["gold_label"]),
        (_("Ranking"), [Kind.RANKING], ["gold_order"]),
    ]
    COMMON_FIELDS = ["guideline", "chapter", "ref", "category", "difficulty", "kind", "prompt"]
    TAIL_FIELDS = ["material", "points", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].queryset = _guidelines()
        self.fields["chapter"].queryset = ChapterPage.objects.order_by("path")
        self.fields["kind"].widget.attrs["class"] = "kind-select"
        if self.instance.pk:
            self.initial.update(self._friendly_initial(self.instance))

    @staticmethod
    def _friendly_initial(question: Question) -> dict:
        key = question.answer_key or {}
        initial = {
            "options_text": "\n".join(question.options or []),
            "error_types_text": "\n".join(question.error_types or []),
        }
        match question.kind:
            case Kind.SINGLE:
                initial["choice_number"] = key.get("choice", -1) + 1
            case Kind.MULTIPLE:
                initial["choice_numbers"] = ", ".join(str(i + 1) for i in key.get("choices", []))
            case Kind.TRUE_FALSE:
                initial["truth"] = "true" if key.get("value") else "false"
            case Kind.NUMERIC:
                initial["number_value"] = key.get("value")
            case Kind.SHORT_TEXT:
                initial["accepted_answers"] = "\n".join(key.get("answers", []))
                initial["pattern"] = key.get("pattern", "")
            case Kind.RATING:
                initial["gold_score"] = key.get("score")
                initial["gold_error_type"] = key.get("error_type", "")
            case Kind.LABEL:
                initial["gold_label"] = key.get("label", "")
            case Kind.RANKING:
                initial["gold_order"] = ", ".join(str(i + 1) for i in key.get("order", []))
        return initial

    def groups(self) -> list[dict]:
        """The per-type fieldsets; the page hides those of the other types."""
        return [
            {"legend": legend, "kinds": " ".join(kinds), "fields": [self[f] for f in names]}
            for legend, kinds, names in self.KIND_GROUPS
        ]

    def common(self):
        return [self[name] for name in self.COMMON_FIELDS]

    def tail(self):
        return [self[name] for name in self.TAIL_FIELDS]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        # Values of the other types' fields, left from switching type, are dropped.
        cleaned["options"] = (
            bank.split_lines(cleaned.get("options_text")) if kind in bank.KINDS_WITH_OPTIONS else []
        )
        cleaned["error_types"] = (
            bank.split_lines(cleaned.get("error_types_text")) if kind == Kind.RATING else []
        )
        if kind != Kind.MULTIPLE:
            cleaned["partial_credit"] = Question.PartialCredit.NONE
        if kind != Kind.NUMERIC:
            cleaned["tolerance"] = None
        if kind != Kind.SHORT_TEXT:
            cleaned["text_match"] = Question.TextMatch.EXACT
        if kind != Kind.RATING:
            cleaned["allowed_distance"] = 0
        if kind != Kind.LONG_TEXT:
            cleaned["rubric"] = ""
        key = self._answer_key(kind, cleaned)
        if key is None:
            return cleaned
        cleaned["answer_key"] = key
        candidate = bank.question_candidate(cleaned)
        for name, messages in bank.question_problems(candidate).items():
            target = self.field_for(name, kind, cleaned.get("text_match"))
            if target is None or target not in self.errors:
                for message in messages:
                    self.add_error(target, message)
        guideline, chapter = cleaned.get("guideline"), cleaned.get("chapter")
        if guideline and chapter and not chapter.path.startswith(guideline.path):
            self.add_error("chapter", _("This chapter belongs to another guideline."))
        ref = (cleaned.get("ref") or "").strip()
        cleaned["ref"] = ref
        if guideline and ref:
            clash = Question.objects.filter(guideline=guideline, ref=ref)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "ref", _("Another question of this guideline already has this reference.")
                )
        return cleaned

    def _answer_key(self, kind: str, cleaned: dict) -> dict | None:
        """The answer key from the type's friendly fields, or None after adding an error."""

        def numbers(name):
            try:
                return [n - 1 for n in bank.parse_numbers(cleaned.get(name))]
            except ValueError as exc:
                self.add_error(name, str(exc))
                return None

        def required(name, message):
            value = cleaned.get(name)
            if value in (None, "") and name not in self.errors:
                self.add_error(name, message)
            return value

        match kind:
            case Kind.SINGLE:
                n = required("choice_number", _("Give the number of the correct option."))
                return None if n is None else {"choice": n - 1}
            case Kind.MULTIPLE:
                chosen = numbers("choice_numbers")
                return None if chosen is None else {"choices": chosen}
            case Kind.TRUE_FALSE:
                truth = required("truth", _("Say whether the statement is true or false."))
                return None if not truth else {"value": truth == "true"}
            case Kind.NUMERIC:
                value = required("number_value", _("Give the correct number, such as 12.5."))
                return None if value is None else {"value": format(value, "f")}
            case Kind.SHORT_TEXT:
                if cleaned.get("text_match") == Question.TextMatch.PATTERN:
                    return {"pattern": (cleaned.get("pattern") or "").strip()}
                return {"answers": bank.split_lines(cleaned.get("accepted_answers"))}
            case Kind.LONG_TEXT:
                return {}
            case Kind.RATING:
                score = required("gold_score", _("The gold score is a whole number from 1 to 5."))
                if score is None:
                    return None
                key = {"score": score}
                if (cleaned.get("gold_error_type") or "").strip():
                    key["error_type"] = cleaned["gold_error_type"].strip()
                return key
            case Kind.LABEL:
                return {"label": (cleaned.get("gold_label") or "").strip()}
            case Kind.RANKING:
                order = numbers("gold_order")
                return None if order is None else {"order": order}
        return None

    KEY_FIELDS = {
        Kind.SINGLE: "choice_number",
        Kind.MULTIPLE: "choice_numbers",
        Kind.TRUE_FALSE: "truth",
        Kind.NUMERIC: "number_value",
        Kind.LONG_TEXT: "rubric",
        Kind.RATING: "gold_score",
        Kind.LABEL: "gold_label",
        Kind.RANKING: "gold_order",
    }

    def field_for(self, name: str, kind: str, text_match: str | None) -> str | None:
        """The form field beside which a problem with a model field is shown."""
        if name == "answer_key":
            if kind == Kind.SHORT_TEXT:
                return "pattern" if text_match == Question.TextMatch.PATTERN else "accepted_answers"
            return self.KEY_FIELDS.get(kind)
        name = {
            "options": "options_text",
            "error_types": "error_types_text",
            "error_type": "gold_error_type",
        }.get(name, name)
        return name if name in self.fields else None

    def question_fields(self) -> dict:
        """The cleaned values as the bank's services take them (the guideline apart)."""
        names = [n for n in self.Meta.fields if n != "guideline"]
        names += ["options", "answer_key", "error_types"]
        return {name: self.cleaned_data[name] for name in names}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal beside the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        kind = self.cleaned_data.get("kind")
        for name, errors in error.error_dict.items():
            self.add_error(self.field_for(name, kind, self.cleaned_data.get("text_match")), errors)


class ImportForm(forms.Form):
    guideline = forms.ModelChoiceField(queryset=GuidelinePage.objects.none(), label=_("Guideline"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv or .xlsx file with one question per row, as the export writes it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].queryset = _guidelines()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; split it."))
        return upload


class ImportConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


class ExportForm(forms.Form):
    guideline = forms.ModelChoiceField(queryset=GuidelinePage.objects.none(), label=_("Guideline"))
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].queryset = _guidelines()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ExamForm(forms.ModelForm):
    class Meta:
        model = Exam
        fields = [
            "title",
            "purpose",
            "guideline",
            "guideline_major_version",
            "description",
            "time_limit_minutes",
            "pass_mark_percent",
            "max_attempts",
            "retake_cooldown_hours",
            "certificate_validity_months",
            "feedback",
            "shuffle_questions",
            "shuffle_options",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].queryset = _guidelines()

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("An exam closes after it opens."))
        guideline, version = cleaned.get("guideline"), cleaned.get("guideline_major_version")
        if guideline and version and version > guideline.major_version:
            self.add_error(
                "guideline_major_version",
                _("The guideline is only at major version %(n)s.") % {"n": guideline.major_version},
            )
        return cleaned


class ExamSectionForm(forms.ModelForm):
    class Meta:
        model = ExamSection
        fields = ["category", "question_count"]
        widgets = {"category": forms.TextInput(attrs={"list": "bank-categories"})}


class BaseExamSectionFormSet(forms.BaseInlineFormSet):
    """The exam's draw rules; each must find enough active questions in the guideline's bank."""

    def __init__(self, *args, guideline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.guideline = guideline

    def kept_forms(self):
        return [
            form
            for form in self.forms
            if form.is_valid()
            and form.cleaned_data.get("category")
            and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        available = (
            bank.active_question_counts(guideline=self.guideline) if self.guideline else None
        )
        for form in self.kept_forms():
            category = form.cleaned_data["category"]
            if category in seen:
                form.add_error("category", _("Each category may appear in one section only."))
            seen.add(category)
            count = form.cleaned_data.get("question_count") or 0
            if available is not None and available.get(category, 0) < count:
                form.add_error(
                    "question_count",
                    _("This category has only %(n)s active questions in the guideline's bank.")
                    % {"n": available.get(category, 0)},
                )
        if not seen:
            raise ValidationError(_("An exam draws from at least one category."))

    def sections(self) -> list[tuple[str, int]]:
        return [
            (form.cleaned_data["category"], form.cleaned_data["question_count"])
            for form in self.kept_forms()
        ]


ExamSectionFormSet = forms.inlineformset_factory(
    Exam,
    ExamSection,
    form=ExamSectionForm,
    formset=BaseExamSectionFormSet,
    extra=2,
    can_delete=True,
)


def exam_forms(data, exam: Exam) -> tuple[ExamForm, BaseExamSectionFormSet]:
    """The exam form and its sections formset, the sections checked against the bank of the
    guideline chosen in the form."""
    form = ExamForm(data, instance=exam)
    guideline = None
    if data is not None and form.is_valid():
        guideline = form.cleaned_data["guideline"]
    formset = ExamSectionFormSet(data, instance=exam, prefix="sections", guideline=guideline)
    return form, formset

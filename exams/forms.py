from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import Question


def answer_from_post(question: Question, data, option_order: list[int]) -> dict:
    """Turn one question's posted fields into the answer shape grading.py reads. Options are
    posted by their position on the page and mapped back to the authored index here.
    Raises forms.ValidationError with a message for the person answering."""
    option_count = len(option_order)
    match question.kind:
        case Question.Kind.SINGLE:
            return (
                {"choice": option_order[_index(data.get("choice"), option_count)]}
                if data.get("choice")
                else {}
            )
        case Question.Kind.MULTIPLE:
            return {
                "choices": sorted(
                    {option_order[_index(v, option_count)] for v in data.getlist("choices")}
                )
            }
        case Question.Kind.TRUE_FALSE:
            value = data.get("value")
            return {"value": value == "true"} if value in {"true", "false"} else {}
        case Question.Kind.NUMERIC:
            text = (data.get("value") or "").strip().replace(",", ".")
            if not text:
                return {}
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value.adjusted() >= MAX_DIGITS:
                raise forms.ValidationError(_("Enter a number, such as 12.5."))
            return {"value": str(value)}
        case Question.Kind.SHORT_TEXT | Question.Kind.LONG_TEXT:
            return {"text": (data.get("text") or "")[:20000]}
        case Question.Kind.RATING:
            score = data.get("score")
            if not score:
                return {}
            if score not in {"1", "2", "3", "4", "5"}:
                raise forms.ValidationError(_("Choose a score from 1 to 5."))
            error_type = data.get("error_type", "")
            # Accepted are exactly the error types the page offers.
            if error_type and error_type not in question.rating_choices:
                raise forms.ValidationError(_("Choose one of the error types shown."))
            return {"score": int(score), "error_type": error_type}
        case Question.Kind.LABEL:
            label = data.get("label", "")
            if not label:
                return {}
            # As for ratings: accepted are exactly the labels the page offers.
            if label not in question.options:
                raise forms.ValidationError(_("Choose one of the labels shown."))
            return {"label": label}
        case Question.Kind.RANKING:
            posted = {
                key.removeprefix("rank-"): data[key] for key in data if key.startswith("rank-")
            }
            if not any(posted.values()):
                return {}
            try:
                ranks = {option_order[_index(p, option_count)]: int(r) for p, r in posted.items()}
            except ValueError:
                ranks = {}
            if sorted(ranks.values()) != list(range(1, option_count + 1)):
                raise forms.ValidationError(
                    _("Give each answer a different rank, from 1 (best) to %(n)s.")
                    % {"n": option_count}
                )
            return {
                "order": [index for index, _rank in sorted(ranks.items(), key=lambda pair: pair[1])]
            }
    return {}


# More digits than any count, score or measure a question asks for; keeps Decimal arithmetic
# safe (adjusted() reads the exponent without arithmetic, which would overflow).
MAX_DIGITS = 15


def _index(value, option_count: int) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise forms.ValidationError(_("Choose one of the options shown.")) from None
    if not 0 <= index < option_count:
        raise forms.ValidationError(_("Choose one of the options shown."))
    return index


class GradeForm(forms.Form):
    points = forms.DecimalField(label=_lazy("Points"), min_value=0, decimal_places=2)
    comment = forms.CharField(
        label=_lazy("Comment for the candidate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, max_points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].validators.append(MaxValueValidator(max_points))
        self.fields["points"].help_text = _lazy("Out of %(max)s.") % {"max": max_points}

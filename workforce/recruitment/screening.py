"""The automatic screening score: each of an opening's requirements checked against what the
application says, with a reason a recruiter can read.

Reasons are stored as data (codes, not sentences) so that each reader sees them in their own
language: `describe` turns one into a sentence such as "Chinese: C1, needs C1".
"""

from django.utils.translation import gettext as _

from .models import Application, EducationLevel, LanguageLevel, OpeningPage, language_choices

EDUCATION = "education"
FIELD = "field"
CREDENTIAL = "credential"
LANGUAGE = "language"


def evaluate(application: Application, opening: OpeningPage | None = None) -> list[dict]:
    """One entry per requirement of the opening, in the order the opening lists them."""
    opening = opening or application.opening
    reasons = []
    if opening.min_education:
        have = application.education_level
        reasons.append(
            {
                "kind": EDUCATION,
                "have": have,
                "need": opening.min_education,
                "met": bool(have)
                and EducationLevel(have).rank >= EducationLevel(opening.min_education).rank,
            }
        )
    fields = opening.field_list()
    if fields:
        have = application.field_of_study.strip()
        reasons.append(
            {
                "kind": FIELD,
                "have": have,
                "need": fields,
                "met": bool(have) and any(_field_matches(have, field) for field in fields),
            }
        )
    provided = {c.credential_id: c for c in application.credentials.all()}
    for credential in opening.credentials.all():
        entry = provided.get(credential.pk)
        reasons.append(
            {
                "kind": CREDENTIAL,
                "name": credential.name,
                "met": bool(entry and entry.is_provided),
            }
        )
    levels = {lang.language: lang.level for lang in application.languages.all()}
    for requirement in opening.languages.all():
        have = levels.get(requirement.language, "")
        reasons.append(
            {
                "kind": LANGUAGE,
                "language": requirement.language,
                "have": have,
                "need": requirement.level,
                "met": bool(have)
                and LanguageLevel(have).rank >= LanguageLevel(requirement.level).rank,
            }
        )
    return reasons


def score(reasons: list[dict]) -> int:
    """The share of requirements met, in percent; an opening without requirements scores 100."""
    if not reasons:
        return 100
    return round(100 * sum(1 for r in reasons if r["met"]) / len(reasons))


def _field_matches(have: str, field: str) -> bool:
    # "Clinical medicine" counts for "Medicine", and "Law (LLB)" for "Law".
    have, field = have.casefold(), field.casefold()
    return field in have or have in field


def _education_label(code: str) -> str:
    return str(EducationLevel(code).label) if code else _("none given")


def _language_label(code: str) -> str:
    return str(dict(language_choices()).get(code, code))


def _level_label(code: str) -> str:
    return str(LanguageLevel(code).label) if code else _("not given")


def describe(reason: dict) -> str:
    kind = reason["kind"]
    if kind == EDUCATION:
        if reason["met"]:
            return _("degree: %(have)s, needs %(need)s or higher") % {
                "have": _education_label(reason["have"]),
                "need": _education_label(reason["need"]),
            }
        return _("degree: %(have)s, needs %(need)s") % {
            "have": _education_label(reason["have"]),
            "need": _education_label(reason["need"]),
        }
    if kind == FIELD:
        return _("field of study: %(have)s, expected one of %(need)s") % {
            "have": reason["have"] or _("none given"),
            "need": ", ".join(reason["need"]),
        }
    if kind == CREDENTIAL:
        if reason["met"]:
            return _("%(name)s: provided") % {"name": reason["name"]}
        return _("%(name)s: missing") % {"name": reason["name"]}
    if kind == LANGUAGE:
        return _("%(language)s: %(have)s, needs %(need)s") % {
            "language": _language_label(reason["language"]),
            "have": _level_label(reason["have"]),
            "need": _level_label(reason["need"]),
        }
    return str(reason)


def describe_all(reasons: list[dict]) -> list[tuple[bool, str]]:
    return [(r["met"], describe(r)) for r in reasons]

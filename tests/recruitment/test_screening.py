"""One test per kind of requirement, each read as the recruiter reads the reason."""

import pytest
from django.utils import translation

from tests.recruitment.conftest import apply, make_opening
from workforce.recruitment import screening
from workforce.recruitment.models import OpeningLanguage

pytestmark = pytest.mark.django_db


def reasons_of(application) -> dict[str, tuple[bool, str]]:
    with translation.override("en"):
        return {r["kind"]: (r["met"], screening.describe(r)) for r in application.screening}


def test_a_candidate_meeting_every_requirement_scores_100(candidate_user, opening):
    application = apply(candidate_user, opening)
    assert application.screening_score == 100
    assert all(met for met, _text in reasons_of(application).values())


def test_education_below_the_minimum_is_unmet_with_both_levels_named(candidate_user, opening):
    application = apply(candidate_user, opening, education_level="bachelor")
    assert reasons_of(application)["education"] == (False, "degree: Bachelor, needs Master")
    assert application.screening_score == 75  # 3 of 4 requirements


def test_a_higher_degree_meets_the_minimum(candidate_user, opening):
    application = apply(candidate_user, opening, education_level="doctorate")
    met, text = reasons_of(application)["education"]
    assert met and text == "degree: Doctorate, needs Master or higher"


def test_field_of_study_matches_any_listed_field_loosely(candidate_user, opening):
    assert reasons_of(apply(candidate_user, opening, field_of_study="Law (LLB)"))["field"][0]


def test_field_of_study_outside_the_list_is_unmet(candidate_user, opening):
    met, text = reasons_of(apply(candidate_user, opening, field_of_study="Chemistry"))["field"]
    assert not met
    assert text == "field of study: Chemistry, expected one of Law, Legal studies"


def test_a_missing_credential_is_named(candidate_user, opening):
    application = apply(candidate_user, opening, credentials={})
    assert reasons_of(application)["credential"] == (False, "Bar licence: missing")


def test_a_credential_given_as_a_link_counts_as_provided(candidate_user, opening, bar_licence):
    application = apply(
        candidate_user, opening, credentials={bar_licence.pk: ("", "https://bar.example.org/42")}
    )
    assert reasons_of(application)["credential"] == (True, "Bar licence: provided")


def test_a_language_at_the_required_level_is_met(candidate_user, opening):
    assert reasons_of(apply(candidate_user, opening))["language"] == (
        True,
        "Simplified Chinese: C1, needs C1",
    )


def test_a_language_below_the_level_or_missing_is_unmet(candidate_user, opening):
    low = apply(candidate_user, opening, languages=[("zh-hans", "B2")])
    assert reasons_of(low)["language"] == (False, "Simplified Chinese: B2, needs C1")


def test_a_native_speaker_meets_any_level(law, candidate_user):
    opening = make_opening(law, title="Reviewer", min_education="", fields_of_study="")
    opening.languages = [OpeningLanguage(language="fr", level="C2")]
    opening.save()
    application = apply(candidate_user, opening, languages=[("fr", "native")])
    assert application.screening_score == 100


def test_reasons_are_read_in_the_readers_language(candidate_user, opening):
    application = apply(candidate_user, opening, education_level="bachelor")
    with translation.override("fr"):
        texts = [text for _met, text in screening.describe_all(application.screening)]
    assert texts[0] == "diplôme\xa0: Licence, requis Master"

"""Quality metrics against published values and hand-made data with known answers."""

from datetime import date, timedelta

import pandas as pd
import pytest
from django.utils import timezone

from workforce.projects.models import Project
from workforce.work import metrics
from workforce.work.models import Annotation, QualityReview, ScoreFormula, Source, WorkRecord

# Wikipedia, "Krippendorff's alpha", the worked example: three coders, fifteen units, "*" missing.
WIKIPEDIA = [
    "*    *    *    *    *    3    4    1    2    1    1    3    3    *    3",
    "1    *    2    1    3    3    4    3    *    *    *    *    *    *    *",
    "*    *    2    1    3    4    4    *    2    1    1    3    3    *    4",
]


def wikipedia_units() -> pd.DataFrame:
    rows = []
    for coder, line in enumerate(WIKIPEDIA):
        for unit, value in enumerate(line.split()):
            if value != "*":
                rows.append({"item": unit, "worker": coder, "value": int(value)})
    return pd.DataFrame(rows)


def test_krippendorff_alpha_matches_the_published_nominal_value():
    units = wikipedia_units().assign(value=lambda f: f["value"].astype(str))
    assert round(metrics.krippendorff_alpha(units, "nominal"), 3) == 0.691


def test_krippendorff_alpha_matches_the_published_interval_value():
    assert round(metrics.krippendorff_alpha(wikipedia_units(), "interval"), 3) == 0.811


def test_cohen_kappa_on_the_textbook_example():
    # Wikipedia, "Cohen's kappa": 50 proposals, both yes 20, A yes B no 5, A no B yes 10,
    # both no 15: observed agreement 0.7, chance 0.5, kappa 0.4.
    first = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert metrics.cohen_kappa(first, second, "nominal") == pytest.approx(0.4)


def test_dawid_skene_finds_the_annotator_who_disagrees_with_everyone():
    truth = ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"] * 3
    rows = []
    for item, label in enumerate(truth):
        rows += [
            {"item": item, "worker": 1, "label": label},
            {"item": item, "worker": 2, "label": label},
            {"item": item, "worker": 3, "label": label if item % 3 == 0 else "a"},
        ]
    accuracy = metrics.dawid_skene_accuracy(pd.DataFrame(rows))
    assert accuracy[1] > 0.95 and accuracy[2] > 0.95
    assert accuracy[3] < 0.6


pytestmark = pytest.mark.django_db


def record(worker, project, day, **counts):
    return WorkRecord.objects.create(
        worker=worker,
        project=project,
        worked_on=day,
        source=counts.pop("source", Source.MANUAL),
        **counts,
    )


def test_quality_figures_per_worker_and_project(annotator, project, make_user):
    day = date(2026, 10, 5)
    record(
        annotator,
        project,
        day,
        items_submitted=60,
        items_accepted=50,
        items_rejected=5,
        gold_seen=10,
        gold_correct=9,
        active_minutes=240,
    )
    record(
        annotator,
        project,
        day + timedelta(1),
        items_submitted=90,
        items_accepted=0,
        items_rejected=0,
        gold_seen=10,
        gold_correct=10,
        active_minutes=360,
    )
    inspector = make_user("quality_inspector")
    QualityReview.objects.create(
        project=project,
        worker=annotator,
        inspector=inspector,
        reviewed_on=day,
        items_accepted=18,
        items_rejected=2,
    )
    QualityReview.objects.create(
        project=project,
        worker=annotator,
        inspector=inspector,
        reviewed_on=day,
        review_pass="rework",
        items_accepted=2,
        items_rejected=0,
    )
    row = metrics.quality([annotator.pk], day, day + timedelta(6)).iloc[0]
    assert row["days_worked"] == 2
    assert row["items_per_day"] == 75
    assert row["items_per_hour"] == 15  # 150 items in 10 hours
    assert row["target_ratio"] == 1.0  # 150 against two days of the experienced target, 75
    assert row["gold_accuracy"] == pytest.approx(19 / 20)
    # Inspectors 20 of 22 and the tool 50 of 55.
    assert row["acceptance_rate"] == pytest.approx(70 / 77)
    # First judgements only: the inspector's first pass, 18 of 20, and the tool's 50 of 55.
    assert row["first_pass_rate"] == pytest.approx(68 / 75)


def test_a_newcomer_is_measured_against_the_newcomer_target(project, make_user):
    from tests.work.conftest import ready_since

    newcomer = ready_since(
        project,
        make_user("annotator", hired_on=timezone.localdate() - timedelta(days=30)),
        days_ago=20,
    )
    day = timezone.localdate() - timedelta(days=2)
    record(newcomer, project, day, items_submitted=30)
    row = metrics.quality([newcomer.pk], day, day).iloc[0]
    assert row["target_ratio"] == 0.75  # 30 of the newcomer's 40


def test_no_data_is_not_zero(annotator, project):
    record(annotator, project, date(2026, 10, 5), items_submitted=10, active_minutes=30)
    row = metrics.quality([annotator.pk], date(2026, 10, 1), date(2026, 10, 31)).iloc[0]
    assert pd.isna(row["gold_accuracy"]) and pd.isna(row["acceptance_rate"])


def test_the_score_is_the_weighted_mean_of_the_parts_with_data(annotator, project):
    ScoreFormula.objects.create(
        effective_from=date(2026, 1, 1),
        gold_weight=50,
        acceptance_weight=0,
        first_pass_weight=0,
        throughput_weight=50,
        estimated_accuracy_weight=20,
    )
    day = date(2026, 10, 5)
    record(annotator, project, day, items_submitted=150, gold_seen=10, gold_correct=8)
    score = metrics.performance([annotator.pk], day, day).iloc[0]
    # Gold 0.8 and throughput 150/75 counted up to 1; no estimate without shared items.
    assert score["target_ratio"] == 1
    assert score["score"] == pytest.approx(90.0)


def test_a_later_formula_does_not_rescore_an_earlier_period(annotator, project):
    ScoreFormula.objects.create(
        effective_from=date(2026, 1, 1),
        gold_weight=100,
        acceptance_weight=0,
        first_pass_weight=0,
        throughput_weight=0,
        estimated_accuracy_weight=0,
    )
    ScoreFormula.objects.create(
        effective_from=date(2026, 11, 1),
        gold_weight=0,
        acceptance_weight=0,
        first_pass_weight=0,
        throughput_weight=100,
        estimated_accuracy_weight=0,
    )
    day = date(2026, 10, 5)
    record(annotator, project, day, items_submitted=75, gold_seen=10, gold_correct=5)
    assert metrics.performance([annotator.pk], day, day).iloc[0]["score"] == 50.0


def test_no_part_no_score(annotator, project):
    record(annotator, project, date(2026, 10, 5), items_submitted=0, active_minutes=10)
    project.daily_targets.all().delete()
    score = metrics.performance([annotator.pk], date(2026, 10, 5), date(2026, 10, 5)).iloc[0]
    assert pd.isna(score["score"])


def test_agreement_on_shared_items_at_the_projects_level(annotator, second_annotator, project):
    day = timezone.localdate() - timedelta(days=1)
    labels = ["Indemnity", "Termination", "Liability cap", "Other"] * 5
    for n, label in enumerate(labels):
        Annotation.objects.create(
            project=project,
            external_id=f"a{n}",
            task_ref=str(n),
            worker=annotator,
            worked_on=day,
            lead_seconds=60,
            label=label,
        )
        other = label if n % 5 else "Other"
        Annotation.objects.create(
            project=project,
            external_id=f"b{n}",
            task_ref=str(n),
            worker=second_annotator,
            worked_on=day,
            lead_seconds=60,
            label=other,
        )
    result = metrics.agreement(project, day, day)
    assert result.items == 20 and result.annotators == 2
    assert 0.5 < result.alpha < 1
    [pair] = result.pairs
    assert pair.shared_items == 20 and 0.5 < pair.kappa < 1
    assert set(result.estimated_accuracy) == {annotator.pk, second_annotator.pk}
    quick = metrics.agreement(project, day, day, alpha_only=True)
    assert quick.alpha == result.alpha and quick.items == 20
    assert quick.pairs == [] and quick.estimated_accuracy == {}


def test_agreement_on_ratings_uses_the_scores(annotator, second_annotator, project):
    project.label_scale = Project.LabelScale.ORDINAL
    project.save()
    day = timezone.localdate() - timedelta(days=1)
    for n in range(12):
        for worker, score in [(annotator, n % 5 + 1), (second_annotator, min(n % 5 + 2, 5))]:
            Annotation.objects.create(
                project=project,
                external_id=f"{worker.pk}-{n}",
                task_ref=str(n),
                worker=worker,
                worked_on=day,
                lead_seconds=60,
                label=str(score),
                score=score,
            )
    result = metrics.agreement(project, day, day)
    assert result.level == "ordinal"
    assert result.alpha > 0.7  # off by one step at most: close on an ordinal scale


def test_no_shared_items_no_agreement(annotator, project):
    day = timezone.localdate() - timedelta(days=1)
    Annotation.objects.create(
        project=project,
        external_id="1",
        task_ref="1",
        worker=annotator,
        worked_on=day,
        lead_seconds=60,
        label="x",
    )
    result = metrics.agreement(project, day, day)
    assert not result.has_data and result.items == 0


def test_outliers_fast_and_inaccurate_and_a_sudden_drop(project, make_user):
    from tests.work.conftest import ready_since

    today = timezone.localdate()
    steady, fast, dropping = (ready_since(project, make_user("annotator")) for _ in range(3))
    for back in range(1, 29):
        day = today - timedelta(days=back)
        record(
            steady,
            project,
            day,
            items_submitted=70,
            gold_seen=10,
            gold_correct=9,
            active_minutes=420,
        )
        record(
            fast,
            project,
            day,
            items_submitted=150,
            gold_seen=10,
            gold_correct=6,
            active_minutes=420,
        )
        record(
            dropping,
            project,
            day,
            items_submitted=70 if back > 7 else 10,
            gold_seen=10,
            gold_correct=9,
            active_minutes=420,
        )
    start = today - timedelta(days=28)
    flags = metrics.outliers(
        metrics.quality([steady.pk, fast.pk, dropping.pk], start, today),
        metrics.daily([steady.pk, fast.pk, dropping.pk], start, today),
        today,
    )
    assert flags == {fast.pk: ["fast_inaccurate"], dropping.pk: ["sudden_drop"]}

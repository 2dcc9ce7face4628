"""The work part of the demo: each project's Label Studio sample imported through the real
importer with its dates moved up to the last workday, the inspectors' reviews, agreement on
every project, the outliers a team lead should see. The `demo` fixture gives each test the
whole demo; tests/demo/test_builder.py checks that a second build creates nothing."""

import json
from datetime import timedelta

import pandas as pd
import pytest

from tests.demo.stories import story
from workforce.demo import clock
from workforce.demo import work as work_demo
from workforce.people.models import Team, Worker
from workforce.projects.models import Assignment, Project
from workforce.work import metrics, queries
from workforce.work.models import (
    Annotation,
    QualityReview,
    ScoreFormula,
    ToolAccount,
    WorkImport,
    WorkRecord,
)

pytestmark = pytest.mark.django_db

SAMPLES = {sample.project: sample for sample in work_demo.SAMPLES}


def _period():
    today = clock.today()
    return today - timedelta(days=work_demo.SAMPLE_DAYS + 2), today


def _worker(email):
    return Worker.objects.get(user__email=email)


def _annotators(project):
    """The project's annotators whose assignment began by the last workday: the others have
    had no workday to work on yet."""
    last_day = work_demo.last_workday_before(clock.today())
    return list(
        Worker.objects.filter(
            assignments__project=project,
            assignments__role=Assignment.Role.ANNOTATOR,
            assignments__starts_on__lte=last_day,
        ).distinct()
    )


@story
def test_the_build_imports_three_samples_kept_as_uploads(demo):
    created = demo.summary.created
    assert created["work imports"] == 3
    assert created["annotations"] > 10_000
    assert created["quality reviews"] > 30
    assert created["score formulas"] == 1
    assert created["tool accounts"] == 3
    assert len([name for name in demo.files if name.endswith(".json")]) == 3


@story
@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_annotator_has_work_and_a_performance_score(demo, name):
    period = _period()
    project = Project.objects.get(name=name)
    annotators = _annotators(project)
    assert len(annotators) >= 2
    for worker in annotators:
        assert WorkRecord.objects.filter(project=project, worker=worker).exists(), worker
    scores = metrics.performance([w.pk for w in annotators], *period).set_index("worker_id")
    for worker in annotators:
        assert pd.notna(scores.at[worker.pk, "score"]), worker
        assert 0 < scores.at[worker.pk, "score"] <= 100


@story
@pytest.mark.parametrize("name", list(SAMPLES))
def test_agreement_has_data_on_every_project(demo, name):
    period = _period()
    project = Project.objects.get(name=name)
    assert project.label_scale == SAMPLES[name].label_scale
    agreement = metrics.agreement(project, *period)
    assert agreement.has_data
    assert 0.3 < agreement.alpha < 1
    assert agreement.annotators >= 3
    assert agreement.pairs
    assert len(agreement.estimated_accuracy) == agreement.annotators


@story
def test_music_ratings_are_compared_as_ordinal_scores(demo):
    music = Project.objects.get(name="Generated music rating")
    assert music.label_scale == Project.LabelScale.ORDINAL
    assert not Annotation.objects.filter(project=music, score__isnull=True).exists()


@story
@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_import_report_lists_the_unknown_user_and_the_capped_drafts(demo, name):
    sample = SAMPLES[name]
    work_import = WorkImport.objects.get(project__name=name)
    assert work_import.status == WorkImport.Status.IMPORTED
    assert work_import.file_name == f"label-studio-{sample.slug}.json"
    assert work_import.uploaded_by.email == "pm@example.com"
    assert sample.file_name in demo.files  # kept like any upload
    unknown = sample.unknown_user
    user_id = str(unknown["id"] if isinstance(unknown, dict) else unknown)
    assert [u["user"] for u in work_import.unknown_users] == [user_id]
    assert work_import.unknown_users[0]["annotations"] == 7 * len(sample.unknown_days)
    tasks = json.loads((work_demo.SAMPLES_DIR / sample.file_name).read_bytes())
    drafts = [
        a
        for task in tasks
        for a in task["annotations"]
        if a["lead_time"] > work_demo.CEILING_MINUTES * 60
        and not a["was_cancelled"]
        and not a["ground_truth"]
    ]
    assert len(drafts) == len(sample.drafts) == work_import.counts["capped"]
    assert work_import.counts["cancelled"] > 0
    gold_share = work_import.counts["ground_truth"] / len(tasks)
    assert 0.04 < gold_share < 0.07


@story
def test_work_is_on_workdays_up_to_the_last_one_before_today(demo):
    days = set(WorkRecord.objects.values_list("worked_on", flat=True))
    assert max(days) == work_demo.last_workday_before(clock.today())
    assert all(day.weekday() < 5 for day in days)
    assert min(days) >= clock.today() - timedelta(days=work_demo.SAMPLE_DAYS + 4)


@story
def test_the_radiology_exposure_limits_hold(demo):
    radiology = Project.objects.get(name="Radiology report labelling")
    frame = pd.DataFrame.from_records(
        WorkRecord.objects.filter(project=radiology).values(
            "worker_id", "worked_on", "active_minutes"
        )
    )
    assert frame["active_minutes"].max() <= 4 * 60
    frame["monday"] = frame["worked_on"].map(lambda d: d - timedelta(days=d.weekday()))
    assert frame.groupby(["worker_id", "monday"])["active_minutes"].sum().max() <= 16 * 60


@story
def test_workers_named_by_label_studio_id_alone_are_mapped_and_credited(demo):
    for sample in work_demo.SAMPLES:
        for annotator in sample.annotators:
            if annotator.by_id_only:
                account = ToolAccount.objects.get(external_id=str(annotator.user_id))
                assert account.worker.user.email == annotator.email
                assert account.worker.work_records.exists()


@story
def test_the_profiles_show_in_the_figures(demo):
    period = _period()
    table = metrics.quality(
        list(
            Worker.objects.filter(work_records__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        ),
        *period,
    ).set_index("worker_id")
    careless = table.loc[_worker("grace.brown.041@example.com").pk]
    assert careless["gold_accuracy"] < 0.8
    steady = [
        a.email
        for sample in work_demo.SAMPLES
        for a in sample.annotators
        if not a.careless and a.joined == work_demo.SAMPLE_START
    ]
    for email in steady:
        row = table.loc[_worker(email).pk]
        assert 0.85 <= row["gold_accuracy"] <= 0.98, email
        assert row["items_per_day"] >= 50, email
    newcomer = table.loc[_worker("tiago.rodrigues.034@example.com").pk]
    assert 30 <= newcomer["items_per_day"] <= 50


@story
def test_team_pages_flag_the_fast_careless_annotator_and_the_sudden_drop(demo):
    period = _period()
    flags = {}
    for team in Team.objects.all():
        for row in queries.team_work(team, *period).rows:
            if row["flags"]:
                flags[row["worker"].user.email] = row["flags"]
    assert flags == {
        "grace.brown.041@example.com": ["fast_inaccurate"],
        "pedro.santos.025@example.com": ["sudden_drop"],
    }


@story
def test_inspectors_review_weekly_samples_and_rework(demo):
    for name in SAMPLES:
        project = Project.objects.get(name=name)
        reviews = QualityReview.objects.filter(project=project)
        inspector = Assignment.objects.get(
            project=project, role=Assignment.Role.QUALITY_INSPECTOR
        ).worker.user
        assert set(reviews.values_list("inspector", flat=True)) == {inspector.pk}
        first = reviews.filter(review_pass=QualityReview.Pass.FIRST)
        assert first.exists() and all(r.items_reviewed <= 20 for r in first)
        assert reviews.filter(review_pass=QualityReview.Pass.REWORK).exists()
        rejected = first.filter(items_rejected__gt=0)
        assert rejected.exists()
        for review in rejected:
            assert 0 < sum(e.count for e in review.errors.all()) <= review.items_rejected
    # The last week's rejections still wait for rework.
    assert any(
        queries.rework_waiting(_worker(a.email), Project.objects.get(name=s.project))
        for s in work_demo.SAMPLES
        for a in s.annotators
    )


@story
def test_the_score_formula_has_the_default_weights(demo):
    formula = ScoreFormula.objects.get()
    assert formula.effective_from == work_demo.FORMULA_FROM
    assert formula.weights == metrics.DEFAULT_FORMULA.weights


def test_the_sample_files_are_the_generators_output(tmp_path):
    for path in work_demo.write_samples(tmp_path):
        committed = work_demo.SAMPLES_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), path.name
        assert path.stat().st_size < 3_000_000

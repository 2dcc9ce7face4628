"""Recording work by hand, quality reviews and rework, the daily-totals CSV, and who may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TeamFactory
from workforce.projects.models import Assignment
from workforce.work import queries, services
from workforce.work.models import ErrorType, QualityReview, WorkImport, WorkRecord

pytestmark = pytest.mark.django_db

COUNTS = {
    "items_submitted": 50,
    "items_accepted": 40,
    "items_rejected": 5,
    "gold_seen": 5,
    "gold_correct": 4,
    "active_minutes": 300,
}


@pytest.fixture
def day():
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def lead(annotator, make_user):
    lead = make_user("supervisor")
    team = TeamFactory(site=annotator.site, lead=lead.worker)
    annotator.team = team
    annotator.save()
    return lead


def test_the_team_lead_records_a_day_and_corrects_it(annotator, project, lead, day):
    services.record_enter(worker=annotator, project=project, worked_on=day, counts=COUNTS, by=lead)
    services.record_enter(
        worker=annotator,
        project=project,
        worked_on=day,
        counts={**COUNTS, "items_submitted": 60},
        note="Recount",
        by=lead,
    )
    record = WorkRecord.objects.get()
    assert (record.items_submitted, record.source, record.entered_by, record.note) == (
        60,
        "manual",
        lead,
        "Recount",
    )
    assert record.history.count() == 2


def test_nobody_records_their_own_work_and_other_leads_cannot(
    annotator, project, lead, make_user, day
):
    with pytest.raises(services.WorkError, match="team lead or a project manager"):
        services.record_enter(
            worker=annotator, project=project, worked_on=day, counts=COUNTS, by=annotator.user
        )
    other_lead = make_user("supervisor")
    TeamFactory(lead=other_lead.worker)
    with pytest.raises(services.WorkError):
        services.record_enter(
            worker=annotator, project=project, worked_on=day, counts=COUNTS, by=other_lead
        )
    assert not WorkRecord.objects.exists()


def test_counts_that_do_not_add_up_are_refused_with_the_reason(annotator, project, lead, day):
    with pytest.raises(services.WorkError, match="More gold items correct than seen"):
        services.record_enter(
            worker=annotator,
            project=project,
            worked_on=day,
            counts={**COUNTS, "gold_correct": 6},
            by=lead,
        )
    with pytest.raises(services.WorkError, match="24 hours"):
        services.record_enter(
            worker=annotator,
            project=project,
            worked_on=day,
            counts={**COUNTS, "active_minutes": 1441},
            by=lead,
        )


def test_work_before_ready_or_off_assignment_is_refused(annotator, project, lead):
    long_ago = timezone.localdate() - timedelta(days=200)
    with pytest.raises(services.WorkError, match="was not ready on Contract review"):
        services.record_enter(
            worker=annotator, project=project, worked_on=long_ago, counts=COUNTS, by=lead
        )
    Assignment.objects.filter(worker=annotator).update(
        ends_on=timezone.localdate() - timedelta(days=10)
    )
    with pytest.raises(services.WorkError, match="was not assigned to Contract review"):
        services.record_enter(
            worker=annotator,
            project=project,
            worked_on=timezone.localdate() - timedelta(days=2),
            counts=COUNTS,
            by=lead,
        )


def test_a_lapsed_certificate_refuses_the_days_after_it_not_before(annotator, project, lead):
    from exams.models import Certificate

    lapsed_on = timezone.localdate() - timedelta(days=5)
    Certificate.objects.filter(user=annotator.user).update(expires_on=lapsed_on)
    with pytest.raises(services.WorkError, match="held no valid certificate"):
        services.record_enter(
            worker=annotator,
            project=project,
            worked_on=lapsed_on + timedelta(1),
            counts=COUNTS,
            by=lead,
        )
    services.record_enter(
        worker=annotator, project=project, worked_on=lapsed_on, counts=COUNTS, by=lead
    )


# --- quality reviews --------------------------------------------------------------------------


@pytest.fixture
def inspector(project, make_user):
    user = make_user("quality_inspector")
    Assignment.objects.create(
        project=project,
        worker=user.worker,
        role=Assignment.Role.QUALITY_INSPECTOR,
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    return user


@pytest.fixture
def wrong_clause(project):
    return ErrorType.objects.create(project=project, name="Wrong clause type")


def review(project, worker, by, *, accepted, rejected, errors, review_pass="first"):
    return services.review_record(
        project=project,
        worker=worker,
        reviewed_on=timezone.localdate(),
        review_pass=review_pass,
        items_accepted=accepted,
        items_rejected=rejected,
        errors=errors,
        by=by,
    )


def test_an_inspector_reviews_and_rejected_items_wait_for_rework(
    annotator, project, inspector, wrong_clause
):
    first = review(
        project, annotator, inspector, accepted=17, rejected=3, errors={wrong_clause.pk: 3}
    )
    assert first.errors.get().count == 3
    assert queries.rework_waiting(annotator, project) == 3
    review(project, annotator, inspector, accepted=2, rejected=0, errors={}, review_pass="rework")
    assert queries.rework_waiting(annotator, project) == 1
    with pytest.raises(services.WorkError, match="Only 1 rejected items are waiting for rework"):
        review(
            project, annotator, inspector, accepted=2, rejected=0, errors={}, review_pass="rework"
        )


def test_rejections_need_their_errors_from_the_projects_list(
    annotator, project, inspector, wrong_clause
):
    with pytest.raises(services.WorkError, match="Say which errors"):
        review(project, annotator, inspector, accepted=5, rejected=2, errors={})
    with pytest.raises(services.WorkError, match="More errors were counted than items rejected"):
        review(project, annotator, inspector, accepted=5, rejected=2, errors={wrong_clause.pk: 3})
    retired = ErrorType.objects.create(project=project, name="Retired", is_active=False)
    with pytest.raises(services.WorkError, match="this project's list"):
        review(project, annotator, inspector, accepted=5, rejected=2, errors={retired.pk: 2})
    assert not QualityReview.objects.exists()


def test_only_an_inspector_on_the_project_reviews_and_never_their_own_work(
    annotator, project, make_user, inspector, wrong_clause
):
    outsider = make_user("quality_inspector")
    with pytest.raises(services.WorkError, match="quality inspector on this project"):
        review(project, annotator, outsider, accepted=5, rejected=0, errors={})
    with pytest.raises(services.WorkError):
        review(project, inspector.worker, inspector, accepted=5, rejected=0, errors={})
    with pytest.raises(services.WorkError):
        review(project, annotator, annotator.user, accepted=5, rejected=0, errors={})


# --- daily totals file ------------------------------------------------------------------------


def test_a_daily_totals_csv_imports_valid_rows_and_reports_the_rest(
    annotator, project, run_import, day
):
    csv = (
        "worker,project,date,items_submitted,items_accepted,items_rejected,gold_seen,gold_correct,active_minutes\n"
        f"{annotator.user.email},{project.name},{day},80,70,5,10,9,400\n"
        f"{annotator.employee_number},{project.pk},{day - timedelta(1)},40,,,,,200\n"
        f"nobody@example.com,{project.name},{day},1,0,0,0,0,1\n"
        f"{annotator.user.email},No such project,{day},1,0,0,0,0,1\n"
        f"{annotator.user.email},{project.name},yesterday,1,0,0,0,0,1\n"
        f"{annotator.user.email},{project.name},{day - timedelta(2)},1.5,0,0,0,0,1\n"
        f"{annotator.user.email},{project.name},{day},3,0,0,0,0,1\n"
    )
    work_import = run_import(csv.encode(), name="totals.csv", file_format=WorkImport.Format.CSV)
    assert work_import.status == WorkImport.Status.IMPORTED
    assert sorted(WorkRecord.objects.values_list("items_submitted", flat=True)) == [40, 80]
    assert [(e["where"], e["message"]) for e in work_import.errors] == [
        ("row 4", "No worker has this email address or employee number."),
        ("row 5", "No project has this name or id."),
        ("row 6", "The date is not a date such as 2026-10-05."),
        ("row 7", "items_submitted must be a whole number, 0 or more."),
        ("row 8", "Another row has the same worker, project and day."),
    ]
    again = run_import(csv.encode(), name="totals.csv", file_format=WorkImport.Format.CSV)
    assert WorkRecord.objects.count() == 2 and again.counts["records"] == 2


def test_counts_past_a_day_of_work_are_refused_before_any_sum(annotator, project, run_import, day):
    # Accepted + rejected overflow 64 bits: the row is refused for its size, never summed.
    csv = (
        "worker,project,date,items_submitted,items_accepted,items_rejected\n"
        f"{annotator.user.email},{project.name},{day},"
        "9223372036854775807,9223372036854775807,9223372036854775807\n"
        f"{annotator.user.email},{project.name},{day - timedelta(1)},100001,0,0\n"
    )
    work_import = run_import(csv.encode(), name="totals.csv", file_format=WorkImport.Format.CSV)
    assert not WorkRecord.objects.exists()
    assert [e["message"] for e in work_import.errors] == [
        "A count is over 100,000 items in a day.",
        "A count is over 100,000 items in a day.",
    ]


def test_only_managers_and_supervisors_import(annotator, run_import):
    with pytest.raises(services.WorkError, match="Only project managers and supervisors"):
        run_import(b"[]", by=annotator.user)

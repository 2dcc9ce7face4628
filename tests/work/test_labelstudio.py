"""The Label Studio importer on hand-written exports: every case the issue names."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from workforce.work import labelstudio
from workforce.work.models import Annotation, GoldAnswer, ToolAccount, WorkImport, WorkRecord

pytestmark = pytest.mark.django_db


def choice(value):
    return [
        {"from_name": "clause", "to_name": "text", "type": "choices", "value": {"choices": [value]}}
    ]


def annotation(pk, by, *, day, label="Indemnity", lead=60.0, **extra):
    return {
        "id": pk,
        "completed_by": by,
        "lead_time": lead,
        "created_at": f"{day.isoformat()}T03:00:00.000000Z",
        "was_cancelled": False,
        "ground_truth": False,
        "result": choice(label),
        **extra,
    }


@pytest.fixture
def day():
    return timezone.localdate() - timedelta(days=3)


def by_email(worker, user_id=7):
    return {"id": user_id, "email": worker.user.email}


def test_annotations_become_a_daily_record(annotator, run_import, day):
    export = [
        {"id": 1, "annotations": [annotation(11, by_email(annotator), day=day, lead=120)]},
        {"id": 2, "annotations": [annotation(12, by_email(annotator), day=day, lead=240)]},
        {"id": 3, "annotations": [annotation(13, by_email(annotator), day=day - timedelta(1))]},
    ]
    work_import = run_import(export)
    assert work_import.status == WorkImport.Status.IMPORTED
    record = WorkRecord.objects.get(worked_on=day)
    assert (record.worker, record.source, record.work_import) == (annotator, "import", work_import)
    assert (record.items_submitted, record.active_minutes) == (2, 6)
    assert WorkRecord.objects.get(worked_on=day - timedelta(1)).items_submitted == 1
    assert work_import.counts["records"] == 2
    assert work_import.counts["written_annotations"] == 3


def test_a_single_task_object_is_accepted(annotator, run_import, day):
    work_import = run_import(
        {"id": 5, "annotations": [annotation(1, by_email(annotator), day=day)]}
    )
    assert work_import.counts["records"] == 1
    assert WorkRecord.objects.get().items_submitted == 1


def test_integer_user_ids_use_the_staffs_mapping(annotator, run_import, day, project):
    export = [{"id": 1, "annotations": [annotation(1, 42, day=day), annotation(2, 43, day=day)]}]
    first = run_import(export)
    assert WorkRecord.objects.count() == 0
    assert first.unknown_users == [
        {"user": "42", "email": "", "annotations": 1},
        {"user": "43", "email": "", "annotations": 1},
    ]
    ToolAccount.objects.create(external_id="42", worker=annotator, created_by=project.manager)
    again = run_import(export)
    assert WorkRecord.objects.get().items_submitted == 1
    assert again.unknown_users == [{"user": "43", "email": "", "annotations": 1}]
    assert again.counts["unknown_user_annotations"] == 1


def test_an_unknown_email_is_reported_not_dropped(annotator, run_import, day):
    stranger = {"id": 99, "email": "nobody@elsewhere.example"}
    export = [
        {
            "id": 1,
            "annotations": [annotation(1, stranger, day=day), annotation(2, stranger, day=day)],
        }
    ]
    work_import = run_import(export)
    assert work_import.unknown_users == [
        {"user": "99", "email": "nobody@elsewhere.example", "annotations": 2}
    ]
    assert not WorkRecord.objects.exists()


def test_cancelled_annotations_count_for_nothing(annotator, run_import, day):
    export = [
        {
            "id": 1,
            "annotations": [
                annotation(1, by_email(annotator), day=day),
                annotation(2, by_email(annotator), day=day, was_cancelled=True, lead=900),
            ],
        }
    ]
    work_import = run_import(export)
    record = WorkRecord.objects.get()
    assert (record.items_submitted, record.active_minutes) == (1, 1)
    assert work_import.counts["cancelled"] == 1


def test_gold_correctness_against_the_ground_truth_of_the_same_task(
    annotator, run_import, day, project
):
    manager = {"id": 1, "email": project.manager.email}
    export = [
        {
            "id": 1,
            "annotations": [
                annotation(100, manager, day=day, label="Indemnity", ground_truth=True),
                annotation(1, by_email(annotator), day=day, label="Indemnity"),
            ],
        },
        {
            "id": 2,
            "annotations": [
                annotation(101, manager, day=day, label="Termination", ground_truth=True),
                annotation(2, by_email(annotator), day=day, label="Liability cap"),
            ],
        },
        {"id": 3, "annotations": [annotation(3, by_email(annotator), day=day, label="Other")]},
    ]
    work_import = run_import(export)
    record = WorkRecord.objects.get()
    # The ground-truth annotations are nobody's work; the others are scored against them.
    assert record.items_submitted == 3
    assert (record.gold_seen, record.gold_correct) == (2, 1)
    assert work_import.counts["ground_truth"] == 2
    assert GoldAnswer.objects.count() == 2


def test_gold_arriving_later_rescores_the_days_already_imported(
    annotator, run_import, day, project
):
    run_import(
        [{"id": 1, "annotations": [annotation(1, by_email(annotator), day=day, label="Indemnity")]}]
    )
    assert WorkRecord.objects.get().gold_seen == 0
    manager = {"id": 1, "email": project.manager.email}
    run_import(
        [
            {
                "id": 1,
                "annotations": [
                    annotation(100, manager, day=day, label="Indemnity", ground_truth=True)
                ],
            }
        ],
        name="gold.json",
    )
    record = WorkRecord.objects.get()
    assert (record.items_submitted, record.gold_seen, record.gold_correct) == (1, 1, 1)


def test_reviews_accept_and_reject(annotator, run_import, day):
    email = by_email(annotator)
    export = [
        {
            "id": 1,
            "annotations": [
                annotation(
                    1,
                    email,
                    day=day,
                    reviews=[{"accepted": True, "created_at": "2026-11-01T10:00:00Z"}],
                ),
                annotation(
                    2,
                    email,
                    day=day,
                    reviews=[
                        {"accepted": True, "created_at": "2026-11-01T10:00:00Z"},
                        {"accepted": False, "created_at": "2026-11-02T10:00:00Z"},
                    ],
                ),
                annotation(3, email, day=day, reviews=[]),
            ],
        }
    ]
    run_import(export)
    record = WorkRecord.objects.get()
    # The latest review decides; an unreviewed annotation is neither.
    assert (record.items_submitted, record.items_accepted, record.items_rejected) == (3, 1, 1)


def test_an_absurd_lead_time_is_capped_at_the_ceiling(annotator, run_import, day):
    two_days = 2 * 24 * 3600
    export = [
        {"id": 1, "annotations": [annotation(1, by_email(annotator), day=day, lead=two_days)]},
        {"id": 2, "annotations": [annotation(2, by_email(annotator), day=day, lead=300)]},
    ]
    work_import = run_import(export, ceiling=20)
    assert WorkRecord.objects.get().active_minutes == 25
    assert work_import.counts["capped"] == 1


def test_reimporting_the_same_export_changes_nothing(annotator, run_import, day):
    export = [
        {"id": n, "annotations": [annotation(n, by_email(annotator), day=day, lead=60)]}
        for n in range(1, 6)
    ]
    run_import(export)
    before = list(WorkRecord.objects.values_list("items_submitted", "active_minutes"))
    again = run_import(export)
    assert (
        list(WorkRecord.objects.values_list("items_submitted", "active_minutes"))
        == before
        == [(5, 5)]
    )
    assert Annotation.objects.count() == 5
    assert again.status == WorkImport.Status.IMPORTED
    assert (again.counts["unchanged_annotations"], again.counts["written_annotations"]) == (5, 0)


def test_an_overlapping_export_adds_only_what_is_new(annotator, run_import, day):
    email = by_email(annotator)
    first = [{"id": n, "annotations": [annotation(n, email, day=day)]} for n in (1, 2, 3)]
    second = [{"id": n, "annotations": [annotation(n, email, day=day)]} for n in (2, 3, 4, 5)]
    run_import(first)
    run_import(second, name="later.json")
    assert WorkRecord.objects.get().items_submitted == 5
    assert Annotation.objects.count() == 5


def test_days_before_the_worker_was_ready_are_refused_with_the_reason(
    project, make_user, run_import
):
    from tests.work.conftest import ready_since

    newcomer = ready_since(project, make_user("annotator"), days_ago=5)
    early = timezone.localdate() - timedelta(days=10)
    fine = timezone.localdate() - timedelta(days=2)
    email = by_email(newcomer)
    export = [
        {"id": 1, "annotations": [annotation(1, email, day=early)]},
        {"id": 2, "annotations": [annotation(2, email, day=fine)]},
    ]
    work_import = run_import(export)
    assert list(WorkRecord.objects.values_list("worked_on", flat=True)) == [fine]
    assert work_import.error_count == 1
    assert "was not ready on Contract review" in work_import.errors[0]["message"]
    assert newcomer.employee_number in work_import.errors[0]["where"]
    assert work_import.counts["refused_annotations"] == 1


def test_a_file_that_is_not_an_export_fails_with_a_message(annotator, run_import):
    work_import = run_import(b"employee,hours\n")
    assert work_import.status == WorkImport.Status.FAILED
    assert "not JSON" in work_import.errors[0]["message"]
    work_import.job.refresh_from_db()
    assert work_import.job.status == "failed"
    assert "not JSON" in work_import.job.errors[0]


def test_labels_compare_whatever_the_order_of_choices_and_regions():
    first = [{"from_name": "a", "type": "choices", "value": {"choices": ["x", "y"], "x": 3}}]
    second = [{"from_name": "a", "type": "choices", "value": {"choices": ["y", "x"], "x": 9}}]
    export = [
        {"id": 1, "annotations": [{"id": 1, "result": first}, {"id": 2, "result": second}]},
    ]
    frame = labelstudio.annotations(json.dumps(export).encode())
    assert frame.loc[0, "label"] == frame.loc[1, "label"]


def test_a_single_rating_gives_a_score():
    export = {
        "id": 1,
        "annotations": [
            {"id": 1, "result": [{"from_name": "q", "type": "rating", "value": {"rating": 4}}]},
            {
                "id": 2,
                "result": [{"from_name": "q", "type": "choices", "value": {"choices": ["2"]}}],
            },
        ],
    }
    frame = labelstudio.annotations(json.dumps(export).encode())
    assert [float(s) for s in frame["score"]] == [4.0, 2.0]


def test_a_rating_given_with_an_error_type_keeps_its_score():
    export = {
        "id": 1,
        "annotations": [
            {
                "id": 1,
                "result": [
                    {"from_name": "score", "type": "rating", "value": {"rating": 2}},
                    {"from_name": "error", "type": "choices", "value": {"choices": ["Off-topic"]}},
                ],
            }
        ],
    }
    frame = labelstudio.annotations(json.dumps(export).encode())
    assert float(frame.loc[0, "score"]) == 2.0


def test_an_annotation_moved_to_another_day_leaves_its_old_day(annotator, run_import, day):
    email = by_email(annotator)
    run_import([{"id": 1, "annotations": [annotation(1, email, day=day - timedelta(1))]}])
    run_import([{"id": 1, "annotations": [annotation(1, email, day=day)]}], name="fixed.json")
    assert list(WorkRecord.objects.values_list("worked_on", "items_submitted")) == [(day, 1)]

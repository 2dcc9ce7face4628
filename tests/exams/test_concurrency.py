"""Two submits of the same attempt at the same moment, on a real database with row locks."""

import threading

import pytest
from django.db import connection, connections

from exams import services
from exams.models import Attempt, Certificate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_submits_grade_once_and_issue_one_certificate(exam, bank, make_user, ready):
    user = make_user("annotator")
    exam.sections.update(question_count=1)
    exam.guideline.questions.exclude(kind="single").update(is_active=False)
    attempt = services.attempt_start(user=user, exam=exam)
    item = attempt.items.get()
    services.attempt_save_answer(
        attempt=attempt,
        position=item.position,
        answer={"choice": item.question.answer_key["choice"]},
    )

    barrier = threading.Barrier(4)
    errors = []

    def submit():
        try:
            barrier.wait()
            services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.passed
    assert Certificate.objects.filter(user=user).count() == 1
    assert attempt.history.filter(status="graded").count() == 1

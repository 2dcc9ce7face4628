"""Work and quality in a real browser: an annotator whose day came in through a Label Studio
export opens My work and sees their accuracy on gold and the chart of their output; their team
lead opens the team's page and sees them flagged as fast but inaccurate."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory, WorkerFactory
from tests.projects.conftest import certification, guideline, project  # noqa: F401
from tests.work.conftest import annotator, run_import  # noqa: F401
from workforce.people.roles import Role
from workforce.work.models import Source, WorkRecord

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, email):
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def label_studio_export(worker, manager, day):
    """Twenty items done in 30 seconds each; ten have a ground truth, and the annotator's
    label matches it on four."""

    def annotation(pk, by, label, **extra):
        return {
            "id": pk,
            "completed_by": {"id": by.pk, "email": by.email},
            "lead_time": 30.0,
            "created_at": f"{day.isoformat()}T03:00:00.000000Z",
            "was_cancelled": False,
            "ground_truth": False,
            "result": [
                {
                    "from_name": "clause",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": [label]},
                }
            ],
            **extra,
        }

    tasks = []
    for n in range(20):
        annotations = [annotation(n + 1, worker.user, "Indemnity" if n < 4 else "Other")]
        if n < 10:
            annotations.append(annotation(1000 + n, manager, "Indemnity", ground_truth=True))
        tasks.append({"id": n + 1, "annotations": annotations})
    return tasks


def test_an_annotator_sees_their_quality_and_their_lead_sees_the_outlier(
    page,
    project,  # noqa: F811
    annotator,  # noqa: F811
    run_import,  # noqa: F811
    team_with_lead,
):
    team = team_with_lead
    team.name = "Shanghai Medical"
    team.save()
    annotator.team = team
    annotator.save()
    day = timezone.localdate() - timedelta(days=2)
    work_import = run_import(label_studio_export(annotator, project.manager, day))
    assert work_import.counts["records"] == 1
    # Two steady colleagues: 60 items an hour, every gold item right.
    for first, last in [("Wei", "Zhang"), ("Fang", "Zhou")]:
        colleague = WorkerFactory(
            user=UserFactory(first_name=first, last_name=last, roles=[Role.ANNOTATOR]),
            team=team,
            site=team.site,
        )
        WorkRecord.objects.create(
            worker=colleague,
            project=project,
            worked_on=day,
            source=Source.IMPORT,
            items_submitted=60,
            gold_seen=10,
            gold_correct=10,
            active_minutes=60,
        )

    # The annotator: their accuracy on gold, and the chart of their days.
    log_in(page, annotator.user.email)
    page.get_by_role("link", name="My work", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator(".work-score-parts tr", has_text="Accuracy on gold")).to_contain_text(
        "40.0%"
    )
    expect(page.locator("tbody tr", has_text="Contract review").first).to_contain_text("120.0")
    expect(page.locator(".work-chart svg")).to_be_visible()

    # Their lead: the team's page flags them, and says why.
    page.context.clear_cookies()
    log_in(page, team.lead.user.email)
    page.get_by_role("link", name="Team work", exact=True).click()
    page.get_by_role("link", name="Shanghai Medical").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work of Shanghai Medical")
    name = annotator.user.get_full_name()
    row = page.locator("tbody tr", has_text=name)
    badge = row.locator(".work-flag")
    expect(badge).to_have_text("Fast but inaccurate")
    expect(badge).to_have_attribute(
        "title",
        "Fast but inaccurate: items an hour at least 1.5×"
        " the team's median with accuracy on gold under 85%.",
    )
    expect(page.locator("tbody tr", has_text="Wei Zhang").locator(".work-flag")).to_have_count(0)
    row.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Work of {name}")
    expect(page.get_by_role("button", name="Record a day")).to_be_visible()

"""The careers pages as people use them: what each sees of their own and others' careers, how a
nomination is made and decided, and what they are refused."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from careers import services
from careers.models import CareerStep, Evaluation, PromotionCase
from careers.services import CAREER_EVALUATION_JOB
from tests.factories import DomainFactory, ExpertiseFactory, TeamFactory, WorkerFactory
from workforce.core.models import Job
from workforce.payroll.models import Adjustment
from workforce.people.models import Rung
from workforce.people.roles import Role

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    """The page's text as a reader sees it: no tags, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(response, element_id: str) -> str:
    """The visible text of the element with this id."""
    html = response.content.decode()
    match = re.search(
        rf'<(section|article|p)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, flags=re.S
    )
    assert match, f"no #{element_id} on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def rung(code: str) -> Rung:
    return Rung.objects.get(code=code)


def result(kind, met, threshold=None, measured=None, *, window=90, note=None, exam=None):
    """One entry of an evaluation's results, as careers.eligibility writes it."""
    return {
        "criterion": 0,
        "kind": kind,
        "threshold": threshold,
        "window_days": window,
        "measured": measured,
        "note": note,
        "exam": exam.pk if exam else None,
        "exam_title": exam.title if exam else None,
        "met": met,
    }


def evaluated(worker, results, *, eligible_since=None, to="quality_inspector") -> Evaluation:
    eligible = bool(results) and all(r["met"] for r in results)
    return Evaluation.objects.create(
        worker=worker,
        next_rung=rung(to),
        evaluated_on=timezone.localdate(),
        is_eligible=eligible,
        eligible_since=(eligible_since or timezone.localdate()) if eligible else None,
        results=results,
    )


def short_of_gold(worker) -> Evaluation:
    """Time at the rung met; accuracy on gold 96.2%, short of 97%."""
    return evaluated(
        worker,
        [
            result("tenure", True, "3.00", "12.5"),
            result("gold_accuracy", False, "97.00", "96.2"),
        ],
    )


def all_met(worker, **kwargs) -> Evaluation:
    return evaluated(
        worker,
        [result("tenure", True, "3.00", "12.5"), result("gold_accuracy", True, "97.00", "98.0")],
        **kwargs,
    )


def open_case(worker, by, *, reason="Ready for more.", to="quality_inspector") -> PromotionCase:
    return PromotionCase.objects.create(
        worker=worker,
        kind=PromotionCase.Kind.PROMOTION,
        from_rung=worker.rung,
        to_rung=rung(to),
        nominated_by=by,
        reason=reason,
    )


@pytest.fixture
def lead(team_with_lead):
    """The supervisor who leads the team."""
    return team_with_lead.lead.user


@pytest.fixture
def annotator(make_user, team_with_lead):
    user = make_user("annotator", team=team_with_lead, site=team_with_lead.site)
    user.first_name, user.last_name = "Li", "Wei"
    user.save()
    return user.worker


@pytest.fixture
def colleague(make_user, team_with_lead):
    """Another annotator in the same team."""
    user = make_user("annotator", team=team_with_lead, site=team_with_lead.site)
    user.first_name, user.last_name = "Mei", "Chen"
    user.save()
    return user.worker


@pytest.fixture
def manager(make_user):
    return make_user("project_manager")


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def exam(db):
    from exams.models import Exam
    from tests.exams.conftest import make_guideline

    return Exam.objects.create(
        title="Quality inspection",
        purpose="certification",
        guideline=make_guideline(slug="qi"),
        time_limit_minutes=30,
    )


# --- my career ---------------------------------------------------------------------------------


def test_a_worker_sees_where_they_stand_what_is_missing_and_what_to_do(client, annotator, exam):
    evaluated(
        annotator,
        [
            result("tenure", True, "3.00", "12.5"),
            result("gold_accuracy", False, "97.00", "96.2"),
            result("certificate", False, exam=exam),
        ],
    )
    client.force_login(annotator.user)
    response = client.get(reverse("careers:mine"))
    assert response.status_code == 200
    standing = section(response, "next-step")
    assert "The next step: Quality inspector" in standing
    assert "Not eligible yet" in standing
    assert "1 of 3 criteria met." in standing
    assert "Met: Time at the current rung: 12.5 months — needs 3 months" in standing
    assert "Not met: Accuracy on gold 96.2% — needs 97% over the last 90 days" in standing
    assert "Not met: Certificate “Quality inspection”: not held" in standing
    assert "Last measured:" in standing
    to_do = section(response, "to-do")
    assert "Re-read the guideline sections behind your missed gold items" in to_do
    assert "Take the exam “Quality inspection”." in to_do
    assert "Time at the current rung" not in to_do  # met: nothing to do about it
    assert f'href="{reverse("exams:exam-detail", args=[exam.pk])}"' in response.content.decode()
    path = section(response, "path")
    assert "You are here" in path
    assert "Labels data for a project's guideline" in path  # the rung's profile
    assert "Review a sample of each annotator's items" in path  # the next rung's duties


def test_a_worker_sees_their_open_case_and_their_history(client, annotator, lead):
    case = open_case(annotator, lead, reason="Leads the Monday reviews.")
    CareerStep.objects.create(
        worker=annotator,
        kind=CareerStep.Kind.HIRED,
        effective_on=date(2025, 3, 1),
        to_rung=rung("annotator"),
    )
    client.force_login(annotator.user)
    response = client.get(reverse("careers:mine"))
    assert "Promotion to Quality inspector, nominated by" in section(response, "open-case")
    history = section(response, "history")
    assert "Hired" in history
    assert "Annotator → Quality inspector" in history and "Nominated" in history
    # The worker may open their own case.
    assert client.get(reverse("careers:case", args=[case.pk])).status_code == 200


def test_someone_without_a_worker_record_is_told_so(client, hr):
    client.force_login(hr)
    response = client.get(reverse("careers:mine"))
    assert response.status_code == 200
    assert "You have no worker record" in visible(response)


def test_checking_again_measures_the_worker_now(client, annotator):
    stale = short_of_gold(annotator)
    Evaluation.objects.filter(pk=stale.pk).update(evaluated_on=date(2026, 1, 5))
    client.force_login(annotator.user)
    response = client.post(reverse("careers:worker-evaluate", args=[annotator.pk]))
    assert response.url == reverse("careers:mine")
    fresh = Evaluation.objects.get(worker=annotator)
    assert fresh.evaluated_on == timezone.localdate()
    page = section(client.get(reverse("careers:mine")), "next-step")
    # The seeded criteria of the step up, measured on no work at all.
    assert "No data for accuracy on gold in the last 90 days — needs 95%" in page
    assert "96.2%" not in page


def test_an_annotator_never_reaches_another_annotators_career_or_case(
    client, annotator, colleague, lead
):
    case = open_case(colleague, lead)
    client.force_login(annotator.user)
    for url in [
        reverse("careers:worker", args=[colleague.pk]),
        reverse("careers:nominate", args=[colleague.pk]),
        reverse("careers:case", args=[case.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("careers:worker-evaluate", args=[colleague.pk])).status_code == 404
    assert client.post(reverse("careers:case-withdraw", args=[case.pk])).status_code == 404
    assert client.get(reverse("careers:team")).status_code == 403
    assert client.get(reverse("careers:pipeline")).status_code == 403
    # Nor may they nominate themselves.
    assert client.get(reverse("careers:nominate", args=[annotator.pk])).status_code == 403


# --- staff: a worker's page, the team, nominations -----------------------------------------------


def test_a_team_lead_sees_a_members_career_with_a_nominate_link(client, lead, annotator):
    short_of_gold(annotator)
    outsider = WorkerFactory()
    client.force_login(lead)
    response = client.get(reverse("careers:worker", args=[annotator.pk]))
    assert response.status_code == 200
    text = visible(response)
    assert "Career of Li Wei" in text
    assert "Nominate Li Wei" in text
    assert "Accuracy on gold 96.2% — needs 97% over the last 90 days" in text
    assert "Current rung" in section(response, "path")
    assert client.get(reverse("careers:worker", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("careers:nominate", args=[outsider.pk])).status_code == 404


def test_team_eligibility_puts_candidates_first(client, lead, annotator, colleague):
    short_of_gold(colleague)
    all_met(annotator)
    waiting = WorkerFactory(team=annotator.team, site=annotator.site)
    all_met(waiting)
    case = open_case(waiting, lead)
    client.force_login(lead)
    response = client.get(reverse("careers:team"))
    assert response.status_code == 200
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), flags=re.S)[1:]
    texts = [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]
    assert texts[0].startswith("Li Wei Candidate")
    assert "2 of 2" in texts[0] and "Eligible" in texts[0] and "Nominate" in texts[0]
    assert "to Quality inspector" in texts[1] and "Candidate" not in texts[1]  # has a case
    assert "Mei Chen" in texts[2] and "1 of 2" in texts[2] and "Not yet" in texts[2]
    assert f'href="{reverse("careers:case", args=[case.pk])}"' in rows[1]
    assert "1 candidate: eligible, with no open case." in visible(response)
    # The history of the team they lead.
    assert annotator.team.name in section(response, "team-leads")


def test_a_project_manager_sees_everyones_eligibility(client, manager, annotator):
    all_met(annotator)
    client.force_login(manager)
    response = client.get(reverse("careers:team"))
    assert "Where every active worker stands" in visible(response)
    assert "Li Wei" in visible(response)


def test_nominating_someone_not_eligible_without_a_reason_is_refused_beside_the_form(
    client, lead, annotator
):
    short_of_gold(annotator)
    client.force_login(lead)
    url = reverse("careers:nominate", args=[annotator.pk])
    page = client.get(url)
    assert "Not met: Accuracy on gold 96.2%" in section(page, "standing")
    assert "write why you nominate them" in section(page, "standing")
    # The next rung is proposed.
    qi = rung("quality_inspector")
    assert re.search(rf'<option value="{qi.pk}" selected>', page.content.decode())

    response = client.post(url, {"to_rung": qi.pk, "team": "", "reason": "  "})
    assert response.status_code == 200
    errors = re.search(r'role="alert">(.*?)</div>', response.content.decode(), flags=re.S)
    assert "does not meet every criterion for Quality inspector" in unescape(errors.group(1))
    assert not PromotionCase.objects.exists()


def test_nominating_with_a_reason_opens_a_case(client, lead, annotator):
    short_of_gold(annotator)
    client.force_login(lead)
    response = client.post(
        reverse("careers:nominate", args=[annotator.pk]),
        {"to_rung": rung("quality_inspector").pk, "reason": "Her gold misses were one batch."},
    )
    case = PromotionCase.objects.get()
    assert response.url == reverse("careers:case", args=[case.pk])
    page = client.get(response.url)
    text = section(page, "case")
    assert "Her gold misses were one batch." in text
    assert "Nominated" in text and "Eligible when nominated No" in text
    assert "Not met: Accuracy on gold 96.2%" in section(page, "evaluation")
    # The nominator may withdraw, not decide.
    assert "Withdraw the nomination" in visible(page)
    assert 'id="decide"' not in page.content.decode()


# --- deciding a case ---------------------------------------------------------------------------


def test_a_project_manager_approves_and_the_rung_moves(client, lead, manager, annotator):
    all_met(annotator)
    case = services.case_nominate(worker=annotator, to_rung=rung("quality_inspector"), by=lead)
    client.force_login(manager)
    page = client.get(reverse("careers:case", args=[case.pk]))
    assert "Approve" in section(page, "decide") and "Reject" in section(page, "decide")
    assert "Eligible when nominated Yes" in section(page, "case")

    today = timezone.localdate()
    response = client.post(
        reverse("careers:case-approve", args=[case.pk]),
        {"approve-effective_on": today.isoformat(), "approve-note": "Well earned."},
    )
    assert response.url == reverse("careers:case", args=[case.pk])
    annotator.refresh_from_db()
    assert annotator.rung.code == "quality_inspector"
    assert annotator.user.groups.filter(name=Role.QUALITY_INSPECTOR).exists()
    after = client.get(response.url)
    assert "Approved" in section(after, "case") and "Well earned." in section(after, "case")
    assert 'id="decide"' not in after.content.decode()
    client.force_login(annotator.user)
    history = section(client.get(reverse("careers:mine")), "history")
    assert "Promotion" in history and "Annotator → Quality inspector" in history


def test_an_approval_that_the_service_refuses_shows_why_beside_the_form(
    client, lead, manager, annotator
):
    case = open_case(annotator, lead)
    client.force_login(manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("careers:case-approve", args=[case.pk]),
        {"approve-effective_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "Approve the case on or after the day it takes effect." in section(response, "decide")
    case.refresh_from_db()
    assert case.is_open


def test_an_approved_case_shows_its_back_pay(client, lead, manager, annotator):
    case = open_case(annotator, lead)
    case.status, case.decided_by, case.decided_at = "approved", manager, timezone.now()
    case.effective_on = date(2026, 2, 1)
    case.save()
    case.back_pay.add(
        Adjustment.objects.create(
            worker=annotator,
            currency="CNY",
            amount=Decimal("1250.50"),
            reason="Promotion to Quality inspector from 2026-02-01",
        )
    )
    client.force_login(annotator.user)
    back_pay = section(client.get(reverse("careers:case", args=[case.pk])), "back-pay")
    assert "1,250.50 CNY" in back_pay
    assert "Promotion to Quality inspector from 2026-02-01" in back_pay


def test_back_pay_is_pay_hidden_from_hr_and_project_managers(client, lead, manager, hr, annotator):
    case = open_case(annotator, lead)
    case.status, case.decided_by, case.decided_at = "approved", manager, timezone.now()
    case.effective_on = date(2026, 2, 1)
    case.save()
    case.back_pay.add(
        Adjustment.objects.create(
            worker=annotator, currency="CNY", amount=Decimal("1250.50"), reason="Back pay"
        )
    )
    for reader in (manager, hr):
        client.force_login(reader)
        back_pay = section(client.get(reverse("careers:case", args=[case.pk])), "back-pay")
        assert "1,250.50" not in back_pay
        assert "shown to the worker, their team lead and payroll admins" in back_pay


def test_a_rejection_needs_a_note(client, lead, manager, annotator):
    case = open_case(annotator, lead)
    client.force_login(manager)
    url = reverse("careers:case-reject", args=[case.pk])
    response = client.post(url, {"reject-note": ""})
    assert response.status_code == 200
    assert "Write why the case is rejected" in section(response, "decide")
    case.refresh_from_db()
    assert case.is_open

    response = client.post(url, {"reject-note": "Gold accuracy first."})
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.REJECTED
    assert "Gold accuracy first." in section(client.get(response.url), "case")


def test_only_the_decider_decides(client, lead, hr, annotator):
    case = open_case(annotator, lead)
    today = timezone.localdate().isoformat()
    for user in (lead, hr):  # the supervisor nominates; HR decides only project managers
        client.force_login(user)
        assert (
            'id="decide"'
            not in client.get(reverse("careers:case", args=[case.pk])).content.decode()
        )
        response = client.post(
            reverse("careers:case-approve", args=[case.pk]), {"approve-effective_on": today}
        )
        assert response.status_code == 403
    annotator.refresh_from_db()
    assert annotator.rung.code == "annotator"


def test_the_nominator_withdraws_the_case(client, lead, annotator):
    case = open_case(annotator, lead)
    client.force_login(lead)
    response = client.post(reverse("careers:case-withdraw", args=[case.pk]))
    assert response.url == reverse("careers:case", args=[case.pk])
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.WITHDRAWN


# --- the pipeline ------------------------------------------------------------------------------


def test_the_pipeline_lists_open_cases_with_their_days(client, lead, manager, annotator):
    nominated_at = timezone.now() - timedelta(days=5)
    case = open_case(annotator, lead)
    case.nominated_at = nominated_at
    case.was_eligible = True
    case.eligible_since = timezone.localdate(nominated_at) - timedelta(days=7)
    case.save()
    client.force_login(manager)
    response = client.get(reverse("careers:pipeline"))
    assert response.status_code == 200
    open_cases = section(response, "open-cases")
    assert "Li Wei" in open_cases
    assert "Promotion: Annotator → Quality inspector" in open_cases
    assert "7 days" in open_cases and "5 days" in open_cases
    assert "Li Wei" in section(response, "to-decide")
    assert "No promotions yet." in section(response, "by-quarter")
    assert "Evaluate everyone now" not in visible(response)  # HR's button


def test_the_pipeline_counts_promotions_per_quarter_and_domain(client, lead, hr, annotator):
    ExpertiseFactory(worker=annotator, domain=DomainFactory(slug="law", name="Law"))
    case = open_case(annotator, lead)
    case.status, case.decided_by, case.decided_at = "approved", hr, timezone.now()
    case.effective_on = date(2026, 2, 10)
    case.save()
    client.force_login(hr)
    response = client.get(reverse("careers:pipeline"))
    quarters = section(response, "by-quarter")
    assert "Quarter Law" in quarters and "2026Q1 1" in quarters.replace("-", "")
    decided = section(response, "decided")
    assert "Li Wei" in decided and "Approved" in decided
    assert "Nothing waits for your decision." in section(response, "to-decide")


def test_hr_evaluates_everyone_and_follows_the_job(client, hr, manager):
    client.force_login(hr)
    assert "Evaluate everyone now" in visible(client.get(reverse("careers:pipeline")))
    response = client.post(reverse("careers:evaluate-everyone"))
    job = Job.objects.get(kind=CAREER_EVALUATION_JOB)
    assert response.url == reverse("shell:job-detail", kwargs={"pk": job.pk})
    assert job.started_by == hr
    client.force_login(manager)
    assert client.post(reverse("careers:evaluate-everyone")).status_code == 403


# --- the ladder and the way in -----------------------------------------------------------------


def test_the_ladder_states_each_steps_criteria_in_words(client, annotator, make_user):
    client.force_login(annotator.user)
    response = client.get(reverse("careers:ladder"))
    inspector = section(response, "rung-quality_inspector")
    assert "Reviews other annotators' work" in inspector
    assert "At least 3 months at the current rung" in inspector
    assert "Accuracy on gold at least 95% over 90 days" in inspector
    assert "Throughput at least 90% of target over 90 days" in inspector
    assert "No open disciplinary case" in inspector
    assert "Led a team trial or a project in the last 365 days" in section(
        response, "rung-supervisor"
    )
    assert "You are here" in section(response, "rung-annotator")
    client.force_login(make_user("candidate"))
    assert client.get(reverse("careers:ladder")).status_code == 403


def test_each_role_finds_its_careers_page_in_the_header(client, lead, annotator, manager):
    def nav(user):
        client.force_login(user)
        return dict(client.get(reverse("shell:home")).context["nav_items"])

    assert nav(annotator.user)["My career"] == reverse("careers:mine")
    assert "Team careers" not in nav(annotator.user)
    assert nav(lead)["Team careers"] == reverse("careers:team")
    assert nav(manager)["Promotions"] == reverse("careers:pipeline")
    assert "Promotions" not in nav(lead)


def test_the_ladder_on_the_home_page_leads_to_the_career_page(client, annotator, lead):
    client.force_login(annotator.user)
    home = client.get(reverse("shell:home")).content.decode()
    assert f'<a href="{reverse("careers:mine")}">Career:' in home
    client.force_login(lead)
    detail = client.get(reverse("people:worker-detail", args=[annotator.pk])).content.decode()
    assert f'<a href="{reverse("careers:worker", args=[annotator.pk])}">Career:' in detail


def test_a_team_without_members_says_so(client, make_user):
    user = make_user("supervisor")
    TeamFactory(site=user.worker.site, lead=user.worker)
    client.force_login(user)
    assert "your teams have no active member" in visible(client.get(reverse("careers:team")))

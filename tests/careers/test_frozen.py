"""A decided promotion case is a record of who decided what: its history page in the admin is
shown and never reverted, and no ORM path rewrites the decision."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from careers.models import CaseDecidedError, PromotionCase
from workforce.people.models import Rung

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(make_user, team_with_lead):
    """A promotion to quality inspector, approved by a project manager from 1 February."""
    worker = make_user("annotator", team=team_with_lead, site=team_with_lead.site).worker
    case = PromotionCase.objects.create(
        worker=worker,
        kind=PromotionCase.Kind.PROMOTION,
        from_rung=worker.rung,
        to_rung=Rung.objects.get(code="quality_inspector"),
        nominated_by=team_with_lead.lead.user,
        reason="Ready for more.",
    )
    case.status, case.decided_by = PromotionCase.Status.APPROVED, make_user("project_manager")
    case.decided_at, case.effective_on = timezone.now(), date(2026, 2, 1)
    case.save()
    return case


def history_form_data(case, user, **changes) -> dict:
    """What the admin's history form of the case posts back, with `changes`."""
    request = RequestFactory().get("/")
    request.user = user
    form = admin.site._registry[PromotionCase].get_form(request, case)(instance=case)
    data = {}
    for field in form:
        value = changes.get(field.name, field.value())
        if isinstance(value, list):
            data[field.html_name] = [str(v) for v in value]
        elif hasattr(field.field.widget, "decompress"):
            for i, part in enumerate(field.field.widget.decompress(value)):
                data[f"{field.html_name}_{i}"] = "" if part is None else str(part)
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def test_hr_cannot_rewrite_a_decided_case_through_the_history_form(client, make_user, decided):
    hr = make_user("hr")
    client.force_login(hr)
    latest = decided.history.order_by("-history_id").first().history_id
    url = reverse("admin:careers_promotioncase_simple_history", args=[decided.pk, latest])
    assert client.get(url).status_code == 200  # the history is shown
    data = history_form_data(
        decided,
        hr,
        to_rung=Rung.objects.get(code="trainer").pk,
        effective_on="2025-06-01",
        decided_by=hr.pk,
    )
    response = client.post(url, data)
    assert response.status_code == 403
    decided.refresh_from_db()
    assert (decided.to_rung.code, decided.effective_on) == ("quality_inspector", date(2026, 2, 1))
    assert decided.decided_by != hr


def test_no_orm_path_rewrites_a_decided_case(decided):
    decided.effective_on = date(2025, 6, 1)
    with pytest.raises(CaseDecidedError):
        decided.save()
    with pytest.raises(CaseDecidedError):
        decided.delete()
    cases = PromotionCase.objects.filter(pk=decided.pk)
    with pytest.raises(CaseDecidedError):
        cases.update(status=PromotionCase.Status.REJECTED)
    with pytest.raises(CaseDecidedError):
        PromotionCase.objects.bulk_update([decided], ["effective_on"])
    with pytest.raises(CaseDecidedError):
        cases.delete()
    # When it happened may be dated (the demo back-dates its cases); what was decided may not.
    cases.update(decided_at=timezone.now() - timedelta(days=3))
    decided.refresh_from_db()
    assert (decided.status, decided.effective_on) == ("approved", date(2026, 2, 1))

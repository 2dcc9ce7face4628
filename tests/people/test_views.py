import pytest
from django.urls import reverse

from tests.factories import ExpertiseFactory, SiteFactory, TeamFactory, WorkerFactory
from workforce.people.models import Rung, Worker

pytestmark = pytest.mark.django_db


def test_staff_filter_the_worker_list_by_site_and_domain(client, make_user):
    lisbon = SiteFactory(name="Lisbon")
    in_lisbon = WorkerFactory(site=lisbon, employee_number="LX-0001")
    WorkerFactory(employee_number="SH-0001")
    lawyer = ExpertiseFactory(domain__slug="law", worker__employee_number="SH-0002").worker
    client.force_login(make_user("hr"))

    page = client.get(reverse("people:worker-list"), {"site": lisbon.pk}).content.decode()
    assert "LX-0001" in page and "SH-0001" not in page

    page = client.get(
        reverse("people:worker-list"), {"domain": lawyer.expertise.get().domain.pk}
    ).content.decode()
    assert "SH-0002" in page and "LX-0001" not in page
    assert in_lisbon.pk


def test_the_worker_list_searches_and_paginates(client, make_user):
    WorkerFactory.create_batch(30)
    client.force_login(make_user("hr"))
    first = client.get(reverse("people:worker-list"))
    assert "30 workers" in first.content.decode() and "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("people:worker-list"), {"page": 2})
    assert second.context["page"].number == 2 and len(second.context["page"]) == 5
    target = Worker.objects.last()
    found = client.get(reverse("people:worker-list"), {"q": target.employee_number})
    assert list(found.context["page"]) == [target]


def test_an_invalid_filter_value_is_shown_beside_its_field(client, make_user):
    client.force_login(make_user("hr"))
    response = client.get(reverse("people:worker-list"), {"status": "retired"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_team_filter_offers_a_supervisor_only_their_own_teams(client, team_with_lead):
    other = TeamFactory(name="Someone Else's Team")
    client.force_login(team_with_lead.lead.user)
    page = client.get(reverse("people:worker-list")).content.decode()
    assert team_with_lead.name in page and other.name not in page


def test_a_worker_sees_their_profile_with_the_ladder(client, make_user):
    user = make_user("annotator")
    client.force_login(user)
    page = client.get(reverse("people:my-profile")).content.decode()
    assert user.worker.employee_number in page
    assert 'aria-current="step">Annotator' in page


def test_a_worker_opens_their_own_record_but_not_its_audit_trail(client, make_user):
    user = make_user("annotator")
    client.force_login(user)
    response = client.get(reverse("people:worker-detail", args=[user.worker.pk]))
    assert response.status_code == 200 and user.worker.employee_number in response.content.decode()
    assert "History" not in response.content.decode()


def test_changes_to_a_worker_are_kept_with_who_made_them_and_staff_see_them(client, make_user):
    hr = make_user("hr")
    worker = WorkerFactory()
    client.force_login(hr)
    response = client.post(
        reverse("admin:people_worker_change", args=[worker.pk]),
        {
            "user": worker.user.pk,
            "employee_number": worker.employee_number,
            "site": worker.site.pk,
            "rung": Rung.objects.get(code="quality_inspector").pk,
            "team": "",
            "status": "active",
            "employment_type": "salaried",
            "hired_on": "2025-03-01",
            "left_on": "",
            "exit_reason": "",
            "expertise-TOTAL_FORMS": "0",
            "expertise-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("people:worker-detail", args=[worker.pk])).content.decode()
    assert "Rung: <del>Annotator</del> → <ins>Quality inspector</ins>" in page
    assert str(hr) in page


def test_a_worker_who_left_needs_an_exit_date_and_reason(client, make_user):
    worker = WorkerFactory()
    client.force_login(make_user("hr"))
    response = client.post(
        reverse("admin:people_worker_change", args=[worker.pk]),
        {
            "user": worker.user.pk,
            "employee_number": worker.employee_number,
            "site": worker.site.pk,
            "rung": worker.rung.pk,
            "status": "left",
            "hired_on": "2025-03-01",
            "left_on": "",
            "exit_reason": "",
            "expertise-TOTAL_FORMS": "0",
            "expertise-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "A worker who has left needs an exit date." in response.content.decode()
    worker.refresh_from_db()
    assert worker.status == "active"


def test_team_changes_are_kept_too(client, make_user, team_with_lead):
    team_with_lead.name = "Renamed Team"
    team_with_lead.save()
    client.force_login(make_user("hr"))
    page = client.get(reverse("people:team-detail", args=[team_with_lead.pk])).content.decode()
    assert "Renamed Team" in page and "<del>Team" in page


def test_history_survives_a_deleted_team(client, make_user):
    old_team, new_team = TeamFactory(name="Old Team"), TeamFactory(name="New Team")
    worker = WorkerFactory(team=old_team)
    worker.team = new_team
    worker.save()
    old_team.delete()
    client.force_login(make_user("hr"))
    response = client.get(reverse("people:worker-detail", args=[worker.pk]))
    assert response.status_code == 200
    assert "Deleted team" in response.content.decode()


def test_a_supervisor_who_left_no_longer_sees_their_team(client, team_with_lead):
    member = WorkerFactory(team=team_with_lead)
    lead = team_with_lead.lead
    client.force_login(lead.user)
    assert client.get(reverse("people:worker-detail", args=[member.pk])).status_code == 200
    lead.status, lead.left_on, lead.exit_reason = "left", "2026-06-01", "pay"
    lead.save()
    client.force_login(lead.user)
    assert client.get(reverse("people:worker-detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("people:worker-list")).status_code == 403


def test_a_supervisor_sees_a_members_record_without_its_history(client, team_with_lead):
    member = WorkerFactory(team=team_with_lead)
    client.force_login(team_with_lead.lead.user)
    page = client.get(reverse("people:worker-detail", args=[member.pk])).content.decode()
    assert member.employee_number in page and "History" not in page


def test_hr_records_a_leaving_from_the_worker_page(client, make_user):
    from datetime import date

    worker = WorkerFactory(hired_on=date(2026, 1, 5))
    client.force_login(make_user("hr"))
    page = client.get(reverse("people:worker-detail", args=[worker.pk]))
    assert "Record a leaving" in page.content.decode()

    too_early = client.post(
        reverse("people:worker-leave", args=[worker.pk]),
        {"left_on": "2025-12-31", "exit_reason": "personal"},
    )
    assert "cannot be before the start date" in too_early.content.decode()
    worker.refresh_from_db()
    assert worker.status != Worker.Status.LEFT

    done = client.post(
        reverse("people:worker-leave", args=[worker.pk]),
        {"left_on": "2026-03-12", "exit_reason": "personal"},
        follow=True,
    )
    assert "Leaving recorded" in done.content.decode()
    assert "Record a leaving" not in done.content.decode()  # nothing left to record
    worker.refresh_from_db()
    assert (worker.status, worker.left_on) == (Worker.Status.LEFT, date(2026, 3, 12))


@pytest.mark.parametrize("role", ["supervisor", "project_manager", "payroll_admin", "annotator"])
def test_only_hr_records_a_leaving(client, make_user, role):
    worker = WorkerFactory()
    client.force_login(make_user(role))
    page = client.get(reverse("people:worker-detail", args=[worker.pk]))
    assert "Record a leaving" not in page.content.decode()
    refused = client.post(
        reverse("people:worker-leave", args=[worker.pk]),
        {"left_on": "2026-03-12", "exit_reason": "personal"},
    )
    assert refused.status_code == 403
    worker.refresh_from_db()
    assert worker.left_on is None


def test_hr_adds_a_work_permit_the_worker_can_read_and_nobody_else(client, make_user, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workforce.people.models import WorkerDocument

    worker_user = make_user("annotator")
    worker = worker_user.worker
    client.force_login(make_user("hr"))
    url = reverse("people:document-add", args=[worker.pk])
    fake = client.post(
        url,
        {
            "kind": "work_permit",
            "title": "Permit",
            "file": SimpleUploadedFile("permit.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert "Upload a PDF, JPEG or PNG file." in fake.content.decode()
    assert not WorkerDocument.objects.exists()
    client.post(
        url,
        {
            "kind": "work_permit",
            "title": "Residence and work permit",
            "file": SimpleUploadedFile("permit.pdf", b"%PDF-1.4 permit"),
            "expires_on": "2027-01-31",
        },
    )
    document = WorkerDocument.objects.get()
    assert document.expires_on.isoformat() == "2027-01-31"

    client.force_login(worker_user)
    own = client.get(reverse("people:worker-detail", args=[worker.pk])).content.decode()
    assert "Residence and work permit" in own and "Add a document" not in own
    assert client.get(reverse("people:document-file", args=[document.pk])).status_code == 200
    client.force_login(make_user("annotator"))
    assert client.get(reverse("people:document-file", args=[document.pk])).status_code == 404


def test_a_fixed_term_is_renewed_only_to_a_later_day(client, make_user):
    from datetime import date

    from workforce.people.models import Employment

    worker = WorkerFactory(hired_on=date(2026, 1, 5))
    employment = Employment.objects.create(
        worker=worker,
        kind="contractor",
        starts_on=date(2026, 1, 5),
        fixed_term_ends_on=date(2026, 12, 31),
    )
    client.force_login(make_user("hr"))
    url = reverse("people:employment-renew", args=[worker.pk])
    earlier = client.post(url, {"until": "2026-06-30"})
    assert "A renewal ends after the current term" in earlier.content.decode()
    client.post(url, {"until": "2027-06-30"})
    employment.refresh_from_db()
    assert (employment.fixed_term_ends_on, employment.renewals) == (date(2027, 6, 30), 1)


def test_the_language_picked_in_the_interface_is_the_one_for_emails_and_pdfs(client, make_user):
    user = make_user("annotator")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    profile = client.get(reverse("people:my-profile")).content.decode()
    said = profile[profile.index('id="my-language"') :].split("</p>")[0]
    assert "français" in said
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not a site language
    user.refresh_from_db()
    assert user.preferred_language == "fr"


def test_hr_sets_a_workers_language_and_nobody_else_does(client, make_user):
    worker = WorkerFactory()
    url = reverse("people:worker-language", args=[worker.pk])
    client.force_login(make_user("supervisor"))
    assert client.post(url, {"language": "zh-hans"}).status_code == 403
    client.force_login(make_user("hr"))
    client.post(url, {"language": "zh-hans"})
    worker.user.refresh_from_db()
    assert worker.user.preferred_language == "zh-hans"


def test_hr_edits_a_record_and_its_contract_with_history_and_clear_errors(client, make_user):
    from datetime import date

    from workforce.people.models import Employment

    shanghai, lisbon = SiteFactory(name="Shanghai"), SiteFactory(name="Lisbon")
    worker = WorkerFactory(site=shanghai, team=TeamFactory(site=shanghai), status="onboarding")
    lisbon_team = TeamFactory(site=lisbon, name="Lisbon Legal")
    client.force_login(make_user("hr"))
    url = reverse("people:worker-edit", args=[worker.pk])
    form = {
        "first_name": "Mei",
        "last_name": "Chen",
        "site": shanghai.pk,
        "team": lisbon_team.pk,
        "status": "active",
        "employment_type": "salaried",
        "kind": "employee",
        "hours_per_week": "30",
        "probation_ends_on": "",
        "fixed_term_ends_on": "",
    }
    wrong = client.post(url, form)
    assert "The team Lisbon Legal works at another site." in wrong.content.decode()
    worker.refresh_from_db()
    assert worker.status == "onboarding"  # nothing written

    client.post(url, form | {"site": lisbon.pk, "fixed_term_ends_on": date(2027, 6, 30)})
    worker.refresh_from_db()
    contract = Employment.objects.get(worker=worker)
    assert (worker.site, worker.team, worker.status) == (lisbon, lisbon_team, "active")
    assert worker.user.get_full_name() == "Mei Chen"
    assert (contract.hours_per_week, contract.fixed_term_ends_on) == (30, date(2027, 6, 30))
    assert worker.history.count() >= 2  # the change is in the record's history


@pytest.mark.parametrize("role", ["supervisor", "project_manager", "payroll_admin", "annotator"])
def test_only_hr_edits_a_record(client, make_user, role):
    worker = WorkerFactory()
    client.force_login(make_user(role))
    assert client.get(reverse("people:worker-edit", args=[worker.pk])).status_code == 403

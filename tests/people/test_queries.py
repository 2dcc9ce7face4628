import pytest

from tests.factories import TeamFactory, WorkerFactory
from workforce.people import queries

pytestmark = pytest.mark.django_db


def test_an_annotator_sees_only_their_own_record(make_user):
    me = make_user("annotator")
    WorkerFactory.create_batch(3)
    assert list(queries.workers_visible_to(me)) == [me.worker]
    assert not queries.can_browse_workers(me)


def test_a_supervisor_sees_the_members_of_the_teams_they_lead_and_no_one_else(team_with_lead):
    lead = team_with_lead.lead
    member = WorkerFactory(team=team_with_lead)
    stranger = WorkerFactory(team=TeamFactory())
    visible = set(queries.workers_visible_to(lead.user))
    assert member in visible and lead in visible and stranger not in visible
    assert list(queries.teams_visible_to(lead.user)) == [team_with_lead]


@pytest.mark.parametrize("role", ["hr", "project_manager", "payroll_admin", "superuser"])
def test_people_managers_see_every_worker(role, make_user):
    WorkerFactory.create_batch(3)
    viewer = make_user(role)
    assert queries.workers_visible_to(viewer).count() == 3 + (role == "project_manager")


@pytest.mark.parametrize("role", ["candidate", "quality_inspector", "trainer"])
def test_other_roles_see_no_teams(role, make_user):
    TeamFactory()
    assert not queries.teams_visible_to(make_user(role)).exists()


def test_the_ladder_marks_the_current_rung_and_those_below(make_user):
    trainer = make_user("trainer").worker
    steps = queries.ladder_for(trainer)
    assert [s.rung.code for s in steps] == [
        "annotator",
        "quality_inspector",
        "trainer",
        "supervisor",
        "project_manager",
    ]
    assert [s.is_reached for s in steps] == [True, True, True, False, False]
    assert [s.is_current for s in steps] == [False, False, True, False, False]


def test_a_supervisors_head_counts_cover_only_their_teams(team_with_lead):
    WorkerFactory.create_batch(2, team=team_with_lead)
    WorkerFactory.create_batch(5)  # other people's workers
    overview = queries.workforce_overview(team_with_lead.lead.user)
    assert sum(n for _label, n in overview["by_status"]) == 3  # two members and the lead
    assert dict((r.code, n) for r, n in overview["by_rung"]) == {
        "annotator": 2,
        "quality_inspector": 0,
        "trainer": 0,
        "supervisor": 1,
        "project_manager": 0,
    }


def test_an_hr_users_head_counts_cover_everyone(make_user):
    WorkerFactory.create_batch(4)
    overview = queries.workforce_overview(make_user("hr"))
    assert sum(n for _label, n in overview["by_status"]) == 4

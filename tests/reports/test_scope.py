"""One rule narrows every report to what its reader may see (Scope.limit)."""

from django.db.models import Q

from reports.base import Scope

WORKERS, TEAMS = frozenset({1, 2}), frozenset({7})


def test_the_scopes_workers_decide_else_its_teams():
    assert Scope(user=None).limit() == Q()
    assert Scope(user=None, worker_ids=WORKERS, team_ids=TEAMS).limit() == Q(pk__in=WORKERS)
    # A project's supervisor: workers named, no team led.
    assert Scope(user=None, worker_ids=WORKERS, team_ids=frozenset()).limit() == Q(pk__in=WORKERS)
    assert Scope(user=None, team_ids=TEAMS).limit() == Q(team_id__in=TEAMS)
    assert Scope(user=None, worker_ids=frozenset()).limit() == Q(pk__in=frozenset())


def test_payslips_go_by_the_team_they_name_first():
    scope = Scope(user=None, worker_ids=WORKERS, team_ids=TEAMS)
    assert scope.limit(worker="worker_id", by_team=True) == Q(team_id__in=TEAMS)
    assert Scope(user=None, worker_ids=WORKERS).limit(worker="worker_id", by_team=True) == Q(
        worker_id__in=WORKERS
    )

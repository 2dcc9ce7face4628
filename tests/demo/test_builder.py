"""The demo's builder: a second build over the demo creates nothing, in any part; and the demo
as the `demo` fixture gives it, built once per test worker."""

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.demo.stories import story
from workforce.demo import builder, people
from workforce.demo import reports as reports_demo
from workforce.payroll.models import BankAccount
from workforce.people.models import Domain, Rung, Site, Team, User, Worker
from workforce.people.roles import Role

pytestmark = pytest.mark.django_db


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _private_files(settings):
    return sorted(path.name for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file())


def test_loading_the_demo_twice_creates_nothing_the_second_time(demo, settings):
    # The `demo` fixture is the first build (load_demo's builder, from an empty database).
    first = _row_counts()
    files = _private_files(settings)
    summary = builder.build()
    assert _row_counts() == first
    assert all(n == 0 for n in summary.created.values())
    assert _private_files(settings) == files  # each upload (the work samples) kept once


@story
def test_the_demo_has_the_domains_sites_teams_and_about_sixty_workers_on_every_rung(demo):
    assert set(Domain.objects.values_list("slug", flat=True)) == {"law", "medicine", "music"}
    sites = {s.name: s for s in Site.objects.all()}
    assert (sites["Shanghai"].currency, sites["Shanghai"].time_zone) == ("CNY", "Asia/Shanghai")
    assert sites["Lisbon"].currency == "EUR" and sites["New York"].currency == "USD"
    assert all(s.minimum_hourly_wage_amount > 0 for s in sites.values())
    # The core roster of about sixty, and the reports demo's leavers of the year and new hire.
    assert 55 + reports_demo.WORKERS <= Worker.objects.count() <= 65 + reports_demo.WORKERS
    for rung in Rung.objects.all():
        assert Worker.objects.filter(rung=rung).exists(), rung
    assert Team.objects.count() == 6
    assert not Team.objects.filter(lead__isnull=True).exists()
    assert not Worker.objects.filter(team__isnull=True).exclude(status="left").exists()


@story
def test_there_is_one_demo_account_per_role(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role, email__endswith="@example.com").exists(), role


def test_load_demo_prints_the_logins(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "hr@example.com" in out and people.DEMO_PASSWORD in out


def test_rebuilding_recreates_a_deleted_demo_record(demo):
    # Teams cannot go any more (approved payroll runs keep the teams they paid); bank accounts can.
    account = BankAccount.objects.order_by("pk").first()
    worker_id = account.worker_id
    account.delete()
    summary = builder.build()
    assert summary.created["bank accounts"] == 1
    assert BankAccount.objects.filter(worker_id=worker_id).exists()

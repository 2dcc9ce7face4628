from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from workforce.payroll.models import HourlyRate, PayrollRun, PayScheme, SchemeVersion
from workforce.people.models import Domain, Expertise, Rung, Site, Team, User, Worker
from workforce.people.roles import Role
from workforce.projects.models import Project

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.Maybe(
        "password_hash",
        yes_declaration=factory.SelfAttribute("password_hash"),
        no_declaration=factory.django.Password(PASSWORD),
    )

    class Params:
        # A hash made once for many users (the demo's): hashing each password takes ~100 ms.
        password_hash = None

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Most tests want a user who can log in; pass verified=False for one who cannot yet.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Site {n}")
    country = "CN"
    region = "Shanghai"
    time_zone = "Asia/Shanghai"
    currency = "CNY"
    minimum_hourly_wage_amount = Decimal("25.00")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    site = factory.SubFactory(SiteFactory)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    user = factory.SubFactory(UserFactory, roles=[Role.ANNOTATOR])
    employee_number = factory.Sequence(lambda n: f"T-{n:05d}")
    site = factory.SubFactory(SiteFactory)
    rung = factory.LazyFunction(lambda: Rung.objects.get(code=Rung.Code.ANNOTATOR))
    status = Worker.Status.ACTIVE
    hired_on = date(2025, 3, 1)


class ExpertiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expertise

    worker = factory.SubFactory(WorkerFactory)
    domain = factory.SubFactory(DomainFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    """An active project paid hourly, on a guideline of its domain with its certification."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    client = "LexModel Inc."
    domain = factory.SubFactory(DomainFactory)
    status = Project.Status.ACTIVE
    manager = factory.SubFactory(UserFactory, roles=[Role.PROJECT_MANAGER])
    guideline = factory.SubFactory(
        "tests.exams.factories.GuidelinePageFactory", domain=factory.SelfAttribute("..domain")
    )
    required_exam = factory.SubFactory(
        "tests.exams.factories.ExamFactory", guideline=factory.SelfAttribute("..guideline")
    )
    nda_text = "Everything you see here stays here."
    pay_kind = Project.PayKind.HOURLY
    rate_amount = Decimal("45.00")
    currency = "USD"


class PaySchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayScheme

    name = factory.Sequence(lambda n: f"Pay scheme {n}")
    kind = PayScheme.Kind.SALARIED
    currency = "CNY"


class SchemeVersionFactory(factory.django.DjangoModelFactory):
    """A scheme's amounts from a month on; a salaried package of 1,800 base and 200 bonus."""

    class Meta:
        model = SchemeVersion

    scheme = factory.SubFactory(PaySchemeFactory)
    effective_from = date(2026, 1, 1)
    base_amount = Decimal("1800.00")
    attendance_bonus_amount = Decimal("200.00")


def hourly_scheme(rate="45.00", currency="USD", effective_from=date(2026, 1, 1)) -> PayScheme:
    """An hourly scheme paying `rate` an hour for any work, as offers to contractors name."""
    scheme = PaySchemeFactory(kind=PayScheme.Kind.HOURLY, currency=currency)
    version = SchemeVersionFactory(
        scheme=scheme,
        effective_from=effective_from,
        base_amount=Decimal(0),
        attendance_bonus_amount=Decimal(0),
    )
    HourlyRate.objects.create(version=version, rate=Decimal(rate))
    return scheme


class PayrollRunFactory(factory.django.DjangoModelFactory):
    """A draft run for everyone for a month, made by a payroll admin."""

    class Meta:
        model = PayrollRun

    period_start = date(2026, 3, 1)
    period_end = factory.LazyAttribute(
        lambda o: (
            (o.period_start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        )
    )
    created_by = factory.SubFactory(UserFactory, roles=[Role.PAYROLL_ADMIN])


def turn_on_mfa(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})

from datetime import date
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from workforce.people.models import Domain, Expertise, Rung, Site, Team, User, Worker
from workforce.people.roles import Role

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

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


def turn_on_mfa(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})

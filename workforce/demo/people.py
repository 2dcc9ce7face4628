"""The people part of the demo: domains, sites, about sixty people on every rung, their teams
and the administrator.

Every record is found by its natural key (slug, name, email, employee number) and created
only when missing; existing records are left as they are, so a second run also adds no
history rows.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from tests.factories import (
    ExpertiseFactory,
    SiteFactory,
    TeamFactory,
    UserFactory,
    WorkerFactory,
)
from workforce.people.models import (
    Credential,
    Domain,
    EmploymentType,
    Expertise,
    Rung,
    Site,
    Worker,
)
from workforce.people.roles import Role

from . import clock
from .records import get_or_make

DEMO_PASSWORD = "demo-pass-2026"
DEMO_EMAIL_DOMAIN = "example.com"

DOMAINS = [
    (
        "law",
        "Law",
        "Legal experts who label contracts, case law and legal questions for legal models.",
        [
            ("Bar licence", Credential.Kind.LICENCE, True, "Jurisdiction and licence number."),
            ("Law degree", Credential.Kind.DEGREE, True, "LLB, JD or equivalent."),
        ],
    ),
    (
        "medicine",
        "Medicine",
        "Physicians who review radiology reports, clinical notes and medical answers.",
        [
            (
                "Medical licence",
                Credential.Kind.LICENCE,
                True,
                "Issuing authority and licence number.",
            ),
            ("Medical degree", Credential.Kind.DEGREE, True, "MD, MBBS or equivalent."),
            ("Specialist certification", Credential.Kind.CERTIFICATE, False, "Board or college."),
        ],
    ),
    (
        "music",
        "Music",
        "Musicians and composers who rate and describe generated music.",
        [
            (
                "Conservatory degree",
                Credential.Kind.DEGREE,
                True,
                "Institution and instrument or field.",
            ),
            ("Portfolio", Credential.Kind.PORTFOLIO, True, "Links to recordings or scores."),
        ],
    ),
]

# Minimum hourly wages as published for 2026: Shanghai's hourly floor, Portugal's monthly
# minimum over 14 payments spread across a 40-hour week, New York City's hourly minimum.
SITES = [
    ("Shanghai", "CN", "Shanghai", "Asia/Shanghai", "CNY", Decimal("25.00"), "SH"),
    ("Lisbon", "PT", "Lisboa", "Europe/Lisbon", "EUR", Decimal("6.19"), "LX"),
    ("New York", "US", "New York", "America/New_York", "USD", Decimal("17.00"), "NY"),
]

# Names by site, so each site's people look like its people.
GIVEN_NAMES = {
    "SH": ["Wei", "Fang", "Jing", "Lei", "Min", "Hui", "Yan", "Tao", "Xin", "Yu", "Jun", "Ling"],
    "LX": ["Ana", "João", "Inês", "Pedro", "Marta", "Rui", "Sofia", "Tiago", "Beatriz", "Miguel"],
    "NY": ["Olivia", "James", "Ava", "Noah", "Maya", "Ethan", "Grace", "Daniel", "Chloe", "Samuel"],
}
FAMILY_NAMES = {
    "SH": ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"],
    "LX": ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins"],
    "NY": ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson"],
}

# One demo account per role. Staff-only roles have no Worker record.
ROLE_ACCOUNTS = [
    ("hr", Role.HR, None, "Helen", "Rivers"),
    ("payroll", Role.PAYROLL_ADMIN, None, "Paul", "Ledger"),
    ("pm", Role.PROJECT_MANAGER, Rung.Code.PROJECT_MANAGER, "Priya", "Menon"),
    ("supervisor", Role.SUPERVISOR, Rung.Code.SUPERVISOR, "Sun", "Li"),
    ("trainer", Role.TRAINER, Rung.Code.TRAINER, "Tomás", "Reis"),
    ("inspector", Role.QUALITY_INSPECTOR, Rung.Code.QUALITY_INSPECTOR, "Qian", "Zhou"),
    ("annotator", Role.ANNOTATOR, Rung.Code.ANNOTATOR, "An", "Chen"),
    ("candidate", Role.CANDIDATE, None, "Carla", "Mendes"),
]
# Accounts added after the roster was numbered: they go last, so no employee number moves.
# Payroll approval needs a second payroll admin, other than the one who calculated the run.
LATER_ACCOUNTS = [("audit", Role.PAYROLL_ADMIN, None, "Pauline", "Audit")]
STAFF_FLAG_ROLES = {Role.HR, Role.PAYROLL_ADMIN, Role.PROJECT_MANAGER}

# 60 workers in all, role accounts included: most annotate, fewer climb each rung.
RUNG_HEADCOUNT = {
    Rung.Code.ANNOTATOR: 40,
    Rung.Code.QUALITY_INSPECTOR: 9,
    Rung.Code.TRAINER: 5,
    Rung.Code.SUPERVISOR: 4,
    Rung.Code.PROJECT_MANAGER: 2,
}
RUNG_ROLE = {
    Rung.Code.ANNOTATOR: Role.ANNOTATOR,
    Rung.Code.QUALITY_INSPECTOR: Role.QUALITY_INSPECTOR,
    Rung.Code.TRAINER: Role.TRAINER,
    Rung.Code.SUPERVISOR: Role.SUPERVISOR,
    Rung.Code.PROJECT_MANAGER: Role.PROJECT_MANAGER,
}
TEAMS = [
    ("Shanghai Legal", "SH", "law"),
    ("Shanghai Medical", "SH", "medicine"),
    ("Lisbon Music", "LX", "music"),
    ("Lisbon Legal", "LX", "law"),
    ("New York Medical", "NY", "medicine"),
    ("New York Music", "NY", "music"),
]
DEMO_TODAY = date(2026, 11, 1)
# The newcomer who has not given bank details yet (payroll's bank file flags him): hired on the
# 23rd of the month payroll's demo paid, whatever the day, so both its runs pay him.
NO_BANK_EMAIL = f"tiago.costa.040@{DEMO_EMAIL_DOMAIN}"
NO_BANK_HIRED_DAY = 23


def build(*, summary, progress) -> None:
    """Domains, sites, the roster of people, their teams and the administrator."""
    roster = _roster()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 60 times takes seconds
    # One transaction per step, not one for the whole build: each step is whole or absent,
    # and the progress written between steps is visible to the page that polls it.
    with transaction.atomic():
        domains = _domains(summary)
    progress.advance(_("Domains and their credentials"))
    with transaction.atomic():
        sites = _sites(summary)
    progress.advance(_("Sites"))
    rungs = {rung.code: rung for rung in Rung.objects.all()}
    teams = {}
    for spec in roster:
        with transaction.atomic():
            worker = _person(spec, summary, password, sites, rungs, domains)
        if worker and spec["leads"]:
            teams[spec["leads"]] = worker
        progress.advance(_("People: %(email)s") % {"email": spec["email"]})
    with transaction.atomic():
        _teams(summary, sites, teams)
    progress.advance(_("Teams"))
    with transaction.atomic():
        superuser, created = get_or_make(
            UserFactory,
            lookup={"email": f"admin@{DEMO_EMAIL_DOMAIN}"},
            password_hash=password,
            is_staff=True,
            is_superuser=True,
            first_name="Ada",
            last_name="",
        )
        _verify_email(superuser)
    summary.count("users", created)
    progress.advance(_("Administrator"))


def logins() -> list[tuple[str, str]]:
    """The accounts `load_demo` prints: the administrator, then one per role."""
    accounts = [(f"admin@{DEMO_EMAIL_DOMAIN}", _("Administrator"))]
    for key, role, *_rest in ROLE_ACCOUNTS:
        accounts.append((f"{key}@{DEMO_EMAIL_DOMAIN}", role.label))
        accounts += [
            (f"{later}@{DEMO_EMAIL_DOMAIN}", role.label)
            for later, later_role, *_more in LATER_ACCOUNTS
            if later_role == role
        ]
    return accounts


def _domains(summary) -> dict[str, Domain]:
    domains = {}
    for slug, name, description, credentials in DOMAINS:
        domain, created = Domain.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        summary.count("domains", created)
        for cred_name, kind, required, help_text in credentials:
            _, created = Credential.objects.get_or_create(
                domain=domain,
                name=cred_name,
                defaults={"kind": kind, "is_required": required, "help_text": help_text},
            )
            summary.count("credentials", created)
        domains[slug] = domain
    return domains


def _sites(summary) -> dict[str, Site]:
    sites = {}
    for name, country, region, tz, currency, wage, prefix in SITES:
        site, created = get_or_make(
            SiteFactory,
            lookup={"name": name},
            country=country,
            region=region,
            time_zone=tz,
            currency=currency,
            minimum_hourly_wage_amount=wage,
        )
        summary.count("sites", created)
        sites[prefix] = site
    return sites


def _roster() -> list[dict]:
    """Every demo person, decided up front from a fixed seed so each run plans the same people."""
    rng = random.Random(2026)
    roster = []
    prefixes = [s[-1] for s in SITES]
    rung_slots = [code for code, n in RUNG_HEADCOUNT.items() for _ in range(n)]
    role_rungs = [rung for _k, _r, rung, *_ in ROLE_ACCOUNTS if rung]
    for rung in role_rungs:
        rung_slots.remove(rung)
    # Team leads: the supervisors and project managers, one team each.
    leads = [t[0] for t in TEAMS]
    for key, role, rung, first, last in ROLE_ACCOUNTS:
        roster.append(
            {
                "email": f"{key}@{DEMO_EMAIL_DOMAIN}",
                "first": first,
                "last": last,
                "role": role,
                "rung": rung,
                "prefix": "SH",
                "leads": leads.pop(0)
                if rung in {Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER}
                else None,
            }
        )
    # Leaders first, so every team gets one whatever the shuffle.
    rung_slots.sort(key=lambda code: code not in {Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER})
    for i, rung in enumerate(rung_slots, start=1):
        is_lead = rung in {Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER} and leads
        team_name = leads.pop(0) if is_lead else None
        prefix = next(t[1] for t in TEAMS if t[0] == team_name) if team_name else prefixes[i % 3]
        first = rng.choice(GIVEN_NAMES[prefix])
        last = rng.choice(FAMILY_NAMES[prefix])
        roster.append(
            {
                "email": f"{_ascii(first)}.{_ascii(last)}.{i:03d}@{DEMO_EMAIL_DOMAIN}".lower(),
                "first": first,
                "last": last,
                "role": RUNG_ROLE[rung],
                "rung": rung,
                "prefix": prefix,
                "leads": team_name,
                "seed": rng.random(),
            }
        )
    for key, role, rung, first, last in LATER_ACCOUNTS:
        roster.append(
            {
                "email": f"{key}@{DEMO_EMAIL_DOMAIN}",
                "first": first,
                "last": last,
                "role": role,
                "rung": rung,
                "prefix": "SH",
                "leads": None,
            }
        )
    for number, spec in enumerate(roster, start=1):
        spec["number"] = number
    return roster


def _ascii(name: str) -> str:
    return name.translate(str.maketrans("ãáâàçéêíóôõúÁÉÍÓÚ", "aaaaceeiooouAEIOU"))


PROGRESS_STEPS = 4 + len(_roster())  # domains, sites, one per person, teams, the administrator


def _person(spec, summary, password, sites, rungs, domains) -> Worker | None:
    # Once made, a user's role follows their career (a promotion changes it), not the roster.
    user, created = get_or_make(
        UserFactory,
        lookup={"email": spec["email"]},
        password_hash=password,
        first_name=spec["first"],
        last_name=spec["last"],
        is_staff=spec["role"] in STAFF_FLAG_ROLES,
        roles=[spec["role"]],
    )
    summary.count("users", created)
    _verify_email(user)
    if not spec["rung"]:
        return None
    seed = spec.get("seed", 0.5)
    status, left_on, reason = Worker.Status.ACTIVE, None, ""
    hired_on = DEMO_TODAY - timedelta(days=int(30 + seed * 1000))
    if spec["rung"] == Rung.Code.ANNOTATOR and "seed" in spec:
        # The trade's real churn: some newcomers still onboarding, some already gone.
        if seed < 0.12:
            status, hired_on = (
                Worker.Status.ONBOARDING,
                DEMO_TODAY - timedelta(days=int(seed * 100)),
            )
            if spec["email"] == NO_BANK_EMAIL:
                hired_on = clock.payroll_months()[0].replace(day=NO_BANK_HIRED_DAY)
        elif seed > 0.92:
            status = Worker.Status.LEFT
            left_on = hired_on + timedelta(days=int(10 + seed * 20))
            reason = Worker.ExitReason.PAY if seed > 0.96 else Worker.ExitReason.NO_PROMOTION
        elif 0.5 < seed < 0.52:
            status = Worker.Status.SUSPENDED
    team_domains = [t[2] for t in TEAMS if t[1] == spec["prefix"]]
    main = team_domains[int(seed * 10) % len(team_domains)]
    worker, created = get_or_make(
        WorkerFactory,
        lookup={"user": user},
        employee_number=f"{spec['prefix']}-{spec['number']:04d}",
        site=sites[spec["prefix"]],
        rung=rungs[spec["rung"]],
        status=status,
        employment_type=_employment_type(spec, main),
        hired_on=hired_on,
        left_on=left_on,
        exit_reason=reason,
    )
    summary.count("workers", created)
    if created:
        ExpertiseFactory(
            worker=worker,
            domain=domains[main],
            level=Expertise.Level.SENIOR
            if spec["rung"] != Rung.Code.ANNOTATOR
            else Expertise.Level.PRACTITIONER,
            is_verified=status != Worker.Status.ONBOARDING,
        )
        if seed > 0.8:
            other = next(d for d in domains if d != main)
            ExpertiseFactory(
                worker=worker, domain=domains[other], level=Expertise.Level.PRACTITIONER
            )
    return worker


def _employment_type(spec, main_domain: str) -> str:
    """New York's teams are staffed by hourly contractors, their leads apart, and so are some of
    Lisbon's musicians; everyone else is salaried. Decided once, when the worker is created."""
    if spec["leads"]:
        return EmploymentType.SALARIED
    if spec["prefix"] == "NY":
        return EmploymentType.HOURLY
    if (
        spec["prefix"] == "LX"
        and main_domain == "music"
        and spec["rung"] == Rung.Code.ANNOTATOR
        and spec.get("seed", 0) > 0.6
    ):
        return EmploymentType.HOURLY
    return EmploymentType.SALARIED


def _teams(summary, sites, leads: dict[str, Worker]) -> None:
    for name, prefix, domain_slug in TEAMS:
        team, created = get_or_make(
            TeamFactory, lookup={"name": name}, site=sites[prefix], lead=leads.get(name)
        )
        summary.count("teams", created)
        if created:
            # Members: workers of the team's site and domain who have no team yet.
            members = Worker.objects.filter(
                site=team.site, team__isnull=True, expertise__domain__slug=domain_slug
            ).exclude(rung__code__in=[Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER])
            for worker in members.distinct():
                worker.team = team
                worker.save(update_fields=["team"])
            if team.lead and team.lead.team_id is None:
                team.lead.team = team
                team.lead.save(update_fields=["team"])


def _verify_email(user) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )

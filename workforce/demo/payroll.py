"""Demo data for payroll; builder.build calls build() after work.

What a payroll admin (payroll@example.com) would have set up and run by now:

- Pay schemes in effect from January 2026, with the trade's figures (see DESIGN.md): the
  Shanghai annotator package (1,800 CNY base, 200 perfect-attendance bonus, 200 housing
  allowance and performance pay up to 1,800, so about 4,000 CNY at the top), whose performance
  pay is settled in two halves, one the month after and one six months later, and half of
  whose attendance bonus waits six months; its Lisbon counterpart in EUR with a meals
  allowance, raised from the current month (a second version); bigger packages for inspectors
  and trainers and for supervisors and project managers; hourly rates by domain for the
  contractors (New York in USD: legal 45, medicine 40, music 25 an hour; Lisbon in EUR),
  overtime after 8 hours a day at x1.5; piece rates with quality bands: 0.90 CNY an
  accepted rating on the music project (its pay terms), and a per-clause bonus in EUR that
  one salaried Lisbon annotator earns on the legal project on top of her package.
- Every worker holds the scheme of their site, employment type and rung; contractors on a
  project paid per item hold its piece rates too. One Lisbon contractor has no scheme yet, so
  the runs show a worker they could not pay; one newcomer has no bank account yet, so the bank
  file flags them.
- The month before last's run for everyone, calculated by payroll@example.com, approved over its warnings
  with a reason by the second payroll admin (audit@example.com) and paid; then an adjustment
  correcting one of its lines (an attendance bonus lost to a late mark the supervisor later
  withdrew). Last month's run is calculated and waits for review: it pays the adjustment,
  releases the month before's one-month halves of performance pay, and pays pro rata a
  Shanghai annotator who left in it, still owed the half of the month before's attendance
  bonus held for six months (the leavers page).

The Shanghai annotator package pays under the site's minimum hourly wage (25 CNY) for the
hours its annotators clock, so the checks flag each of them: the figures are the trade's, the
flag is the check doing its job. A New York contractor whose last weeks are not approved yet
shows the same flag: hours worked, not yet paid.

Idempotent like the rest of the demo: schemes are found by name, versions by (scheme, month),
assignments by (worker, scheme), bank accounts by worker, runs by (month, everyone), the
adjustment by its reason; the leaver is marked once. Runs are calculated synchronously
(services.run_calculate), as the background job would.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _

from tests.factories import PaySchemeFactory, SchemeVersionFactory
from workforce.payroll import services
from workforce.payroll.models import (
    Allowance,
    BankAccount,
    Component,
    Deferral,
    HourlyRate,
    PayLine,
    PayrollRun,
    PayScheme,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
    first_of_month,
)
from workforce.payroll.money import divide, from_minor
from workforce.people import services as people_services
from workforce.people.models import Domain, EmploymentType, Rung, User, Worker
from workforce.projects.models import Assignment, Project

from . import clock
from .people import DEMO_EMAIL_DOMAIN, NO_BANK_EMAIL
from .records import get_or_make

PAYROLL_EMAIL = f"payroll@{DEMO_EMAIL_DOMAIN}"
AUDIT_EMAIL = f"audit@{DEMO_EMAIL_DOMAIN}"
HR_EMAIL = f"hr@{DEMO_EMAIL_DOMAIN}"
SCHEMES_FROM = date(2026, 1, 1)
MUSIC = "Generated music rating"
LEGAL = "Contract clause review"

# The broken inputs a payroll admin should see: a contractor whose terms HR has not sent yet
# (no scheme: an error on the payslip), and a newcomer who has not given bank details
# (NO_BANK_EMAIL, hired in the month this demo pays: see people.py).
NO_SCHEME_EMAIL = f"miguel.santos.043@{DEMO_EMAIL_DOMAIN}"
# A salaried Lisbon annotator paid per clause on the legal project on top of her package: on
# it since the work sample's first day, so both demo months pay her clauses.
EXTRA_PIECE = (f"marta.martins.013@{DEMO_EMAIL_DOMAIN}", "LexModel clause bonus (piece rate)")
# The Shanghai annotator who stopped coming (attendance's demo suspends her) leaves in the
# open month, owed the half of the month before's attendance bonus held for six months. She
# is in none of the other demos' pools of active workers, so her leaving changes none of them.
LEAVER_EMAIL = f"yu.huang.021@{DEMO_EMAIL_DOMAIN}"
LEAVER_NOTICE_DAYS = 7

HALVES = ((Component.PERFORMANCE, "50", 1), (Component.PERFORMANCE, "50", 6))
# Half the perfect-attendance bonus waits six months: pay for staying, in a trade most
# newcomers leave within weeks.
BONUS_HALF = ((Component.ATTENDANCE_BONUS, "50", 6),)
BANDS = (("95", "1.10"), ("90", "1.00"))
OVERTIME_AFTER = 8 * 60


@dataclass(frozen=True)
class Version:
    base: str = "0"
    bonus: str = "0"
    allowances: tuple = ()  # (name, monthly amount)
    tiers: tuple = ()  # (from score, amount)
    deferrals: tuple = ()  # (component, percent, months after)
    piece_rates: tuple = ()  # (project name, item type, rate)
    bands: tuple = ()  # (from accuracy %, multiplier)
    hourly_rates: tuple = ()  # (domain slug, rate an hour)
    hours_source: str = SchemeVersion.HoursSource.TIMESHEETS
    note: str = ""


@dataclass(frozen=True)
class Scheme:
    name: str
    kind: str
    currency: str
    description: str
    version: Version
    raise_: Version | None = field(default=None)  # a second version, from the current month


SALARIED, PIECE, HOURLY = PayScheme.Kind.SALARIED, PayScheme.Kind.PIECE_RATE, PayScheme.Kind.HOURLY
LX_MEALS = ("Meals", "224.40")  # 10.20 EUR a workday on a meal card, 22 workdays

SCHEMES = [
    Scheme(
        "Shanghai annotator package",
        SALARIED,
        "CNY",
        "Monthly base, perfect-attendance bonus, housing allowance and performance pay by "
        "score; performance pay is settled in two halves, one the month after, one six "
        "months later.",
        Version(
            base="1800",
            bonus="200",
            allowances=(("Housing", "200"),),
            tiers=(("60", "800"), ("75", "1300"), ("85", "1800")),
            deferrals=HALVES + BONUS_HALF,
            note="Package for 2026.",
        ),
    ),
    Scheme(
        "Shanghai specialist package",
        SALARIED,
        "CNY",
        "Quality inspectors and trainers in Shanghai.",
        Version(
            base="4800",
            bonus="300",
            allowances=(("Housing", "400"), ("Meals", "300")),
            note="Package for 2026.",
        ),
    ),
    Scheme(
        "Shanghai lead package",
        SALARIED,
        "CNY",
        "Supervisors and project managers in Shanghai.",
        Version(
            base="9500",
            bonus="500",
            allowances=(("Housing", "1000"), ("Meals", "300")),
            note="Package for 2026.",
        ),
    ),
    Scheme(
        "Lisbon annotator package",
        SALARIED,
        "EUR",
        "Monthly base, attendance bonus, meal allowance and performance pay by score, settled "
        "in two halves like Shanghai's.",
        Version(
            base="1100",
            bonus="60",
            allowances=(LX_MEALS,),
            tiers=(("60", "100"), ("75", "175"), ("85", "250")),
            deferrals=HALVES,
            note="Package for 2026.",
        ),
        raise_=Version(
            base="1150",
            bonus="60",
            allowances=(LX_MEALS,),
            tiers=(("60", "100"), ("75", "175"), ("85", "250")),
            deferrals=HALVES,
            note="Annual review: base up 50 EUR.",
        ),
    ),
    Scheme(
        "Lisbon specialist package",
        SALARIED,
        "EUR",
        "Quality inspectors and trainers in Lisbon.",
        Version(base="1650", bonus="80", allowances=(LX_MEALS,), note="Package for 2026."),
    ),
    Scheme(
        "Lisbon lead package",
        SALARIED,
        "EUR",
        "Supervisors and project managers in Lisbon.",
        Version(base="2400", bonus="100", allowances=(LX_MEALS,), note="Package for 2026."),
    ),
    Scheme(
        "New York staff package",
        SALARIED,
        "USD",
        "Salaried staff in New York: the teams' supervisors and project managers.",
        Version(base="7800", allowances=(("Transit", "130"),), note="Package for 2026."),
    ),
    Scheme(
        "US domain experts (hourly)",
        HOURLY,
        "USD",
        "Contract annotators in New York, paid by the hour on approved timesheets at their "
        "domain's rate; overtime after 8 hours a day.",
        Version(
            hourly_rates=(("law", "45.00"), ("medicine", "40.00"), ("music", "25.00")),
            note="Rates for 2026.",
        ),
    ),
    Scheme(
        "US senior reviewers (hourly)",
        HOURLY,
        "USD",
        "Contract quality inspectors and trainers in New York.",
        Version(
            hourly_rates=(("law", "60.00"), ("medicine", "55.00"), ("music", "35.00")),
            note="Rates for 2026.",
        ),
    ),
    Scheme(
        "Lisbon domain experts (hourly)",
        HOURLY,
        "EUR",
        "Contractors in Lisbon, paid by the hour for the active time the annotation tool "
        "measures, at their domain's rate; overtime after 8 hours a day.",
        Version(
            # The rates the recruitment demo's Lisbon offers quote.
            hourly_rates=(("law", "36.00"), ("medicine", "28.00"), ("music", "25.00")),
            hours_source=SchemeVersion.HoursSource.ACTIVE_MINUTES,
            note="Rates for 2026.",
        ),
    ),
    Scheme(
        "Music ratings (piece rate)",
        PIECE,
        "CNY",
        "Per accepted rating on the music project, as its pay terms say; rejected ratings are "
        "redone and unpaid. 10% more for a month at 95% or better on gold.",
        Version(piece_rates=((MUSIC, "rating", "0.90"),), bands=BANDS, note="Rates for 2026."),
    ),
    Scheme(
        "LexModel clause bonus (piece rate)",
        PIECE,
        "EUR",
        "Per accepted clause on the legal project, for salaried annotators who take it on "
        "besides their own work.",
        Version(piece_rates=((LEGAL, "clause", "0.15"),), bands=BANDS, note="Rates for 2026."),
    ),
]

# Which scheme a worker holds: by site and employment type, then by rung.
SPECIALISTS = {Rung.Code.QUALITY_INSPECTOR, Rung.Code.TRAINER}
LEADS = {Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER}
HOLDS = {
    ("Shanghai", EmploymentType.SALARIED): (
        "Shanghai annotator package",
        "Shanghai specialist package",
        "Shanghai lead package",
    ),
    ("Lisbon", EmploymentType.SALARIED): (
        "Lisbon annotator package",
        "Lisbon specialist package",
        "Lisbon lead package",
    ),
    ("New York", EmploymentType.SALARIED): ("New York staff package",) * 3,
    ("New York", EmploymentType.HOURLY): (
        "US domain experts (hourly)",
        "US senior reviewers (hourly)",
        "US senior reviewers (hourly)",
    ),
    ("Lisbon", EmploymentType.HOURLY): ("Lisbon domain experts (hourly)",) * 3,
}

BANKS = {
    # (bank code, BIC) by site; the account numbers are made up but well formed.
    "Shanghai": [("ICBC", "ICBKCNBJSHI"), ("CCB", "PCBCCNBJSHX"), ("BOC", "BKCHCNBJ300")],
    "Lisbon": [("0035", "CGDIPTPL"), ("0033", "BCOMPTPL"), ("0010", "BBPIPTPL")],
    "New York": [("021000021", ""), ("026009593", ""), ("021000089", "")],
}
CN_CARD_PREFIX = {"ICBC": "622202", "CCB": "621700", "BOC": "621661"}

PROGRESS_STEPS = 4  # schemes and who holds them, accounts and the leaver, the two months


def build(*, summary, progress) -> None:
    """Schemes and their holders, bank accounts, a leaver, the month before last's run
    approved and paid with an adjustment after it, and last month's run waiting for review."""
    payroll = User.objects.filter(email=PAYROLL_EMAIL).first()
    audit = User.objects.filter(email=AUDIT_EMAIL).first()
    if payroll is None or audit is None or not Worker.objects.exists():
        for _step in range(PROGRESS_STEPS):
            progress.advance(_("Payroll: no demo workers or payroll admins, skipped"))
        return
    paid_month, open_month = clock.payroll_months()
    month_end = first_of_month(clock.today()) - timedelta(days=1)
    with transaction.atomic():
        schemes = _schemes(payroll, open_month, summary)
        _assignments(schemes, summary)
    progress.advance(_("Payroll: pay schemes and who holds them"))
    with transaction.atomic():
        _bank_accounts(summary)
        _leaver(open_month, month_end, summary)
    progress.advance(_("Payroll: bank accounts and a leaver"))
    with transaction.atomic():
        paid = _last_month(paid_month, payroll, audit, summary)
        if paid is not None:
            _adjustment(paid, payroll, summary)
    progress.advance(_("Payroll: the month before last's run, approved and paid"))
    with transaction.atomic():
        _calculated(open_month, payroll, summary)
    progress.advance(_("Payroll: last month's run, waiting for review"))


def schemes_make(summary) -> None:
    """The pay schemes alone: the terms part calls this before recruitment, so the demo's
    offers name the schemes their hires are paid under."""
    payroll = User.objects.filter(email=PAYROLL_EMAIL).first()
    if payroll is not None:
        _schemes(payroll, clock.payroll_months()[1], summary)


def on_the_books(summary) -> None:
    """Schemes and a bank account for workers a later demo adds (the reports demo's new hire),
    as this demo gives everyone on the books, so a second build finds nothing to add."""
    _assignments({scheme.name: scheme for scheme in PayScheme.objects.all()}, summary)
    _bank_accounts(summary)


def _add(summary, kind: str, count: int) -> None:
    summary.created[kind] = summary.created.get(kind, 0) + count


# --- schemes ------------------------------------------------------------------------------


def _schemes(payroll: User, open_month: date, summary) -> dict[str, PayScheme]:
    domains = {d.slug: d for d in Domain.objects.all()}
    projects = {p.name: p for p in Project.objects.all()}
    schemes = {}
    for spec in SCHEMES:
        scheme, created = get_or_make(
            PaySchemeFactory,
            lookup={"name": spec.name},
            kind=spec.kind,
            currency=spec.currency,
            description=spec.description,
        )
        summary.count("pay schemes", created)
        schemes[spec.name] = scheme
        if created:
            _version(scheme, SCHEMES_FROM, spec.version, payroll, domains, projects, summary)
        # The raise comes once, from the month the demo is first built in.
        if spec.raise_ and open_month > SCHEMES_FROM:
            has_raise = scheme.versions.filter(effective_from__gt=SCHEMES_FROM).exists()
            summary.count("scheme versions", False)
            if not has_raise:
                _version(scheme, open_month, spec.raise_, payroll, domains, projects, summary)
    return schemes


def _version(scheme, month, spec: Version, payroll, domains, projects, summary) -> None:
    version = SchemeVersionFactory.build(
        scheme=scheme,
        effective_from=month,
        base_amount=Decimal(spec.base),
        attendance_bonus_amount=Decimal(spec.bonus),
        hours_source=spec.hours_source,
        overtime_after_minutes=OVERTIME_AFTER,
        overtime_multiplier=Decimal("1.50"),
        note=spec.note,
        created_by=payroll,
    )
    version.full_clean()
    services.version_check(version)
    version.save()
    summary.count("scheme versions", True)
    children = [Allowance(version=version, name=n, amount=Decimal(a)) for n, a in spec.allowances]
    children += [
        PerformanceTier(version=version, min_score=Decimal(s), amount=Decimal(a))
        for s, a in spec.tiers
    ]
    children += [
        Deferral(version=version, component=c, percent=Decimal(p), months_after=m)
        for c, p, m in spec.deferrals
    ]
    children += [
        PieceRate(version=version, project=projects[name], item_type=item, rate=Decimal(rate))
        for name, item, rate in spec.piece_rates
        if name in projects
    ]
    children += [
        QualityBand(version=version, min_accuracy=Decimal(a), multiplier=Decimal(m))
        for a, m in spec.bands
    ]
    children += [
        HourlyRate(version=version, domain=domains[slug], rate=Decimal(rate))
        for slug, rate in spec.hourly_rates
        if slug in domains
    ]
    for child in children:
        child.full_clean()
        child.save()


def _assignments(schemes: dict[str, PayScheme], summary) -> None:
    """Each worker still on the books holds their site's scheme for their employment type and
    rung, from their hire (or the schemes' start); contractors on a project paid per item, and
    the Lisbon annotator with the clause bonus, hold piece rates from their first day on it."""
    workers = (
        Worker.objects.exclude(status=Worker.Status.LEFT)
        .exclude(user__email=NO_SCHEME_EMAIL)
        .select_related("user", "site", "rung")
        .order_by("employee_number")
    )
    piece_projects = {
        rate.project_id: scheme
        for scheme in schemes.values()
        if scheme.kind == PIECE
        for rate in PieceRate.objects.filter(version__scheme=scheme)
    }
    on_piece = Assignment.objects.filter(
        role=Assignment.Role.ANNOTATOR,
        project__pay_kind=Project.PayKind.PIECE_RATE,
        project_id__in=list(piece_projects),
    )
    first_day = {
        (a["worker_id"], a["project_id"]): a["first"]
        for a in on_piece.values("worker_id", "project_id").annotate(first=Min("starts_on"))
    }
    extra_email, extra_scheme = EXTRA_PIECE
    for worker in workers:
        held = HOLDS.get((worker.site.name, worker.employment_type))
        wanted = []
        if held:
            band = 2 if worker.rung.code in LEADS else 1 if worker.rung.code in SPECIALISTS else 0
            wanted.append((schemes[held[band]], worker.hired_on))
        if worker.employment_type != EmploymentType.SALARIED:
            wanted += [
                (piece_projects[project_id], starts_on)
                for (worker_id, project_id), starts_on in first_day.items()
                if worker_id == worker.pk
            ]
        if worker.user.email == extra_email and extra_scheme in schemes:
            joined = (
                Assignment.objects.filter(worker=worker, project__name=LEGAL)
                .order_by("starts_on")
                .values_list("starts_on", flat=True)
                .first()
            )
            if joined:
                wanted.append((schemes[extra_scheme], joined))
        for scheme, starts_on in wanted:
            exists = SchemeAssignment.objects.filter(worker=worker, scheme=scheme).exists()
            summary.count("scheme assignments", not exists)
            if not exists:
                assignment = SchemeAssignment(
                    worker=worker, scheme=scheme, starts_on=max(starts_on, SCHEMES_FROM)
                )
                assignment.full_clean()
                assignment.save()


# --- bank accounts and the leaver ---------------------------------------------------------


def _bank_accounts(summary) -> None:
    """Everyone on the books (and whoever a scheme pays) has an account at a bank of their
    site's country, but one newcomer."""
    workers = (
        Worker.objects.filter(
            ~Q(status=Worker.Status.LEFT) | Q(scheme_assignments__isnull=False),
            bank_account__isnull=True,
        )
        .exclude(user__email=NO_BANK_EMAIL)
        .select_related("user", "site")
        .distinct()
        .order_by("employee_number")
    )
    summary.count("bank accounts", False)
    for worker in workers:
        rng = random.Random(f"bank/{worker.employee_number}")
        bank, bic = rng.choice(BANKS.get(worker.site.name, BANKS["New York"]))
        if worker.site.country == "CN":
            number = _luhn(CN_CARD_PREFIX[bank] + _digits(rng, 12))
        elif worker.site.country == "PT":
            number = _iban_pt(bank, _digits(rng, 4), _digits(rng, 11))
        else:
            number, bic = _digits(rng, rng.choice((10, 12))), bank
        account = BankAccount(
            worker=worker,
            holder=worker.user.get_full_name() or worker.user.email,
            account_number=number,
            bank_code=bic,
        )
        account.full_clean()
        account.save()
        _add(summary, "bank accounts", 1)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _i in range(n))


def _luhn(partial: str) -> str:
    """The card number with its check digit, as banks print them."""
    total = 0
    for position, digit in enumerate(reversed(partial)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return partial + str((10 - total % 10) % 10)


def _iban_pt(bank: str, branch: str, account: str) -> str:
    """A Portuguese IBAN: the NIB's own two check digits, then the IBAN's."""
    nib = bank + branch + account
    nib += f"{98 - int(nib + '00') % 97:02d}"
    check = 98 - int(nib + "252900") % 97  # P=25, T=29, then 00
    return f"PT{check:02d}{nib}"


def _leaver(open_month: date, month_end: date, summary) -> None:
    """The suspended annotator leaves a week before the open month's end (or on its first day,
    whichever is later)."""
    worker = Worker.objects.filter(user__email=LEAVER_EMAIL).first()
    summary.count("leavers", False)
    if worker is None or worker.status == Worker.Status.LEFT:
        return
    left_on = min(
        max(month_end - timedelta(days=LEAVER_NOTICE_DAYS), open_month, worker.hired_on),
        month_end,
    )
    # As HR records it: her schemes and project places end that day with her.
    people_services.worker_leave(
        worker=worker,
        on=left_on,
        reason=Worker.ExitReason.PERSONAL,
        by=User.objects.filter(email=HR_EMAIL).first(),
    )
    summary.count("leavers", True)


# --- runs ---------------------------------------------------------------------------------


def _everyone(month: date) -> PayrollRun | None:
    return PayrollRun.objects.filter(
        period_start=month, site__isnull=True, team__isnull=True
    ).first()


def _calculated(month: date, payroll: User, summary) -> PayrollRun | None:
    """A new run for everyone, calculated; None when the month has one already."""
    summary.count("payroll runs", False)
    if _everyone(month) is not None:
        return None
    run = services.run_create(month=month, by=payroll)
    run = services.run_calculate(run=run, by=payroll)
    summary.count("payroll runs", True)
    _add(summary, "payslips", run.payslips.count())
    _add(summary, "pay lines", PayLine.objects.filter(payslip__run=run).count())
    return run


def _last_month(month: date, payroll: User, audit: User, summary) -> PayrollRun | None:
    run = _calculated(month, payroll, summary)
    if run is None:
        return None
    services.run_approve(run=run, by=audit, reason=_approval_reason(run))
    return services.run_mark_paid(run=run, by=payroll)


def _approval_reason(run: PayrollRun) -> str:
    """What the second payroll admin writes after going through the checks."""
    slips = list(run.payslips.exclude(warnings=[]).select_related("worker__user", "site"))
    codes = {}
    for slip in slips:
        for warning in slip.warnings:
            codes.setdefault(warning["code"], []).append(slip)
    parts = []
    below = codes.get("below_minimum_wage", [])
    if below:
        sites = sorted({slip.site.name for slip in below})
        parts.append(
            f"{len(below)} below the minimum hourly wage ({', '.join(sites)}): the package as "
            "agreed for 2026, paid as calculated; HR reviews it with the site managers."
        )
    idle = codes.get("no_hours", []) + codes.get("no_work", []) + codes.get("no_attendance", [])
    if idle:
        parts.append(f"{len(idle)} with no hours or work: nothing to pay, checked with the leads.")
    for slip in codes.get("error", []):
        parts.append(
            f"{slip.worker.user.get_full_name()} has no pay scheme yet: HR is agreeing the "
            "contract terms; any pay due follows as an adjustment."
        )
    moved = codes.get("pay_moved", [])
    if moved:
        parts.append(f"{len(moved)} whose pay moved: output and leave explain each.")
    return " ".join(parts) or "Checked."


def _adjustment(paid: PayrollRun, payroll: User, summary) -> None:
    """An attendance bonus the run withheld for one late mark, which the supervisor withdrew
    after the run (the door clock was wrong that morning): paid back in the next run."""
    lost = (
        PayLine.objects.filter(payslip__run=paid, component=Component.ATTENDANCE_BONUS, amount=0)
        .select_related("payslip__worker__user")
        .order_by("payslip__worker__employee_number")
    )
    line = next((line for line in lost if _one_late_day(line.detail)), None)
    summary.count("adjustments", False)
    if line is None:
        return
    day = line.detail["days"]["shown"][0]["date"]
    reason = (
        f"Attendance bonus for {paid.period_start:%B %Y}: the late mark on {day} came from the "
        "door clock's file; the supervisor confirmed the check-in was on time."
    )
    worker = line.payslip.worker
    if worker.pay_adjustments.filter(reason=reason).exists():
        return
    detail = line.detail
    amount = from_minor(divide(detail["bonus"] * detail["covered_days"], detail["month_days"]))
    services.adjustment_add(
        worker=worker,
        amount=amount,
        currency=line.currency,
        reason=reason,
        by=payroll,
        corrects=line,
    )
    summary.count("adjustments", True)


def _one_late_day(detail: dict) -> bool:
    days = detail.get("days") or {}
    shown = days.get("shown") or []
    return len(shown) == 1 and not days.get("more") and shown[0]["status"] == "late"

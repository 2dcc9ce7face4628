"""Writes of the recruitment app: applying, moving applications on the board, interviews,
offers, hiring and erasure. Each runs in one transaction and says in words why it refused."""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exams import services as exam_services
from exams.models import Attempt, Exam
from workforce.people import services as people_services
from workforce.people.models import (
    FULL_TIME_HOURS,
    Employment,
    EmploymentType,
    Expertise,
    Rung,
    Site,
    Team,
    Worker,
)
from workforce.people.roles import Role

from . import screening, signals, tasks
from .models import (
    FINAL_STAGES,
    TRANSITIONS,
    Application,
    ApplicationCredential,
    ApplicationLanguage,
    Candidate,
    Interview,
    Offer,
    OpeningPage,
    Skill,
    Stage,
    StageChange,
    normalize_phone,
)


class RecruitmentError(Exception):
    """A refusal a person can read, shown beside the form or on the board."""


_letters_on_hold = ContextVar("letters_on_hold", default=False)


@contextmanager
def letters_held():
    """Write no letters to candidates inside this block (demo data about invented people)."""
    token = _letters_on_hold.set(True)
    try:
        yield
    finally:
        _letters_on_hold.reset(token)


def _send_letter(application_pk: int, letter: str, *args) -> None:
    # After the commit: a letter never announces a step that was rolled back.
    if not _letters_on_hold.get():
        transaction.on_commit(lambda: tasks.email_candidate.enqueue(application_pk, letter, *args))


# Stages HR sets by hand from the application page; the others follow from an action
# (invite, exam result, interview, offer, acceptance) so that each keeps its own record.
MANUAL_TARGETS = (Stage.SCREENING, Stage.REJECTED)


def stage_move(
    *, application: Application, to_stage: str, by=None, reason: str = ""
) -> Application:
    """Move an application on, recording who, when and why; refuse moves the board forbids."""
    to_stage = Stage(to_stage)
    current = Stage(application.stage)
    if to_stage not in TRANSITIONS[current]:
        raise RecruitmentError(
            _("%(candidate)s cannot go from %(from)s to %(to)s.")
            % {"candidate": application.candidate, "from": current.label, "to": to_stage.label}
        )
    if to_stage == Stage.REJECTED and not reason.strip():
        raise RecruitmentError(_("Say why the application is rejected."))
    now = timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.stage != current:  # someone else moved it meanwhile
            raise RecruitmentError(
                _("This application was moved by someone else; reload the page.")
            )
        application.stage, application.stage_changed_at = to_stage, now
        application.save(update_fields=["stage", "stage_changed_at"])
        StageChange.objects.create(
            application=application,
            from_stage=current,
            to_stage=to_stage,
            changed_by=by,
            changed_at=now,
            reason=reason.strip(),
        )
    return application


# --- applying ------------------------------------------------------------------------------


def candidate_find(*, email: str, phone: str = "") -> Candidate | None:
    """The same person across openings: the same email, or failing that the same phone."""
    email = email.strip().lower()
    found = Candidate.objects.filter(email=email).first()
    phone = normalize_phone(phone)
    if found is None and len(phone) >= 6:
        found = Candidate.objects.filter(phone_normalized=phone, erased_at__isnull=True).first()
    return found


def application_submit(
    *,
    user,
    opening: OpeningPage,
    personal: dict,
    education: dict,
    languages: Iterable[tuple[str, str]],
    credentials: dict[int, tuple[str, str]],
    cv: UploadedFile | None,
    cover_note: str = "",
    source: str = Application.Source.WEB,
    applied_at: datetime | None = None,
) -> Application:
    """File one application: the candidate record, the answers, the CV and the screening score.

    `personal` holds first_name, last_name, email, phone, city, country, preferred_language;
    `education` holds education_level, field_of_study, institution, graduation_year;
    `credentials` maps a credential's id to (reference, link). Consent is given by calling this:
    the form refuses to submit without it.
    """
    if not opening.accepts_applications():
        raise RecruitmentError(_("This opening is closed and takes no more applications."))
    with transaction.atomic():
        candidate = _candidate_upsert(user=user, personal=personal)
        if Application.objects.filter(candidate=candidate, opening=opening).exists():
            raise RecruitmentError(
                _(
                    "You have already applied to this opening. You can follow it on your applications page."
                )
                if user
                else _("%(email)s has already applied to this opening.")
                % {"email": candidate.email}
            )
        now = applied_at or timezone.now()
        application = Application(
            candidate=candidate,
            opening=opening,
            source=source,
            applied_at=now,
            stage_changed_at=now,
            consent_at=now,
            cover_note=cover_note,
            cv_name=cv.name if cv else "",
            **education,
        )
        if cv:
            application.cv = cv
        try:
            application.full_clean(exclude=["candidate", "opening"], validate_unique=False)
        except ValidationError as error:
            raise RecruitmentError(" ".join(error.messages)) from None
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:  # the same person submitted twice at once
            raise RecruitmentError(_("You have already applied to this opening.")) from None
        ApplicationLanguage.objects.bulk_create(
            ApplicationLanguage(application=application, language=code, level=level)
            for code, level in dict(languages).items()
        )
        ApplicationCredential.objects.bulk_create(
            ApplicationCredential(
                application=application, credential_id=pk, reference=ref, link=link
            )
            for pk, (ref, link) in credentials.items()
            if ref or link
        )
        application_rescore(application=application)
        StageChange.objects.create(
            application=application, to_stage=Stage.APPLIED, changed_by=user, changed_at=now
        )
        _send_letter(application.pk, "received")
    return application


def _candidate_upsert(*, user, personal: dict) -> Candidate:
    email = (user.email if user else personal["email"]).strip().lower()
    candidate = None
    if user is not None:
        candidate = Candidate.objects.filter(user=user).first()
    candidate = candidate or candidate_find(email=email, phone=personal.get("phone", ""))
    if (
        candidate is not None
        and candidate.user_id
        and user is not None
        and candidate.user_id != user.pk
    ):
        raise RecruitmentError(
            _("This phone number belongs to another account. Sign in with that account to apply.")
        )
    if (
        user is not None
        and candidate is not None
        and candidate.user_id is None
        and candidate.email != email
    ):
        # Found by phone only: an account proves its email, not a phone number, so it never
        # takes over someone else's record (imports, where HR vouches, still match by phone).
        candidate = None
    if candidate is not None and candidate.erased_at:
        candidate = None  # an erased record is never brought back to life
    if candidate is None:
        candidate = Candidate(email=email)
    for field in ("first_name", "last_name", "phone", "city", "country", "preferred_language"):
        value = personal.get(field)
        if value:
            setattr(candidate, field, value)
    if user is not None:
        candidate.user = user
        candidate.email = email
    try:
        candidate.full_clean(exclude=["user"], validate_unique=False)
    except ValidationError as error:
        raise RecruitmentError(" ".join(error.messages)) from None
    candidate.save()
    return candidate


def application_rescore(*, application: Application) -> Application:
    reasons = screening.evaluate(application)
    application.screening = reasons
    application.screening_score = screening.score(reasons)
    application.save(update_fields=["screening", "screening_score"])
    return application


def application_withdraw(*, application: Application, by) -> Application:
    if application.stage in FINAL_STAGES:
        raise RecruitmentError(_("This application is already closed."))
    with transaction.atomic():
        stage_move(
            application=application,
            to_stage=Stage.WITHDRAWN,
            by=by,
            reason=_("Withdrawn by the candidate."),
        )
        Offer.objects.filter(application=application, status=Offer.Status.SENT).update(
            status=Offer.Status.DECLINED, responded_at=timezone.now()
        )
    return application


# --- screening exam ------------------------------------------------------------------------


def applications_invite_to_exam(*, applications: Iterable[Application], by) -> list[Application]:
    """Invite each application's candidate to its opening's screening exam, all or none."""
    applications = list(applications)
    problems = []
    for application in applications:
        if application.opening.screening_exam_id is None:
            problems.append(
                _("%(opening)s has no screening exam.") % {"opening": application.opening.title}
            )
        elif Stage.EXAM_INVITED not in TRANSITIONS[Stage(application.stage)]:
            problems.append(
                _("%(candidate)s is at %(stage)s and cannot be invited.")
                % {"candidate": application.candidate, "stage": application.get_stage_display()}
            )
    if problems:
        raise RecruitmentError(" ".join(problems))
    with transaction.atomic():
        for application in applications:
            stage_move(application=application, to_stage=Stage.EXAM_INVITED, by=by)
            if application.candidate.user_id:
                exam_services.exam_assign(
                    exam=application.opening.screening_exam,
                    user=application.candidate.user,
                    assigned_by=by,
                )
            # Candidates imported without an account get the exam when they sign up.
            _send_letter(application.pk, "exam_invited")
    return applications


def screening_result_record(*, attempt: Attempt) -> list[Application]:
    """A screening exam was graded (or regraded): move the applications waiting on it."""
    if attempt.exam.purpose != Exam.Purpose.SCREENING or attempt.passed is None:
        return []
    moved = []
    target = Stage.EXAM_PASSED if attempt.passed else Stage.EXAM_FAILED
    waiting = Application.objects.filter(
        candidate__user=attempt.user,
        opening__screening_exam=attempt.exam,
        stage__in=[Stage.EXAM_INVITED, Stage.EXAM_PASSED, Stage.EXAM_FAILED],
    ).select_related("candidate")
    with transaction.atomic():
        for application in waiting:
            if application.stage == target:
                continue
            if (
                application.stage != Stage.EXAM_INVITED
                and application.exam_attempt_id != attempt.pk
            ):
                continue  # an older attempt's regrade does not undo a later result
            stage_move(
                application=application,
                to_stage=target,
                by=None,
                reason=_("Screening exam: %(percent)s%%, pass mark %(mark)s%%.")
                % {"percent": attempt.percent, "mark": attempt.exam.pass_mark_percent},
            )
            application.exam_attempt = attempt
            application.save(update_fields=["exam_attempt"])
            moved.append(application)
    return moved


def account_make_candidate(*, user) -> None:
    """People who sign up on their own are candidates; staff accounts are made by HR."""
    if not user.groups.exists():
        people_services.role_grant(user=user, role=Role.CANDIDATE)


def candidate_account_link(*, user) -> Candidate | None:
    """An account whose confirmed email a candidate record already has (from an import)
    takes that record over, with the screening exams it was invited to."""
    with transaction.atomic():
        candidate = Candidate.objects.filter(
            email=user.email.lower(), user__isnull=True, erased_at__isnull=True
        ).first()
        if candidate is None:
            return None
        candidate.user = user
        candidate.save(update_fields=["user"])
        for application in candidate.applications.filter(stage=Stage.EXAM_INVITED).select_related(
            "opening__screening_exam"
        ):
            if application.opening.screening_exam:
                exam_services.exam_assign(exam=application.opening.screening_exam, user=user)
    return candidate


# --- interviews ----------------------------------------------------------------------------


def interview_schedule(
    *,
    application: Application,
    by,
    interviewer,
    scheduled_at: datetime,
    duration_minutes: int = 45,
    place: str = "",
    meeting_link: str = "",
) -> Interview:
    if not (place.strip() or meeting_link.strip()):
        raise RecruitmentError(_("Give a place or a video link for the interview."))
    if (
        application.stage != Stage.INTERVIEW
        and Stage.INTERVIEW not in TRANSITIONS[Stage(application.stage)]
    ):
        raise RecruitmentError(
            _("An application at %(stage)s cannot be interviewed.")
            % {"stage": application.get_stage_display()}
        )
    with transaction.atomic():
        if application.stage != Stage.INTERVIEW:
            stage_move(application=application, to_stage=Stage.INTERVIEW, by=by)
        interview = Interview(
            application=application,
            interviewer=interviewer,
            scheduled_at=scheduled_at,
            duration_minutes=duration_minutes,
            place=place.strip(),
            meeting_link=meeting_link.strip(),
            scheduled_by=by,
        )
        interview.full_clean()
        interview.save()
        _send_letter(application.pk, "interview", interview.pk)
    return interview


def interview_evaluate(
    *, interview: Interview, by, ratings: dict[str, int], recommendation: str, notes: str = ""
) -> Interview:
    if by != interview.interviewer:
        raise RecruitmentError(_("Only the interviewer records the evaluation."))
    missing = [str(label) for value, label in Skill.choices if value not in ratings]
    if missing:
        raise RecruitmentError(_("Rate every skill: %(skills)s.") % {"skills": ", ".join(missing)})
    if any(not 1 <= int(r) <= 5 for r in ratings.values()):
        raise RecruitmentError(_("Ratings go from 1 to 5."))
    if recommendation not in Interview.Recommendation.values:
        raise RecruitmentError(_("Choose a recommendation."))
    with transaction.atomic():
        interview.ratings = {k: int(v) for k, v in ratings.items() if k in Skill.values}
        interview.recommendation = recommendation
        interview.notes = notes.strip()
        interview.evaluated_at = timezone.now()
        interview.save(update_fields=["ratings", "recommendation", "notes", "evaluated_at"])
    return interview


# --- offer and hire ------------------------------------------------------------------------


def offer_make(
    *,
    application: Application,
    by,
    rung: Rung,
    site: Site,
    team: Team | None,
    scheme,
    start_on: date,
    respond_by: date,
    language: str,
    pay_summary: str = "",
    hours_per_week: Decimal = FULL_TIME_HOURS,
    probation_months: int = 3,
    fixed_term_months: int | None = None,
) -> Offer:
    """Offer the position on a pay scheme: its amounts in effect on the start date are the
    terms, quoted in the letter and paid from the first run (docs/decisions.md, "Employment")."""
    if application.stage != Stage.INTERVIEW:
        raise RecruitmentError(
            _("An offer follows an interview; this application is at %(stage)s.")
            % {"stage": application.get_stage_display()}
        )
    if team is not None and team.site_id != site.pk:
        raise RecruitmentError(_("The team %(team)s works at another site.") % {"team": team})
    if respond_by > start_on:
        raise RecruitmentError(_("The answer is due before the start date."))
    version = _terms_check(application, scheme, start_on)
    with transaction.atomic():
        offer = Offer(
            application=application,
            rung=rung,
            site=site,
            team=team,
            scheme=scheme,
            pay_amount=version.headline(domain=application.opening.domain),
            currency=scheme.currency,
            pay_summary=pay_summary.strip(),
            start_on=start_on,
            hours_per_week=hours_per_week,
            probation_months=probation_months,
            fixed_term_months=fixed_term_months,
            respond_by=respond_by,
            language=language,
            made_by=by,
        )
        offer.full_clean()
        offer.save()
        stage_move(application=application, to_stage=Stage.OFFER, by=by)
        _send_letter(application.pk, "offer")
    return offer


def _terms_check(application: Application, scheme, start_on: date):
    """The scheme's version in effect on the start date, if the scheme fits the opening."""
    if scheme is None:
        raise RecruitmentError(_("Choose the pay scheme the new worker will be paid under."))
    employment = application.opening.employment_type
    if scheme.kind != employment:
        raise RecruitmentError(
            _("%(scheme)s is a %(kind)s scheme; this opening is for a %(type)s worker.")
            % {
                "scheme": scheme.name,
                "kind": scheme.get_kind_display().lower(),
                "type": application.opening.get_employment_type_display().lower(),
            }
        )
    version = scheme.version_on(start_on)
    if version is None:
        raise RecruitmentError(
            _(
                "%(scheme)s has no amounts in effect on %(day)s, the start date: add a version first."
            )
            % {"scheme": scheme.name, "day": formats.date_format(start_on)}
        )
    return version


def offer_accept(*, offer: Offer, user) -> Worker:
    """The candidate accepts: they are hired at once, in the same transaction."""
    if offer.status != Offer.Status.SENT:
        raise RecruitmentError(_("This offer has already been answered."))
    if timezone.localdate() > offer.respond_by:
        raise RecruitmentError(_("This offer expired; contact the recruiter."))
    with transaction.atomic():
        offer.status, offer.responded_at = Offer.Status.ACCEPTED, timezone.now()
        offer.save(update_fields=["status", "responded_at"])
        return hire(application=offer.application, by=user)


def offer_decline(*, offer: Offer, user, reason: str = "") -> Application:
    if offer.status != Offer.Status.SENT:
        raise RecruitmentError(_("This offer has already been answered."))
    with transaction.atomic():
        offer.status, offer.responded_at = Offer.Status.DECLINED, timezone.now()
        offer.save(update_fields=["status", "responded_at"])
        return stage_move(
            application=offer.application,
            to_stage=Stage.WITHDRAWN,
            by=user,
            reason=reason or _("Offer declined."),
        )


def hire(*, application: Application, by) -> Worker:
    """Make the candidate a worker: rung, site and team from the offer, the domain's expertise
    verified from the application, status onboarding, and the Annotator role. All or nothing."""
    offer = getattr(application, "offer", None)
    if offer is None or offer.status != Offer.Status.ACCEPTED:
        raise RecruitmentError(_("Only an accepted offer leads to a hire."))
    if Stage.HIRED not in TRANSITIONS[Stage(application.stage)]:
        raise RecruitmentError(
            _("An application at %(stage)s cannot be hired.")
            % {"stage": application.get_stage_display()}
        )
    candidate = application.candidate
    with transaction.atomic():
        user = candidate.user or _account_for(candidate)
        if Worker.objects.filter(user=user).exists():
            raise RecruitmentError(_("%(person)s is already a worker.") % {"person": candidate})
        user.first_name, user.last_name = candidate.first_name, candidate.last_name
        user.preferred_language = user.preferred_language or candidate.preferred_language
        user.save(update_fields=["first_name", "last_name", "preferred_language"])
        worker = Worker(
            user=user,
            employee_number=people_services.employee_number_next(site=offer.site),
            site=offer.site,
            rung=offer.rung,
            team=offer.team,
            status=Worker.Status.ONBOARDING,
            hired_on=offer.start_on,
            employment_type=application.opening.employment_type,
        )
        worker.full_clean()
        worker.save()
        people_services.employment_start(
            worker=worker,
            kind=Employment.Kind.EMPLOYEE
            if worker.employment_type == EmploymentType.SALARIED
            else Employment.Kind.CONTRACTOR,
            starts_on=offer.start_on,
            hours_per_week=offer.hours_per_week,
            probation_ends_on=_months_on(offer.start_on, offer.probation_months),
            fixed_term_ends_on=_months_on(offer.start_on, offer.fixed_term_months),
        )
        verifier = offer.made_by
        Expertise.objects.create(
            worker=worker,
            domain=application.opening.domain,
            is_verified=True,
            verified_by=verifier,
            verified_at=timezone.now() if verifier else None,
        )
        people_services.role_swap(user=user, drop=[Role.CANDIDATE], grant=Role.ANNOTATOR)
        signals.worker_hired.send(sender=Offer, worker=worker, offer=offer)
        stage_move(
            application=application, to_stage=Stage.HIRED, by=by, reason=_("Offer accepted.")
        )
        _send_letter(application.pk, "hired")
    return worker


def _months_on(start: date, months: int | None) -> date | None:
    """The last day of a period of `months` from `start`: 3 months from 15 March is 14 June."""
    if not months:
        return None
    return (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()


def _account_for(candidate: Candidate):
    """An imported candidate hired without ever signing up gets an account; the welcome email
    asks them to set a password."""
    User = get_user_model()
    user = User.objects.filter(email=candidate.email).first()
    if user is None:
        user = User.objects.create_user(email=candidate.email, password=None)
    candidate.user = user
    candidate.save(update_fields=["user"])
    return user


# --- reject and erase ----------------------------------------------------------------------


def applications_reject(
    *, applications: Iterable[Application], by, reason: str
) -> list[Application]:
    """Reject each application with the same reason and email each candidate, in their
    language, the rejection letter. All or none."""
    applications = list(applications)
    with transaction.atomic():
        for application in applications:
            stage_move(application=application, to_stage=Stage.REJECTED, by=by, reason=reason)
            _send_letter(application.pk, "rejected")
    return applications


def candidate_erase(*, candidate: Candidate, by) -> Candidate:
    """Erase a candidate's personal data at their request.

    What stays, anonymised, is what the law and the funnel figures need: that an application
    to an opening existed, its stage history, dates and screening score, and when consent
    was given and withdrawn. Hired people are employees: their record is kept by HR's rules.
    """
    if candidate.applications.filter(stage=Stage.HIRED).exists():
        raise RecruitmentError(
            _(
                "You were hired, so your employee record is kept as employment law requires. Ask HR about it."
            )
        )
    if candidate.erased_at:
        return candidate
    with transaction.atomic():
        for application in candidate.applications.all():
            if application.stage not in FINAL_STAGES:
                stage_move(
                    application=application,
                    to_stage=Stage.WITHDRAWN,
                    by=by,
                    reason=_("Data erased at the candidate's request."),
                )
            if application.cv:
                application.cv.delete(save=False)
            application.cv_name = application.field_of_study = application.institution = ""
            application.cover_note = ""
            application.graduation_year = None
            application.screening = [
                {**reason, "have": "", "name": reason.get("name", "")}
                if "have" in reason
                else reason
                for reason in application.screening
            ]
            application.save()
            application.languages.all().delete()
            application.credentials.all().delete()
            application.interviews.update(notes="", place="", meeting_link="")
            Offer.objects.filter(application=application).delete()
        user = candidate.user
        candidate.first_name = candidate.last_name = ""
        candidate.email = f"erased-{candidate.pk}@invalid.example"
        candidate.phone = candidate.city = candidate.country = ""
        candidate.user = None
        candidate.erased_at = timezone.now()
        candidate.save()
        if user is not None and not Worker.objects.filter(user=user).exists():
            user.email = f"erased-user-{user.pk}@invalid.example"
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            user.emailaddress_set.all().delete()
            people_services.roles_clear(user=user)
    return candidate

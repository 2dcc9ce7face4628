from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Application, Interview

# The letters a candidate receives; each has a subject and a body template in their language.
LETTERS = {"received", "exam_invited", "interview", "offer", "hired", "rejected"}


@task()
def email_candidate(application_id: int, letter: str, interview_id: int | None = None) -> None:
    """Write to the candidate, in their language, about a step of their application."""
    if letter not in LETTERS:
        raise ValueError(f"Unknown letter {letter!r}")
    application = (
        Application.objects.select_related("candidate", "opening", "opening__screening_exam")
        .filter(pk=application_id, candidate__erased_at__isnull=True)
        .first()
    )
    if application is None:  # erased meanwhile: nobody to write to
        return
    candidate = application.candidate
    with translation.override(candidate.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "candidate": candidate,
            "opening": application.opening,
            "interview": Interview.objects.filter(pk=interview_id).first()
            if interview_id
            else None,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            "applications_path": reverse("recruitment:my-applications"),
            "exam_path": reverse("exams:exam-detail", args=[application.opening.screening_exam_id])
            if application.opening.screening_exam_id
            else "",
        }
        send_mail(
            subject=render_to_string(f"recruitment/email/{letter}_subject.txt", context).strip(),
            message=render_to_string(f"recruitment/email/{letter}_body.txt", context),
            from_email=None,
            recipient_list=[candidate.email],
        )


@task()
def import_candidates(job_id: str, import_id: int, only_valid: bool) -> None:
    """Import a checked candidate file, reporting each row on the job's progress bar."""
    # Imported here: imports uses services, which imports this module.
    from .imports import candidate_importing

    candidate_importing.run_job(job_id, import_id, only_valid)

"""Reactions to other apps' signals (wired in apps.ready)."""

from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from exams.signals import attempt_graded

from . import services


@receiver(attempt_graded)
def move_application_after_screening_exam(sender, attempt, **kwargs):
    services.screening_result_record(attempt=attempt)


@receiver(user_signed_up)
def make_new_accounts_candidates(sender, request, user, **kwargs):
    services.account_make_candidate(user=user)


@receiver(email_confirmed)
def link_candidate_once_email_is_proven(sender, request, email_address, **kwargs):
    # Linking waits for a confirmed address: otherwise anyone could sign up with a
    # candidate's email and take over their applications.
    services.candidate_account_link(user=email_address.user)

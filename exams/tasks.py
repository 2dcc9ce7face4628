from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate


@task()
def tell_holders_to_recertify(certificate_ids: list[int]) -> None:
    """Email each holder, in their language, that their certificate needs recertification."""
    for certificate in Certificate.objects.filter(pk__in=certificate_ids).select_related(
        "user", "exam", "guideline"
    ):
        with translation.override(certificate.user.preferred_language or settings.LANGUAGE_CODE):
            context = {"certificate": certificate, "site_url": settings.WAGTAILADMIN_BASE_URL}
            send_mail(
                subject=render_to_string("exams/email/recertify_subject.txt", context).strip(),
                message=render_to_string("exams/email/recertify_body.txt", context),
                from_email=None,
                recipient_list=[certificate.user.email],
            )

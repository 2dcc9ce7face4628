"""The certificate as a PDF: WeasyPrint from an HTML template, in the holder's language, with
the verification code and a QR code that opens the public verify page."""

import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Certificate


def verify_url(certificate: Certificate, request=None) -> str:
    path = reverse("certificate-verify", kwargs={"code": certificate.code})
    return (
        request.build_absolute_uri(path)
        if request
        else settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    )


def qr_data_uri(text: str) -> str:
    # A PNG (through Pillow, which Wagtail already needs) rather than SVG: it embeds as one
    # image that any PDF reader, and our tests, can find.
    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_pdf(certificate: Certificate, request=None) -> bytes:
    # Imported here: WeasyPrint needs Pango from the system, and only this needs WeasyPrint.
    from weasyprint import HTML

    language = (
        certificate.user.preferred_language or translation.get_language() or settings.LANGUAGE_CODE
    )
    url = verify_url(certificate, request)
    with translation.override(language):
        html = render_to_string(
            "exams/certificate_pdf.html",
            {
                "certificate": certificate,
                "verify_url": url,
                "qr": qr_data_uri(url),
                "language": language,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

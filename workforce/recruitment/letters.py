"""The offer letter as a PDF: WeasyPrint from an HTML template, in the language the offer
names (the candidate's, unless HR chose another)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Offer


def offer_pdf(offer: Offer) -> bytes:
    # Imported here: WeasyPrint needs Pango from the system, and only this needs WeasyPrint.
    from weasyprint import HTML

    with translation.override(offer.language):
        html = render_to_string(
            "recruitment/offer_letter.html",
            {
                "offer": offer,
                "application": offer.application,
                "candidate": offer.application.candidate,
                "opening": offer.application.opening,
                "language": offer.language,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

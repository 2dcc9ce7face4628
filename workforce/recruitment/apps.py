from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "workforce.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        from . import receivers  # noqa: F401  (listens to exams' and allauth's signals)

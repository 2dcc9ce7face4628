from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "workforce.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from . import receivers  # noqa: F401  (leavers, and exams that finish an onboarding)

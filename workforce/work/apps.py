from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "workforce.work"
    label = "work"
    verbose_name = _("Work and quality")

    def ready(self):
        from . import signals  # noqa: F401  (answers the projects app's exposure question)

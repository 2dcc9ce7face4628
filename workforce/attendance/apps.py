from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "workforce.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self):
        from . import signals  # noqa: F401  (answers the projects app's exposure question)

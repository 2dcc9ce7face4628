from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The top floor, beside reports: navigation, the home page and the job pages. It reads
    every app; no app imports it (apps only name its URLs)."""

    name = "workforce.shell"
    label = "shell"
    verbose_name = _("Shell")

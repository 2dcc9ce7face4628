from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data, load_demo and the superuser's rebuild: beside every app, built on the
    tests' factories. No app imports it."""

    name = "workforce.demo"
    label = "demo"
    verbose_name = _("Demo")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "workforce.payroll"
    label = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from . import receivers  # noqa: F401  (hires and leavers)

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workforce.demo import builder, people


class Command(BaseCommand):
    help = "Create the demo data. Idempotent: a second run creates nothing."

    def handle(self, *args, **options):
        summary = builder.build()
        created = ", ".join(f"{kind}: {n}" for kind, n in summary.created.items())
        self.stdout.write(_("Demo data ready (created %(created)s).") % {"created": created})
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password: %(password)s)") % {"password": people.DEMO_PASSWORD}
        )
        for email, role in summary.logins:
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write(
            _("HR and payroll accounts must set up two-factor authentication at first login.")
        )

from decimal import Decimal

from django.db import migrations

# A starting allowance per type; HR changes them in the admin to match contracts and local law.
LEAVE_TYPES = [
    ("annual", True, Decimal("10")),
    ("sick", True, Decimal("10")),
    ("personal", True, Decimal("3")),
    ("unpaid", False, Decimal("30")),
]


def seed(apps, schema_editor):
    LeaveType = apps.get_model("attendance", "LeaveType")
    for kind, is_paid, allowance in LEAVE_TYPES:
        LeaveType.objects.get_or_create(
            kind=kind, defaults={"is_paid": is_paid, "yearly_allowance_days": allowance}
        )


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

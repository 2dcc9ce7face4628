"""Create the role groups with their permissions, and the career ladder's rungs in order.

The lists are frozen here (not imported from the app) so this migration keeps meaning what it
meant when it ran. Later apps add their own permissions to these groups in their migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Candidate": [],
    "Annotator": [],
    "Quality inspector": [],
    "Trainer": ["wagtailadmin.access_admin"],
    # Supervisors see their own teams through the staff pages, never the whole admin list.
    "Supervisor": [],
    "Project manager": [
        "wagtailadmin.access_admin",
        "people.view_worker",
        "people.view_team",
        "people.change_team",
        "people.add_team",
        "people.view_expertise",
        "people.view_domain",
        "people.view_credential",
        "people.view_site",
    ],
    "HR": [
        "wagtailadmin.access_admin",
        "people.view_user",
        "people.add_user",
        "people.change_user",
        "people.view_worker",
        "people.add_worker",
        "people.change_worker",
        "people.view_team",
        "people.add_team",
        "people.change_team",
        "people.view_expertise",
        "people.add_expertise",
        "people.change_expertise",
        "people.delete_expertise",
        "people.view_domain",
        "people.add_domain",
        "people.change_domain",
        "people.view_credential",
        "people.add_credential",
        "people.change_credential",
        "people.delete_credential",
        "people.view_site",
        "people.view_rung",
    ],
    "Payroll admin": [
        "people.view_user",
        "people.view_worker",
        "people.view_team",
        "people.view_site",
        "people.change_site",
        "people.view_rung",
    ],
}

RUNGS = ["annotator", "quality_inspector", "trainer", "supervisor", "project_manager"]


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make this app's exist now.
    # (Only this app's: creating other apps' permissions early clashes with their later renames.)
    app_config = apps.get_app_config("people")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    seed(apps)


def seed(apps):
    """Create the groups and rungs; also used by tests that flush the database."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    Rung = apps.get_model("people", "Rung")
    for order, code in enumerate(RUNGS, start=1):
        Rung.objects.get_or_create(code=code, defaults={"order": order})


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()
    apps.get_model("people", "Rung").objects.filter(code__in=RUNGS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

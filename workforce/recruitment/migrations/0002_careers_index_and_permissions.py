"""Create the careers index page (served at /pages/careers/) and let HR write, schedule and
publish openings under it. The lists are frozen here, like people's role migration."""

from django.db import migrations

from workforce.core import pagetree

INDEX_SLUG = "careers"
INTRO = (
    "<p>We hire domain experts (lawyers, physicians, musicians and more) to teach AI models "
    "their craft. Applying is free: we never ask candidates for money, at any stage.</p>"
)
PAGE_PERMISSIONS = {"HR": ["add_page", "change_page", "publish_page"]}
MODEL_PERMISSIONS = {
    "HR": [
        ("recruitment", "candidate", "view_candidate", "Can view candidate"),
        ("recruitment", "application", "view_application", "Can view application"),
    ]
}


def forwards(apps, schema_editor):
    seed(apps)


def seed(apps):
    """Create the index and the permissions; also for tests that flush the database."""
    Group = apps.get_model("auth", "Group")
    index = pagetree.index_page(
        apps, "recruitment", "CareersIndexPage", slug=INDEX_SLUG, title="Careers", intro=INTRO
    )
    pagetree.grant_page_permissions(apps, index, PAGE_PERMISSIONS)
    for group_name, permissions in MODEL_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.add(*(pagetree.permission(apps, *p) for p in permissions))


def backwards(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name__in=PAGE_PERMISSIONS, page__slug=INDEX_SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0001_initial"),
        ("people", "0002_roles_and_rungs"),
        ("training", "0003_guideline_index_and_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

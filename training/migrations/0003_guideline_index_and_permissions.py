"""Create the guideline index page and let trainers and project managers edit under it.

The page goes under the default site's root page (Wagtail's "Welcome" page on a fresh
install), so guidelines are served at /pages/guidelines/<slug>/. Trainers may also upload and
choose images for their examples. The lists are frozen here, like people's role migration.
"""

from django.db import migrations

from workforce.core import pagetree

INDEX_SLUG = "guidelines"
PAGE_PERMISSIONS = {
    "Trainer": ["add_page", "change_page", "publish_page"],
    "Project manager": ["add_page", "change_page"],
}
TRAINER_IMAGE_PERMISSIONS = {
    "add_image": "Can add image",
    "change_image": "Can change image",
    "choose_image": "Can choose image",
}
def forwards(apps, schema_editor):
    seed(apps)


def seed(apps):
    """Create the index and the permissions; also for tests that flush the database."""
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    index = pagetree.index_page(
        apps, "training", "GuidelineIndexPage", slug=INDEX_SLUG, title="Guidelines", intro=""
    )
    pagetree.grant_page_permissions(apps, index, PAGE_PERMISSIONS)
    trainer = Group.objects.filter(name="Trainer").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if trainer and root_collection:
        for codename, name in TRAINER_IMAGE_PERMISSIONS.items():
            permission = pagetree.permission(apps, "wagtailimages", "image", codename, name)
            GroupCollectionPermission.objects.get_or_create(
                group=trainer, collection=root_collection, permission=permission
            )


def backwards(apps, schema_editor):
    # The page stays (it may hold guidelines); only the permissions given here are taken back.
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission.objects.filter(
        group__name__in=PAGE_PERMISSIONS, page__slug=INDEX_SLUG
    ).delete()
    GroupCollectionPermission.objects.filter(
        group__name="Trainer",
        permission__content_type__app_label="wagtailimages",
        permission__codename__in=TRAINER_IMAGE_PERMISSIONS,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_reading_progress_versions"),
        ("people", "0002_roles_and_rungs"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Create the guideline index page and let trainers and project managers edit under it.

The page goes under the default site's root page (Wagtail's "Welcome" page on a fresh
install), so guidelines are served at /pages/guidelines/<slug>/. Trainers may also upload and
choose images for their examples. The lists are frozen here, like people's role migration.
"""

import uuid

from django.db import migrations
from django.utils import timezone

INDEX_SLUG = "guidelines"
PAGE_PERMISSIONS = {
    "Trainer": ["add_page", "change_page", "publish_page"],
    "Project manager": ["add_page", "change_page"],
}
PERMISSION_NAMES = {
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Publish any page",
}
TRAINER_IMAGE_PERMISSIONS = {
    "add_image": "Can add image",
    "change_image": "Can change image",
    "choose_image": "Can choose image",
}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet, 4 characters a step
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _parent(apps):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else Page.objects.filter(depth=1).order_by("path").first()


def _index_page(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GuidelineIndexPage = apps.get_model("training", "GuidelineIndexPage")
    existing = GuidelineIndexPage.objects.order_by("path").first()
    if existing:
        return existing
    parent = _parent(apps)
    if parent is None:  # no Wagtail tree at all: nothing to hang the index on
        return None
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    content_type, _ = ContentType.objects.get_or_create(
        app_label="training", model="guidelineindexpage"
    )
    now = timezone.now()
    page = GuidelineIndexPage.objects.create(
        title="Guidelines",
        draft_title="Guidelines",
        slug=INDEX_SLUG,
        content_type=content_type,
        path=parent.path + _step(number),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{INDEX_SLUG}/",
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        locale_id=parent.locale_id,
        translation_key=uuid.uuid4(),
        intro="",
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    return page


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def forwards(apps, schema_editor):
    seed(apps)


def seed(apps):
    """Create the index and the permissions; also for tests that flush the database."""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    index = _index_page(apps)
    for group_name, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None or index is None:
            continue
        for codename in codenames:
            permission = _permission(
                apps, "wagtailcore", "page", codename, PERMISSION_NAMES[codename]
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=index.pk, permission=permission
            )
    trainer = Group.objects.filter(name="Trainer").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if trainer and root_collection:
        for codename, name in TRAINER_IMAGE_PERMISSIONS.items():
            permission = _permission(apps, "wagtailimages", "image", codename, name)
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

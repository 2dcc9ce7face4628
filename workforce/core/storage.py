import os

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils.html import format_html


class PrivateStorage(FileSystemStorage):
    """Files with personal data (CVs, imports of people's work): kept outside MEDIA_ROOT and
    only sent by views that check who is asking. The root is read on each use so tests can
    point it at a temporary folder.

    There is no URL for a private file: which view may send it depends on the record it
    belongs to, which a storage does not know. Pages link to that view; the admin uses
    private_file_field."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that checks access.")


private_storage = PrivateStorage()


def private_file_field(field_name: str, url_name: str, description):
    """A read-only admin field (put it in readonly_fields, and field_name in exclude) showing a
    private file by name, linked to the app's own download view, which checks who asks.
    Django's own widgets and read-only display would ask the storage for a URL it has not."""

    @admin.display(description=description)
    def shown(obj):
        file = getattr(obj, field_name)
        if not file:
            return admin.site.empty_value_display
        return format_html(
            '<a href="{}">{}</a>', reverse(url_name, args=[obj.pk]), os.path.basename(file.name)
        )

    shown.__name__ = f"{field_name}_file"
    return shown

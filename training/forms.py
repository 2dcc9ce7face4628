from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class VersionedPageForm(WagtailAdminPageForm):
    """The admin form of guidelines and chapters: the trainer says whether the change is major."""

    is_major_revision = forms.BooleanField(
        required=False,
        label=_("This is a major revision"),
        help_text=_(
            "Publishing raises the major version; readers acknowledge again and renew certificates."
        ),
    )

    def save(self, commit=True):
        # Read by the page's serializable_data() when the revision is saved.
        self.instance.is_major_revision = bool(self.cleaned_data.get("is_major_revision"))
        return super().save(commit=commit)

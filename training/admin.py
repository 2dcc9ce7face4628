"""Read-only records for superusers: trainers edit guidelines in Wagtail at /cms/, and
reading progress, acknowledgements and versions are evidence that nobody edits by hand."""

from django.contrib import admin

from .models import Acknowledgement, ChapterProgress, GuidelineVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnlyAdmin):
    list_display = ["guideline", "version", "is_major", "published_at"]
    list_filter = ["is_major"]
    list_select_related = ["guideline"]
    exclude = ["snapshot"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["user", "guideline", "version", "acknowledged_at", "ip_address"]
    list_select_related = ["user", "guideline"]
    search_fields = ["user__email", "user__last_name"]
    date_hierarchy = "acknowledged_at"


@admin.register(ChapterProgress)
class ChapterProgressAdmin(ReadOnlyAdmin):
    list_display = ["user", "chapter", "opened_at", "read_at"]
    list_select_related = ["user", "chapter"]
    search_fields = ["user__email", "user__last_name"]

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workforce.core.storage import private_file_field

from .models import Application, Candidate, StageChange


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_by", "changed_at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False  # moves go through the board, which keeps the rules


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "phone", "preferred_language", "created_at", "erased_at"]
    search_fields = ["first_name", "last_name", "email", "phone_normalized"]
    readonly_fields = ["user", "erased_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "opening", "stage", "screening_score", "source", "applied_at"]
    list_filter = ["stage", "source", "opening__domain"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email"]
    # The CV by name, linked to the application's CV view, which checks who asks.
    exclude = ["cv"]
    readonly_fields = [
        "stage",
        "screening",
        "screening_score",
        "exam_attempt",
        private_file_field("cv", "recruitment:application-cv", _("CV")),
    ]
    inlines = [StageChangeInline]

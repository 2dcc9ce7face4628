"""The exams app in the Django admin, for superusers only: trainers use the staff pages
(exams:question-list, exams:exam-manage-list), which go through the same checks."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import bank
from .models import Attempt, AttemptItem, Certificate, Exam, ExamSection, Question


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["guideline", *bank.QUESTION_FIELDS]

    def clean(self):
        cleaned = super().clean()
        candidate = bank.question_candidate(cleaned)
        for name, messages in bank.question_problems(candidate).items():
            self.add_error("answer_key" if name == "error_type" else name, messages)
        return cleaned


@admin.register(Question)
class QuestionAdmin(SuperuserOnly, SimpleHistoryAdmin):
    form = QuestionAdminForm
    list_display = ["ref", "prompt", "kind", "category", "difficulty", "guideline", "is_active"]
    list_filter = ["kind", "difficulty", "is_active", "guideline"]
    search_fields = ["ref", "prompt", "category"]
    list_select_related = ["guideline"]
    raw_id_fields = ["chapter"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = set(form.changed_data) & set(bank.GRADING_FIELDS)
        if change and changed:
            from . import services

            regrade = getattr(services, "question_regrade", None)
            if regrade is not None:
                regrade(question=obj)


class ExamSectionInline(admin.TabularInline):
    model = ExamSection
    extra = 1


@admin.register(Exam)
class ExamAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["title", "purpose", "guideline", "time_limit_minutes", "pass_mark_percent"]
    list_filter = ["purpose", "guideline"]
    search_fields = ["title"]
    list_select_related = ["guideline"]
    inlines = [ExamSectionInline]


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    extra = 0
    fields = ["position", "question", "answer", "points", "max_points", "grader", "graded_at"]
    readonly_fields = ["question", "answer", "max_points", "graded_at"]
    raw_id_fields = ["grader"]
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["exam", "user", "number", "status", "percent", "passed", "started_at"]
    list_filter = ["status", "passed", "exam"]
    search_fields = ["user__email", "exam__title"]
    list_select_related = ["exam", "user"]
    raw_id_fields = ["user"]
    inlines = [AttemptItemInline]


@admin.register(Certificate)
class CertificateAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["code", "user", "exam", "guideline_major_version", "issued_on", "expires_on"]
    list_filter = ["exam", "guideline"]
    search_fields = ["code", "user__email"]
    list_select_related = ["user", "exam"]
    raw_id_fields = ["user", "attempt"]

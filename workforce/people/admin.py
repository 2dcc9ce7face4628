from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import queries, services
from .models import Credential, Domain, Expertise, Rung, Site, Team, User, Worker
from .roles import WORKER_ROLES, Role

# HR hires and places people; granting HR or payroll rights is for superusers.
ROLES_HR_MAY_GRANT = sorted({Role.CANDIDATE, *WORKER_ROLES})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Only superusers grant staff, superuser or raw permissions.
        limited = ["is_active", "groups"]
        return [
            (name, {**opts, "fields": limited}) if name == _("Permissions") else (name, opts)
            for name, opts in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES_HR_MAY_GRANT)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser edits a superuser, or a holder of a role they cannot grant.
        if (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or obj.groups.exclude(name__in=ROLES_HR_MAY_GRANT).exists())
        ):
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # The form only offers the roles HR may grant; keep the others the user already holds.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=ROLES_HR_MAY_GRANT))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 1


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CredentialInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "country",
        "region",
        "time_zone",
        "currency",
        "minimum_hourly_wage_amount",
    ]


@admin.register(Rung)
class RungAdmin(admin.ModelAdmin):
    list_display = ["order", "code"]


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0
    autocomplete_fields = ["domain"]
    readonly_fields = ["verified_by", "verified_at"]


@admin.register(Worker)
class WorkerAdmin(SimpleHistoryAdmin):
    list_display = ["employee_number", "user", "site", "rung", "team", "status", "hired_on"]
    list_filter = ["status", "site", "rung", "team"]
    search_fields = ["employee_number", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "site", "rung", "team"]
    autocomplete_fields = ["user", "team"]
    inlines = [ExpertiseInline]

    def get_queryset(self, request):
        # The admin shows only the workers this user may see anywhere else.
        return super().get_queryset(request).filter(pk__in=queries.workers_visible_to(request.user))

    def save_formset(self, request, form, formset, change):
        items = formset.save(commit=False)
        for item in items:
            if isinstance(item, Expertise):
                services.expertise_stamp_verification(expertise=item, by=request.user)
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "lead"]
    list_select_related = ["site", "lead__user"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]

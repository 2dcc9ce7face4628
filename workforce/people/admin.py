from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Credential, Domain, Expertise, Rung, Site, Team, User, Worker


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


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "lead"]
    list_select_related = ["site", "lead__user"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import queries, services
from . import roles as role_rules
from .forms import AccountCreationForm
from .models import Credential, Domain, Expertise, Rung, Site, Team, User, Worker

# Who may change roles, passwords and account rights is decided in people/roles.py; this admin
# only shows the fields that allows and hands the roles to services.roles_set.
ACCOUNT_RIGHTS = ["is_staff", "is_superuser", "user_permissions"]


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
        if obj is None:
            if role_rules.may_set_password(request.user, None):
                return self.add_fieldsets
            return [(None, {"classes": ["wide"], "fields": ["email"]})]
        hidden = set()
        if not role_rules.may_set_password(request.user, obj):
            hidden.add("password")
        if not role_rules.may_grant_account_rights(request.user, obj):
            hidden.update(ACCOUNT_RIGHTS)
        if not role_rules.roles_grantable_by(request.user, obj):
            hidden.update(["groups", "is_active"])
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in super().get_fieldsets(request, obj)
            if [f for f in opts["fields"] if f not in hidden]
        ]

    def get_readonly_fields(self, request, obj=None):
        # The login email: changing it and asking for a password reset takes the account over.
        if obj is not None and not role_rules.may_grant_account_rights(request.user, obj):
            return ["email", "last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not role_rules.may_set_password(request.user, None):
            kwargs["form"] = AccountCreationForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not role_rules.is_account_admin(request.user):
            grantable = role_rules.roles_grantable_by(request.user)
            kwargs["queryset"] = Group.objects.filter(name__in=grantable)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not role_rules.may_edit_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not role_rules.may_edit_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and not role_rules.may_set_password(request.user, target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        # Roles go through the one place that decides them, never through the form's own m2m save.
        roles = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if roles is not None:
            try:
                services.roles_set(
                    user=form.instance, roles=[g.name for g in roles], by=request.user
                )
            except role_rules.RoleError as error:
                raise PermissionDenied(str(error)) from error


# Editing a group grants rights to everyone in it: superusers only, as in Wagtail's /cms/groups/.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def has_module_permission(self, request):
        return role_rules.may_manage_groups(request.user)

    def has_view_permission(self, request, obj=None):
        return role_rules.may_manage_groups(request.user)

    def has_add_permission(self, request):
        return role_rules.may_manage_groups(request.user)

    def has_change_permission(self, request, obj=None):
        return role_rules.may_manage_groups(request.user)

    def has_delete_permission(self, request, obj=None):
        return role_rules.may_manage_groups(request.user)


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

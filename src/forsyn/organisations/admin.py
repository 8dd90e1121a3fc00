"""Admin for reference data and staff users. Citizens and grants are deliberately not here:
the admin would bypass the access policy and the access log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from forsyn.organisations.models import Organisation, User, UserRole


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("kind", "code", "name", "cvr", "gln", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "cvr", "gln")


class UserRoleInline(admin.TabularInline[UserRole, User]):
    model = UserRole
    extra = 1


@admin.register(User)
class StaffUserAdmin(UserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    list_filter = ("is_active", "organisation__kind")
    fieldsets = (*UserAdmin.fieldsets, ("forsyn", {"fields": ("organisation",)}))  # type: ignore[misc]
    inlines = [UserRoleInline]

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import roles
from accounts.models import User
from core.audit import log_action

# What only a superuser may change: who is staff or superuser, and raw permissions. Office staff
# manage citizens' and officials' accounts, never their own or each other's powers.
POWERS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name", "full_name_kana"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "full_name_kana", "phone"]}),
        (
            _("Roles"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    actions = ["make_official", "remove_official"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += POWERS
        return fields

    def has_change_permission(self, request, obj=None):
        """Staff may not change staff or superuser accounts (their passwords included): that
        would be a way to their powers. A superuser may change any account."""
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def _people(self, request, queryset):
        """The selected accounts this user may change (never staff or superusers for staff)."""
        if request.user.is_superuser:
            return list(queryset)
        return list(queryset.filter(is_staff=False, is_superuser=False))

    @admin.action(
        description=_("Give the selected accounts the city official role"), permissions=["change"]
    )
    def make_official(self, request, queryset):
        people = self._people(request, queryset)
        for user in people:
            roles.make_official(user)
            log_action(actor=request.user, action="accounts.official_role_given", target=user)
        self.message_user(
            request,
            ngettext(
                "%(n)d account now has the city official role.",
                "%(n)d accounts now have the city official role.",
                len(people),
            )
            % {"n": len(people)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Take the city official role from the selected accounts"),
        permissions=["change"],
    )
    def remove_official(self, request, queryset):
        people = self._people(request, queryset)
        for user in people:
            roles.remove_official(user)
            log_action(actor=request.user, action="accounts.official_role_taken", target=user)
        self.message_user(
            request,
            ngettext(
                "%(n)d account no longer has the city official role.",
                "%(n)d accounts no longer have the city official role.",
                len(people),
            )
            % {"n": len(people)},
            messages.SUCCESS,
        )

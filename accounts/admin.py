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

    def _set_official(self, request, queryset, *, give: bool) -> int:
        """Give or take the official role on the selected accounts this user may change (for
        staff: never staff or superuser accounts); each change goes to the audit log."""
        if not request.user.is_superuser:
            queryset = queryset.filter(is_staff=False, is_superuser=False)
        people = list(queryset)
        change = roles.make_official if give else roles.remove_official
        action = "accounts.official_role_given" if give else "accounts.official_role_taken"
        for user in people:
            change(user)
            log_action(actor=request.user, action=action, target=user)
        return len(people)

    @admin.action(
        description=_("Give the selected accounts the city official role"), permissions=["change"]
    )
    def make_official(self, request, queryset):
        n = self._set_official(request, queryset, give=True)
        message = ngettext(
            "%(n)d account now has the city official role.",
            "%(n)d accounts now have the city official role.",
            n,
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)

    @admin.action(
        description=_("Take the city official role from the selected accounts"),
        permissions=["change"],
    )
    def remove_official(self, request, queryset):
        n = self._set_official(request, queryset, give=False)
        message = ngettext(
            "%(n)d account no longer has the city official role.",
            "%(n)d accounts no longer have the city official role.",
            n,
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)

from allauth.account import signals
from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress, EmailConfirmation
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from core.admin_decisions import Decision, DecisionAdminMixin
from core.audit import log_action

# What only a superuser may change: who is staff or superuser, and raw permissions. Office staff
# manage citizens' and officials' accounts, never their own or each other's powers.
POWERS = ["is_staff", "is_superuser", "groups", "user_permissions"]


class ClosedFilter(admin.SimpleListFilter):
    title = _("closed (退会)")
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return [("no", _("Open accounts")), ("yes", _("Closed accounts"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(closed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(closed_at__isnull=True)
        return queryset


# Closing an account for a person who asks at the desk: the same service as the person's own
# page (/accounts/delete/), after a confirmation page (UserAdmin.decide_view).
USER_DECISIONS = (
    Decision(
        key="close",
        label=_("Close this account (退会)…"),
        offered=lambda user: user.closed_at is None,
        run=lambda actor, obj, reason: services.account_close(actor=actor, user=obj, reason=reason),
        done=_(
            "The account is closed: the person's name, addresses and phone are erased, their "
            "records stay as anonymous ones, and they are signed out everywhere."
        ),
        reason="required",
        reason_label=_("How the person asked"),
        reason_help=_(
            "E.g. at the desk on 6 December, identity checked with a health insurance card. Do "
            "not write the person's name or address: this note is kept."
        ),
        danger=True,
    ),
)


@admin.register(User)
class UserAdmin(DecisionAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", ClosedFilter, "groups"]
    change_form_template = "admin/accounts/user/change_form.html"
    decisions = USER_DECISIONS
    decision_errors = (services.AccountError,)
    search_fields = ["email", "full_name", "full_name_kana"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "full_name_kana", "phone"]}),
        (
            _("Roles"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "closed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    actions = ["make_official", "remove_official", "make_committee", "remove_committee"]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "closed_at"]
        if not request.user.is_superuser:
            fields += POWERS
        return fields

    def has_change_permission(self, request, obj=None):
        """Staff may not change staff or superuser accounts (their passwords included): that
        would be a way to their powers. A superuser may change any account."""
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        # A closed account (退会) is read-only: an address or a password typed into it would
        # tie its anonymous records to a person again. The address signs up as a new account.
        if obj is not None and obj.closed_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def decision_state(self, obj) -> str:
        if obj.closed_at is not None:
            return pgettext("account state", "Closed (退会)")
        if obj.is_active:
            return pgettext("account state", "Open")
        return pgettext("account state", "Inactive")

    def decide_view(self, request, object_id, key):
        """Closing an account asks once more, on a page that says what happens (and what stops
        it); the mixin's checks (staff only, POST only, the change permission on this account,
        a reason) come first, and the confirmed POST runs the decision through the mixin."""
        if key == "close" and self._already_closed(request, object_id):
            # A second click or a stale page: a closed account is read-only, so say so here.
            self.message_user(
                request, gettext("This account has already been closed."), messages.WARNING
            )
            return redirect("admin:accounts_user_change", object_id)
        if key != "close" or not self._close_needs_confirming(request, object_id):
            return super().decide_view(request, object_id, key)
        user = get_object_or_404(self.get_queryset(request), pk=object_id)
        return TemplateResponse(
            request,
            "admin/accounts/user/close_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Close the account of %(user)s") % {"user": user},
                "opts": self.model._meta,
                "original": user,
                "reason": request.POST.get("reason", "").strip(),
                "refusals": services.closing_refusals(user, by_office=True),
            },
        )

    def _already_closed(self, request, object_id) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return False
        if request.method != "POST" or not self.has_view_permission(request):
            return False
        return self.get_queryset(request).filter(pk=object_id, closed_at__isnull=False).exists()

    def _close_needs_confirming(self, request, object_id) -> bool:
        """A staff POST with a reason, on an open account staff may change, not yet confirmed."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return False
        if request.method != "POST" or request.POST.get("confirmed") == "yes":
            return False
        if not (request.POST.get("reason") or "").strip():
            return False
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None or obj.closed_at is not None:
            return False
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Through the service: saved only when something changed, audited with the names of
        the changed fields (never the password)."""
        services.user_save(actor=request.user, user=obj, changed=form.changed_data)

    def user_change_password(self, request, id, form_url=""):
        """The password page: the form sets the password, the service records who did it (in
        the same transaction, so no password changes without its audit row)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                services.user_password_set_record(actor=request.user, user=user)
        return response

    @admin.action(
        description=_("Give the selected accounts the city official role"), permissions=["change"]
    )
    def make_official(self, request, queryset):
        n = services.user_role_set(actor=request.user, users=queryset, role="official", give=True)
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
        n = services.user_role_set(actor=request.user, users=queryset, role="official", give=False)
        message = ngettext(
            "%(n)d account no longer has the city official role.",
            "%(n)d accounts no longer have the city official role.",
            n,
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)

    @admin.action(
        description=_("Give the selected accounts the committee member role"),
        permissions=["change"],
    )
    def make_committee(self, request, queryset):
        n = services.user_role_set(actor=request.user, users=queryset, role="committee", give=True)
        message = ngettext(
            "%(n)d account now has the committee member role.",
            "%(n)d accounts now have the committee member role.",
            n,
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)

    @admin.action(
        description=_("Take the committee member role from the selected accounts"),
        permissions=["change"],
    )
    def remove_committee(self, request, queryset):
        n = services.user_role_set(actor=request.user, users=queryset, role="committee", give=False)
        message = ngettext(
            "%(n)d account no longer has the committee member role.",
            "%(n)d accounts no longer have the committee member role.",
            n,
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)


# --- E-mail addresses (issue #12). A password reset goes to every address recorded for an
# account, verified or not, so whoever may add or change an account's address may take the
# account. The rule: staff see every address; they look after the addresses of citizens and
# officials (add one, fix a typo, mark one verified for someone at the desk, remove one), each
# change in the audit log, as they look after those accounts in the user admin; the addresses of
# staff and superuser accounts (and moving an address onto such an account) are for superusers
# only. Confirmation keys are credentials: superusers only, if allauth lists them at all.
def above_citizen(user) -> bool:
    """Staff and superuser accounts: their addresses and passwords are superusers' business."""
    return bool(user.is_staff or user.is_superuser)


def may_manage_addresses_of(actor, owner) -> bool:
    return actor.is_superuser or owner is None or not above_citizen(owner)


class EmailAddressForm(forms.ModelForm):
    actor = None  # set per request by EmailAddressAdmin.get_form

    class Meta:
        model = EmailAddress
        fields = ["user", "email", "verified", "primary"]

    def clean_user(self):
        owner = self.cleaned_data.get("user")
        if owner is not None and owner.closed_at is not None:
            raise forms.ValidationError(
                _(
                    "This account is closed (退会): it takes no address. The person can sign up "
                    "again as a new account."
                ),
                code="closed",
            )
        if owner is not None and not may_manage_addresses_of(self.actor, owner):
            raise forms.ValidationError(
                _(
                    "Only a superuser may add or change the e-mail addresses of staff or "
                    "superuser accounts."
                ),
                code="above_citizen",
            )
        return owner


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(BaseEmailAddressAdmin):
    form = EmailAddressForm
    actions = ["make_verified"]
    list_select_related = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_manage_addresses_of(request.user, obj.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_manage_addresses_of(request.user, obj.user):
            return False
        return super().has_delete_permission(request, obj)

    def manageable(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__is_staff=False, user__is_superuser=False)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            log_action(
                actor=request.user,
                action="accounts.email_address_change",
                target=obj,
                owner=obj.user.email,
                fields=list(form.changed_data),
            )
        else:
            log_action(
                actor=request.user,
                action="accounts.email_address_add",
                target=obj,
                owner=obj.user.email,
                verified=obj.verified,
            )

    def delete_model(self, request, obj):
        log_action(
            actor=request.user,
            action="accounts.email_address_remove",
            target=obj,
            owner=obj.user.email,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete has already refused if one of them is not this user's to delete.
        for obj in self.manageable(request, queryset).select_related("user"):
            self.delete_model(request, obj)

    @admin.action(description=_("Mark the selected addresses as verified"), permissions=["change"])
    def make_verified(self, request, queryset):
        n = 0
        chosen = self.manageable(request, queryset).filter(verified=False).select_related("user")
        for address in chosen:
            if address.set_verified():
                signals.email_confirmed.send(
                    sender=EmailAddress, request=request, email_address=address
                )
                log_action(
                    actor=request.user,
                    action="accounts.email_address_verify",
                    target=address,
                    owner=address.user.email,
                )
                n += 1
        message = ngettext(
            "%(n)d address marked as verified.", "%(n)d addresses marked as verified.", n
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)


class EmailConfirmationAdmin(admin.ModelAdmin):
    """Allauth lists confirmation keys only when they are stored (not signed): superusers only."""

    list_display = ["email_address", "created", "sent"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


if admin.site.is_registered(EmailConfirmation):
    admin.site.unregister(EmailConfirmation)
    admin.site.register(EmailConfirmation, EmailConfirmationAdmin)

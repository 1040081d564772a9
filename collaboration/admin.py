"""Collaboration in the admin: staff keep the partners (with their private contact persons), the
departments' officials, the call windows and themes. Every save goes through
collaboration.services, audited; proposals are read here and handled on their own pages
(screening and assignment at /collaboration/desk/)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_official
from collaboration import services
from collaboration.models import (
    CallWindow,
    CollaborationSettings,
    DepartmentOfficial,
    Partner,
    PartnerContact,
    Proposal,
    Theme,
)
from core.admin_readonly import ReadOnlyAdmin


class ServiceErrorsMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CollaborationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.path)


class ContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "offers", "looks_for"]
    filter_horizontal = ["fields"]
    inlines = [ContactInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        self._changed = list(form.changed_data)
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = list(getattr(self, "_changed", []))
        if any(formset.has_changed() for formset in formsets):
            changed.append("contacts")
        services.partner_save(actor=request.user, partner=form.instance, changed=changed)

    def delete_model(self, request, obj):
        services.partner_delete(actor=request.user, partner=obj)

    def delete_queryset(self, request, queryset):
        for partner in queryset:
            services.partner_delete(actor=request.user, partner=partner)


class DepartmentOfficialForm(forms.ModelForm):
    class Meta:
        model = DepartmentOfficial
        fields = ["user", "department"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not is_official(user):
            raise forms.ValidationError(
                _(
                    "This account is not a city official: give it the city official role first "
                    "(in the list of accounts)."
                )
            )
        return user


@admin.register(DepartmentOfficial)
class DepartmentOfficialAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = DepartmentOfficialForm
    list_display = ["user", "department"]
    list_select_related = ["user", "department"]
    list_filter = ["department"]
    raw_id_fields = ["user"]
    search_fields = ["user__email", "user__full_name", "department__name"]

    def save_model(self, request, obj, form, change):
        services.official_assign(actor=request.user, user=obj.user, department=obj.department)

    def delete_model(self, request, obj):
        services.official_remove(actor=request.user, post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.official_remove(actor=request.user, post=post)


@admin.register(CallWindow)
class CallWindowAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on"]

    def save_model(self, request, obj, form, change):
        services.window_save(actor=request.user, window=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.window_delete(actor=request.user, window=obj)

    def delete_queryset(self, request, queryset):
        for window in queryset:
            services.window_delete(actor=request.user, window=window)


@admin.register(CollaborationSettings)
class CollaborationSettingsAdmin(admin.ModelAdmin):
    """One row: the list page opens it directly."""

    def save_model(self, request, obj, form, change):
        services.settings_update(actor=request.user, citizen_proposals=obj.citizen_proposals)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = CollaborationSettings.load()
        return redirect(reverse("admin:collaboration_collaborationsettings_change", args=[obj.pk]))


@admin.register(Theme)
class ThemeAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    list_display = ["title", "department", "deadline", "status"]
    list_filter = ["status", "department"]
    list_select_related = ["department"]
    search_fields = ["title"]
    readonly_fields = ["status", "published_at"]
    prepopulated_fields = {}
    actions = ["publish", "withdraw"]

    def save_model(self, request, obj, form, change):
        services.theme_staff_save(actor=request.user, theme=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None):
        return False  # a theme that took proposals stays: withdraw it instead

    @admin.action(description=_("Publish the selected themes"))
    def publish(self, request, queryset):
        for theme in queryset:
            try:
                services.theme_publish(actor=request.user, theme=theme)
            except services.CollaborationError as exc:
                self.message_user(request, f"{theme}: {exc}", messages.ERROR)

    @admin.action(description=_("Withdraw the selected themes"))
    def withdraw(self, request, queryset):
        for theme in queryset:
            services.theme_withdraw(actor=request.user, theme=theme)

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Read here; screened and assigned on the proposal's own page."""

    list_display = ["title", "group", "kind", "status", "department", "answer_due", "submitted_at"]
    list_filter = ["status", "kind", "department"]
    list_select_related = ["group", "department"]
    search_fields = ["title", "group__name"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


# The go-between's record (issue 18 part 4) is registered from its own module.
from collaboration import admin_gobetween  # noqa: E402,F401

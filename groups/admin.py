"""The office's admin for groups: applications, renewals, documents, records, consultations."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import log_action
from core.fiscal import FiscalYear
from core.forms import CleanImageField
from groups import services
from groups.exports import (
    ALL_COLUMNS,
    PRIVATE_COLUMNS,
    PUBLIC_COLUMNS,
    STAFF_COLUMNS,
    csv_download,
)
from groups.forms import ReasonForm
from groups.models import (
    ActivityField,
    ActivityPhoto,
    ActivityRecord,
    Area,
    Consultation,
    Group,
    GroupApplication,
    GroupDocument,
    GroupRenewal,
    Invitation,
    Membership,
)
from groups.services import GroupError


class PortalAdmin(admin.ModelAdmin):
    """URLs assume https; uploaded images are checked and cleaned like on the public forms."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        if isinstance(db_field, models.ImageField):
            return CleanImageField(
                label=db_field.verbose_name.capitalize(),
                required=not db_field.blank,
                max_side=800,
                widget=AdminFileWidget,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# --------------------------------------------------------------------------- filters


class RenewalFilter(admin.SimpleListFilter):
    title = _("renewal for this fiscal year")
    parameter_name = "renewal"

    def lookups(self, request, model_admin):
        return [("due", _("Not renewed")), ("done", _("Renewed"))]

    def queryset(self, request, queryset):
        year = FiscalYear.current().year
        if self.value() == "due":
            return queryset.not_renewed_for(year)
        if self.value() == "done":
            return queryset.filter(renewals__fiscal_year=year)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("page not updated for a year")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [
            ("listed", _("Listed for staff (after a reminder)")),
            ("notified", _("Representatives notified")),
            ("stale", _("Not updated for a year")),
        ]

    def queryset(self, request, queryset):
        stale_ids = services.stale_groups().values("pk")
        if self.value() == "listed":
            return queryset.filter(pk__in=stale_ids, stale_listed_at__isnull=False)
        if self.value() == "notified":
            return queryset.filter(
                pk__in=stale_ids, stale_notified_at__isnull=False, stale_listed_at__isnull=True
            )
        if self.value() == "stale":
            return queryset.filter(pk__in=stale_ids)
        return queryset


class FiscalYearFilter(admin.SimpleListFilter):
    """Rows whose ``date_field`` falls in a fiscal year (April–March)."""

    title = _("fiscal year")
    parameter_name = "fy"
    date_field = "held_on"

    def lookups(self, request, model_admin):
        current = FiscalYear.current().year
        return [(str(y), FiscalYear(y).label) for y in range(current, current - 11, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        # A hand-edited ?fy= outside the calendar's range is ignored, not a 500.
        if not value or not value.isdigit() or not 1 <= int(value) < dt.MAXYEAR:
            return queryset
        year = FiscalYear(int(value))
        return queryset.filter(
            **{f"{self.date_field}__gte": year.first_day, f"{self.date_field}__lte": year.last_day}
        )


class RegisteredFiscalYearFilter(FiscalYearFilter):
    title = _("registered in fiscal year")
    parameter_name = "registered_fy"
    date_field = "registered_on"


# --------------------------------------------------------------------------- inlines


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        members = reps = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            members += 1
            if form.cleaned_data.get("role") == Membership.Role.REPRESENTATIVE:
                reps += 1
        if members and not reps:
            raise forms.ValidationError(_("A group always needs at least one representative."))


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # the model field has no verbose name: the column's header
            kwargs["label"] = pgettext_lazy("membership", "user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GroupDocumentInline(admin.TabularInline):
    model = GroupDocument
    extra = 0
    fields = ["kind", "download", "uploaded_by", "uploaded_at"]
    readonly_fields = ["kind", "download", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Download (staff only)")
        )


class GroupRenewalInline(admin.TabularInline):
    model = GroupRenewal
    extra = 0
    fields = ["fiscal_year", "confirmed_by", "confirmed_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


# --------------------------------------------------------------------------- groups


@admin.register(Group)
class GroupAdmin(PortalAdmin):
    list_display = [
        "name",
        "name_kana",
        "registration_number",
        "status",
        "registered_on",
        "renewed_this_year",
        "representatives",
        "profile_updated_at",
    ]
    list_filter = [
        "status",
        RenewalFilter,
        StaleFilter,
        RegisteredFiscalYearFilter,
        "fields",
        "areas",
    ]
    search_fields = [
        "name",
        "name_kana",
        "registration_number",
        "representative_name",
        "memberships__user__email",
    ]
    ordering = ["name_kana"]
    date_hierarchy = "registered_on"
    list_per_page = 50
    filter_horizontal = ["fields", "areas"]
    inlines = [MembershipInline, GroupDocumentInline, GroupRenewalInline]
    readonly_fields = [
        "status",
        "registration_number",
        "applied_on",
        "registered_on",
        "withdrawn_on",
        "status_reason",
        "eligibility_confirmed_at",
        "profile_updated_at",
        "stale_notified_at",
        "stale_reminded_at",
        "stale_listed_at",
        "created_at",
        "updated_at",
        "page_link",
    ]
    fieldsets = [
        (
            _("Profile"),
            {
                "fields": [
                    "name",
                    "name_kana",
                    "slug",
                    "page_link",
                    "summary",
                    "description",
                    "fields",
                    "areas",
                    "logo",
                    "founded_year",
                    "member_count",
                    "meeting_frequency",
                ]
            },
        ),
        (_("Partner search"), {"fields": ["looking_for", "offers", "needs"]}),
        (_("Public contact"), {"fields": ["website", "sns_url", "public_email"]}),
        (
            _("Private contact (staff only)"),
            {
                "fields": [
                    "representative_name",
                    "representative_phone",
                    "representative_address",
                ]
            },
        ),
        (
            _("Registration (change with the actions of the list)"),
            {
                "fields": [
                    "status",
                    "registration_number",
                    "applied_on",
                    "registered_on",
                    "withdrawn_on",
                    "status_reason",
                    "eligibility_confirmed_at",
                ]
            },
        ),
        (
            _("Updates"),
            {
                "classes": ["collapse"],
                "fields": [
                    "profile_updated_at",
                    "stale_notified_at",
                    "stale_reminded_at",
                    "stale_listed_at",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]
    actions = [
        "approve_selected",
        "reject_selected",
        "suspend_selected",
        "reinstate_selected",
        "withdraw_selected",
        "remind_renewal_selected",
        "export_csv",
    ]

    def get_queryset(self, request):
        year = FiscalYear.current().year
        return (
            super()
            .get_queryset(request)
            .annotate(
                _renewed=Exists(
                    GroupRenewal.objects.filter(group=OuterRef("pk"), fiscal_year=year)
                ),
                _reps=Count(
                    "memberships",
                    filter=models.Q(memberships__role=Membership.Role.REPRESENTATIVE),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("renewed this year"), boolean=True, ordering="_renewed")
    def renewed_this_year(self, obj):
        if obj.status != Group.Status.REGISTERED:
            return None
        return obj._renewed

    @admin.display(description=_("representatives"), ordering="_reps")
    def representatives(self, obj):
        return obj._reps

    @admin.display(description=_("page"))
    def page_link(self, obj):
        if not obj.pk:
            return "-"
        return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())

    # --- actions

    def _each(self, request, queryset, run, done_message):
        done = 0
        for group in queryset.order_by("pk"):
            try:
                run(group)
            except GroupError as exc:
                self.message_user(request, f"{group.name}: {exc}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    def _with_reason(self, request, queryset, *, action, title, run, done_message):
        """An intermediate page asking for the reason, then the action on every group."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(request, queryset, lambda g: run(g, reason), done_message)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "groups": queryset.order_by("name_kana"),
            "form": form,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "groups/admin/reason_form.html", context)

    @admin.action(description=_("Approve the selected applications"))
    def approve_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda g: services.group_approve(actor=request.user, group=g),
            gettext("%(n)d group(s) approved; the representatives were told by e-mail."),
        )

    @admin.action(description=_("Reject the selected applications (with a reason)"))
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="reject_selected",
            title=gettext("Reject applications"),
            run=lambda g, reason: services.group_reject(actor=request.user, group=g, reason=reason),
            done_message=gettext("%(n)d application(s) rejected; the applicants were told."),
        )

    @admin.action(description=_("Suspend the selected groups (with a reason)"))
    def suspend_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="suspend_selected",
            title=gettext("Suspend groups"),
            run=lambda g, reason: services.group_suspend(
                actor=request.user, group=g, reason=reason
            ),
            done_message=gettext("%(n)d group(s) suspended."),
        )

    @admin.action(description=_("Reinstate the selected suspended groups"))
    def reinstate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda g: services.group_reinstate(actor=request.user, group=g),
            gettext("%(n)d group(s) reinstated."),
        )

    @admin.action(description=_("Withdraw the selected groups from the register (with a reason)"))
    def withdraw_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="withdraw_selected",
            title=gettext("Withdraw groups from the register"),
            run=lambda g, reason: services.group_withdraw(
                actor=request.user, group=g, reason=reason
            ),
            done_message=gettext("%(n)d group(s) withdrawn."),
        )

    @admin.action(description=_("E-mail a renewal reminder to the selected groups"))
    def remind_renewal_selected(self, request, queryset):
        sent = services.renewal_remind(actor=request.user, groups=queryset.registered())
        self.message_user(
            request,
            gettext("Renewal reminders sent to %(n)d group(s).") % {"n": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected groups as CSV"))
    def export_csv(self, request, queryset):
        """Staff choose the columns; the private contact is off unless they tick it."""
        if "apply" in request.POST:
            keys = [k for k in request.POST.getlist("columns") if k in ALL_COLUMNS]
            if keys:
                columns = [ALL_COLUMNS[k] for k in keys]
                private = [c.key for c in columns if c in PRIVATE_COLUMNS]
                log_action(
                    actor=request.user,
                    action="group.export",
                    rows=queryset.count(),
                    columns=keys,
                    private=private,
                )
                return csv_download(queryset.order_by("name_kana", "pk"), columns)
            self.message_user(request, gettext("Choose at least one column."), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Export groups as CSV"),
            "groups": queryset,
            "count": queryset.count(),
            "public_columns": PUBLIC_COLUMNS,
            "staff_columns": STAFF_COLUMNS,
            "private_columns": PRIVATE_COLUMNS,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "groups/admin/export_form.html", context)


@admin.register(GroupApplication)
class GroupApplicationAdmin(GroupAdmin):
    """The pending applications only: the office's daily queue."""

    list_display = ["name", "name_kana", "applied_on", "representatives", "document_count"]
    list_filter = ["fields", "areas"]
    date_hierarchy = "applied_on"
    ordering = ["applied_on", "pk"]
    actions = ["approve_selected", "reject_selected", "export_csv"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Group.Status.APPLIED)
            .annotate(_documents=Count("documents", distinct=True))
        )

    @admin.display(description=_("documents"), ordering="_documents")
    def document_count(self, obj):
        return obj._documents

    def has_add_permission(self, request):
        return False


@admin.register(ActivityField)
class ActivityFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "order", "group_count"]
    list_editable = ["order"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_groups=Count("groups", distinct=True))

    @admin.display(description=pgettext_lazy("count", "groups"), ordering="_groups")
    def group_count(self, obj):
        return obj._groups


@admin.register(Area)
class AreaAdmin(ActivityFieldAdmin):
    pass


@admin.register(GroupDocument)
class GroupDocumentAdmin(admin.ModelAdmin):
    list_display = ["group", "kind", "uploaded_at", "uploaded_by", "download"]
    list_filter = ["kind"]
    search_fields = ["group__name", "group__name_kana"]
    list_select_related = ["group", "uploaded_by"]
    fields = ["group", "kind", "download", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Download (staff only)")
        )


@admin.register(GroupRenewal)
class GroupRenewalAdmin(admin.ModelAdmin):
    list_display = ["group", "fiscal_year", "confirmed_by", "confirmed_at"]
    list_filter = ["fiscal_year"]
    search_fields = ["group__name", "group__name_kana"]
    list_select_related = ["group", "confirmed_by"]
    autocomplete_fields = ["group"]
    readonly_fields = ["confirmed_by", "confirmed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "group", "invited_by", "created_at", "accepted_at", "revoked_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by"]
    readonly_fields = [
        "group",
        "email",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    fields = ["preview", "caption", "order"]
    readonly_fields = ["preview"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, obj):
        if not obj.thumbnail:
            return "-"
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="160"></a>', obj.image.url, obj.thumbnail.url
        )


@admin.register(ActivityRecord)
class ActivityRecordAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "group", "photo_count", "created_by", "created_at"]
    list_filter = [FiscalYearFilter]
    search_fields = ["title", "body", "group__name"]
    date_hierarchy = "held_on"
    list_select_related = ["group", "created_by"]
    autocomplete_fields = ["group"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [ActivityPhotoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_photos=Count("photos"))

    @admin.display(description=_("photos"), ordering="_photos")
    def photo_count(self, obj):
        return obj._photos

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ConsultationAdminForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "held_on",
            "group",
            "person_name",
            "channel",
            "category",
            "summary",
            "follow_up",
            "follow_up_done",
            "staff_member",
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not (cleaned.get("person_name") or "").strip():
            raise forms.ValidationError(_("Choose the group, or write the name of the person."))
        return cleaned


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    form = ConsultationAdminForm
    list_display = [
        "held_on",
        "who",
        "channel",
        "category",
        "short_summary",
        "follow_up_done",
        "staff_member",
    ]
    list_filter = [FiscalYearFilter, "channel", "category", "follow_up_done", "staff_member"]
    search_fields = ["summary", "follow_up", "person_name", "group__name", "group__name_kana"]
    date_hierarchy = "held_on"
    list_select_related = ["group", "staff_member"]
    autocomplete_fields = ["group"]
    fields = [
        "held_on",
        "group",
        "person_name",
        "channel",
        "category",
        "summary",
        "follow_up",
        "follow_up_done",
        "staff_member",
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("staff_member", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if obj.staff_member_id is None:
            obj.staff_member = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("group or person"), ordering="group__name_kana")
    def who(self, obj):
        return obj.group.name if obj.group_id else obj.person_name

    @admin.display(description=pgettext_lazy("consultation", "summary"))
    def short_summary(self, obj):
        return obj.summary if len(obj.summary) <= 40 else obj.summary[:40] + "…"

"""The office's admin for groups: applications, renewals, documents, records, consultations."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_office_staff
from core.admin_decisions import Decision, DecisionAdminMixin, calls, in_status
from core.admin_services import DeleteEachMixin
from core.admin_services import ThroughServicesMixin as CoreThroughServicesMixin
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


class ThroughServicesMixin(CoreThroughServicesMixin):
    """Saves and deletes of the office's records go through groups.services; a refusal of the
    service rolls the admin's transaction back and staff read why (core.admin_services)."""

    service_errors = (GroupError,)


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
    """Roles and removals go through the membership services (GroupAdmin.save_formset); people
    join through an invitation, never added here."""

    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    fields = ["member", "role", "joined_at"]
    readonly_fields = ["member", "joined_at"]

    def has_add_permission(self, request, obj=None):
        return False

    # The model field has no verbose name: the column's header, translated.
    @admin.display(description=pgettext_lazy("membership", "user"))
    def member(self, obj):
        return obj.user if obj.pk else "-"


class GroupDocumentInline(admin.TabularInline):
    model = GroupDocument
    extra = 0
    can_delete = False
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
    can_delete = False
    fields = ["fiscal_year", "confirmed_by", "confirmed_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


# --------------------------------------------------------------------------- decisions

REASON_HELP = _("Sent to the group's representatives by e-mail.")

GROUP_DECISIONS = (
    Decision(
        key="approve",
        label=_("Approve"),
        offered=in_status(Group.Status.APPLIED),
        run=calls(services.group_approve, "group"),
        done=_("Approved %(obj)s; the representatives were told by e-mail."),
    ),
    Decision(
        key="reject",
        label=_("Reject"),
        offered=in_status(Group.Status.APPLIED),
        run=calls(services.group_reject, "group", with_reason=True),
        done=_("Rejected the application of %(obj)s; the applicants were told why."),
        reason="required",
        reason_label=_("Reason for the rejection"),
        reason_help=REASON_HELP,
        danger=True,
    ),
    Decision(
        key="reinstate",
        label=_("Reinstate"),
        offered=in_status(Group.Status.SUSPENDED),
        run=calls(services.group_reinstate, "group"),
        done=_("Reinstated %(obj)s."),
    ),
    Decision(
        key="suspend",
        label=_("Suspend"),
        offered=in_status(Group.Status.REGISTERED),
        run=calls(services.group_suspend, "group", with_reason=True),
        done=_("Suspended %(obj)s; the representatives were told why."),
        reason="required",
        reason_label=_("Reason for the suspension"),
        reason_help=REASON_HELP,
        danger=True,
    ),
    Decision(
        key="withdraw",
        label=_("Withdraw from the register"),
        offered=in_status(Group.Status.REGISTERED, Group.Status.SUSPENDED),
        run=calls(services.group_withdraw, "group", with_reason=True),
        done=_("Withdrew %(obj)s from the register; the representatives were told why."),
        reason="required",
        reason_label=_("Reason for the withdrawal"),
        reason_help=REASON_HELP,
        danger=True,
    ),
)


# --------------------------------------------------------------------------- groups


@admin.register(Group)
class GroupAdmin(ThroughServicesMixin, DecisionAdminMixin, PortalAdmin):
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
    change_form_template = "admin/groups/group/change_form.html"
    decisions = GROUP_DECISIONS
    decision_errors = (GroupError,)
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
            _("Registration (decide with the buttons at the top of the page)"),
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

    # --- saving: through the services (a paper application, a profile edit), never a bare save

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False  # a group is withdrawn from the register (kept with its history)

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        keys = services.PROFILE_FIELDS + services.PRIVATE_FIELDS
        data = {key: cleaned[key] for key in keys if key in cleaned}
        logo = remove_logo = None
        if "logo" in form.changed_data:
            value = cleaned.get("logo")
            if value is False:
                remove_logo = True
            elif isinstance(value, ContentFile):
                logo = value
        if change:
            saved = services.group_profile_update(
                actor=request.user,
                group=obj,
                data=data,
                fields=cleaned.get("fields"),
                areas=cleaned.get("areas"),
                logo=logo,
                remove_logo=bool(remove_logo),
            )
        else:
            saved = services.group_apply_on_paper(
                actor=request.user,
                data={**data, "slug": cleaned.get("slug")},
                fields=cleaned.get("fields") or (),
                areas=cleaned.get("areas") or (),
                logo=logo,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Promotions first, so that a representative may step down in the same save.
        changed = [
            f for f in formset.initial_forms if f not in formset.deleted_forms and f.has_changed()
        ]
        changed.sort(key=lambda f: f.cleaned_data["role"] != Membership.Role.REPRESENTATIVE)
        for member_form in changed:
            services.membership_set_role(
                actor=request.user,
                membership=member_form.instance,
                role=member_form.cleaned_data["role"],
            )
        for member_form in formset.deleted_forms:
            if member_form.instance.pk:
                services.membership_remove(actor=request.user, membership=member_form.instance)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

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
                    action="groups.group_export",
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

    def decide_view(self, request, object_id, key):
        """A decided application has left the queue: a second decision (another tab, a double
        click) says how the group stands now and changes nothing; after a decision staff land
        on the group's own page, which shows the result."""
        decided = (
            request.method == "POST"
            and is_office_staff(request.user)
            and str(object_id).isdigit()
            and self.has_change_permission(request)
            and not self.get_queryset(request).filter(pk=object_id).exists()
        )
        group = Group.objects.filter(pk=object_id).first() if decided else None
        if group is not None:
            self.message_user(
                request,
                gettext("“%(obj)s” is now “%(state)s”: nothing was changed.")
                % {"obj": group, "state": group.get_status_display()},
                messages.WARNING,
            )
            return redirect("admin:groups_group_change", group.pk)
        response = super().decide_view(request, object_id, key)
        if (
            response.status_code == 302
            and str(object_id).isdigit()
            and not self.get_queryset(request).filter(pk=object_id).exists()
        ):
            return redirect("admin:groups_group_change", object_id)
        return response


@admin.register(ActivityField)
class ActivityFieldAdmin(ThroughServicesMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "order", "group_count"]
    list_editable = ["order"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in form.fields if key in form.cleaned_data}
        saved = services.category_save(
            actor=request.user,
            model=self.model,
            values=values,
            category=self.model(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.category_delete(actor=request.user, category=obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_groups=Count("groups", distinct=True))

    @admin.display(description=pgettext_lazy("count", "groups"), ordering="_groups")
    def group_count(self, obj):
        return obj._groups


@admin.register(Area)
class AreaAdmin(ActivityFieldAdmin):
    pass


@admin.register(GroupDocument)
class GroupDocumentAdmin(DeleteEachMixin, admin.ModelAdmin):
    list_display = ["group", "kind", "uploaded_at", "uploaded_by", "download"]
    list_filter = ["kind"]
    search_fields = ["group__name", "group__name_kana"]
    list_select_related = ["group", "uploaded_by"]
    fields = ["group", "kind", "download", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read here; a document uploaded by mistake is removed (audited)

    def delete_model(self, request, obj):
        services.group_document_delete(actor=request.user, document=obj)

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Download (staff only)")
        )


class RenewalAddForm(forms.ModelForm):
    """Staff record a renewal that came on paper: the renewal rules answer before anything is
    saved (a registered group, once per fiscal year); ``group_renew`` saves and audits."""

    class Meta:
        model = GroupRenewal
        fields = ["group", "fiscal_year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "fiscal_year" in self.fields:  # absent on a recorded renewal's read-only page
            self.fields["fiscal_year"].initial = FiscalYear.current().year

    def clean(self):
        cleaned = super().clean()
        group, year = cleaned.get("group"), cleaned.get("fiscal_year")
        if group is not None and year:
            try:
                services.renewal_check(group=group, fiscal_year=year)
            except GroupError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned

    def validate_unique(self):
        pass  # renewal_check says it in the office's words


@admin.register(GroupRenewal)
class GroupRenewalAdmin(ThroughServicesMixin, admin.ModelAdmin):
    """A renewal is a record: added through ``group_renew``, never changed or removed here."""

    form = RenewalAddForm
    list_display = ["group", "fiscal_year", "confirmed_by", "confirmed_at"]
    list_filter = ["fiscal_year"]
    search_fields = ["group__name", "group__name_kana"]
    list_select_related = ["group", "confirmed_by"]
    autocomplete_fields = ["group"]
    readonly_fields = ["confirmed_by", "confirmed_at"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        renewal = services.group_renew(
            actor=request.user,
            group=form.cleaned_data["group"],
            data={},
            note=form.cleaned_data.get("note") or "",
            fiscal_year=form.cleaned_data["fiscal_year"],
        )
        obj.pk = renewal.pk
        obj.refresh_from_db()


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
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # invitations are sent and accepted on the portal

    def has_delete_permission(self, request, obj=None):
        return False  # an open invitation is revoked (audited), never deleted

    @admin.action(description=_("Revoke the selected open invitations"))
    def revoke_selected(self, request, queryset):
        revoked = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True):
            try:
                services.invitation_revoke(actor=request.user, invitation=invitation)
            except GroupError as exc:
                self.message_user(request, f"{invitation.email}: {exc}", messages.WARNING)
            else:
                revoked += 1
        self.message_user(
            request, gettext("%(n)d invitation(s) revoked.") % {"n": revoked}, messages.SUCCESS
        )


class ActivityPhotoInline(admin.TabularInline):
    """The group's photos, shown; the group edits them on its record's page."""

    model = ActivityPhoto
    extra = 0
    can_delete = False
    fields = ["preview", "caption", "order"]
    readonly_fields = ["preview", "caption", "order"]

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
class ActivityRecordAdmin(ThroughServicesMixin, admin.ModelAdmin):
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
        data = form.cleaned_data
        if change:
            saved = services.activity_record_update(
                actor=request.user,
                record=obj,
                held_on=data["held_on"],
                title=data["title"],
                body=data["body"],
            )
        else:
            saved = services.activity_record_create(
                actor=request.user,
                group=data["group"],
                held_on=data["held_on"],
                title=data["title"],
                body=data["body"],
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "group"] if obj is not None else fields

    def delete_model(self, request, obj):
        services.activity_record_delete(actor=request.user, record=obj)


class ConsultationAdminForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = services.CONSULTATION_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not (cleaned.get("person_name") or "").strip():
            raise forms.ValidationError(_("Choose the group, or write the name of the person."))
        return cleaned


@admin.register(Consultation)
class ConsultationAdmin(ThroughServicesMixin, admin.ModelAdmin):
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
    fields = services.CONSULTATION_FIELDS

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("staff_member", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        saved = services.consultation_save(
            actor=request.user,
            values=dict(form.cleaned_data),
            consultation=Consultation(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.consultation_delete(actor=request.user, consultation=obj)

    @admin.display(description=_("group or person"), ordering="group__name_kana")
    def who(self, obj):
        return obj.group.name if obj.group_id else obj.person_name

    @admin.display(description=pgettext_lazy("consultation", "summary"))
    def short_summary(self, obj):
        return obj.summary if len(obj.summary) <= 40 else obj.summary[:40] + "…"

"""The bulletin board in the admin: moderation, reports, quotas and the board's settings.

Every change goes through bulletin.services: a post's status only by a decision (the buttons on
its own page, or the list's actions: ``post_decide``), edits by ``post_update_by_staff``,
reports settled by ``report_resolve``, quotas and the board's rules by their services; each
audited in the same transaction."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bulletin import services
from bulletin.models import BulletinPost, BulletinSettings, GroupQuota, PostReport
from core.admin_decisions import Decision, DecisionAdminMixin
from core.admin_services import DeleteEachMixin, ThroughServicesMixin

_S = BulletinPost.Status

POST_DECISIONS = (
    Decision(
        key="publish",
        label=_("Publish"),
        offered=lambda post: post.status in (_S.PENDING, _S.HIDDEN),
        run=lambda actor, obj, reason: services.post_decide(
            actor=actor, post=obj, decision="publish"
        ),
        done=_("“%(obj)s” is published; its open reports are settled."),
    ),
    Decision(
        key="hide",
        label=_("Hide from the board"),
        offered=lambda post: post.status in (_S.PENDING, _S.PUBLISHED),
        run=lambda actor, obj, reason: services.post_decide(
            actor=actor, post=obj, decision="hide", note=reason
        ),
        done=_("“%(obj)s” is hidden; the group sees the note."),
        reason="required",
        reason_label=_("Note for the group"),
        reason_help=_("The group reads it on its post: why it was hidden, what to change."),
        danger=True,
    ),
    Decision(
        key="withdraw",
        label=_("Withdraw for the group"),
        offered=lambda post: post.status != _S.WITHDRAWN,
        run=lambda actor, obj, reason: services.post_decide(
            actor=actor, post=obj, decision="withdraw", note=reason
        ),
        done=_("“%(obj)s” is withdrawn."),
        reason="optional",
        reason_label=_("Note (e.g. asked by the group on the phone)"),
        danger=True,
    ),
)


class ReportInline(admin.TabularInline):
    """Reports are read here; they are settled by publishing or hiding the post, or one by one
    in the reports' list (``report_resolve``)."""

    model = PostReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "message", "reporter", "resolved"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reporter", "post")


class ActiveFilter(admin.SimpleListFilter):
    title = _("on the board")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Not expired")), ("no", _("Expired"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.active()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.active().values("pk"))
        return queryset


@admin.register(BulletinPost)
class BulletinPostAdmin(ThroughServicesMixin, DecisionAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/bulletin/bulletinpost/change_form.html"
    decisions = POST_DECISIONS
    decision_errors = (services.BulletinError,)
    service_errors = (services.BulletinError,)  # a save refused meanwhile: staff read why
    list_display = [
        "title",
        "group",
        "category",
        "status",
        "created_at",
        "expires_on",
        "open_reports",
    ]
    list_filter = ["status", "category", ActiveFilter]
    search_fields = ["title", "body", "group__name"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "author"]
    readonly_fields = ["status", "moderation_note", "created_at", "updated_at", "published_at"]
    inlines = [ReportInline]
    actions = ["publish", "hide"]

    def has_add_permission(self, request):
        # A post is written by its group (its quota, pre-moderation); staff decide on it.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_open_reports=Count("reports", filter=Q(reports__resolved=False)))
        )

    @admin.display(description=_("open reports"), ordering="n_open_reports")
    def open_reports(self, obj):
        return obj.n_open_reports

    def _decide(self, request, queryset, decision: str, done_message) -> None:
        done = 0
        for post in queryset.select_related("group"):
            try:
                services.post_decide(actor=request.user, post=post, decision=decision)
                done += 1
            except services.BulletinError as exc:
                messages.warning(request, f"{post}: {exc}")
        if done:
            messages.success(request, done_message % {"n": done})

    @admin.action(description=_("Publish the selected posts"))
    def publish(self, request, queryset):
        self._decide(request, queryset, "publish", gettext("%(n)d posts published."))

    @admin.action(description=_("Hide the selected posts (with a note for the group)"))
    def hide(self, request, queryset):
        # A note is required: the list asks for it on its own page.
        if "note" not in request.POST:
            return TemplateResponse(
                request,
                "admin/bulletin/bulletinpost/hide_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Hide the selected posts"),
                    "opts": self.model._meta,
                    "posts": queryset.select_related("group"),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        note = request.POST.get("note", "").strip()
        if not note:
            messages.error(request, gettext("Write a note for the group: nothing was hidden."))
            return None
        done = 0
        for post in queryset:
            try:
                services.post_decide(actor=request.user, post=post, decision="hide", note=note)
                done += 1
            except services.BulletinError as exc:
                messages.warning(request, f"{post}: {exc}")
        if done:
            messages.success(request, gettext("%(n)d posts hidden.") % {"n": done})
        return None

    def save_model(self, request, obj, form, change):
        services.post_update_by_staff(actor=request.user, post=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.post_delete(actor=request.user, post=obj)

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "post", "reason", "resolved"]
    list_filter = ["resolved", "reason"]
    list_select_related = ["post"]
    readonly_fields = ["post", "reason", "message", "reporter", "created_at"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read here; settled with the action (or by publishing or hiding the post).
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark as resolved"), permissions=["view"])
    def resolve(self, request, queryset):
        done = sum(services.report_resolve(actor=request.user, report=r) for r in queryset)
        self.message_user(
            request, gettext("%(n)d reports resolved.") % {"n": done}, messages.SUCCESS
        )


@admin.register(GroupQuota)
class GroupQuotaAdmin(DeleteEachMixin, admin.ModelAdmin):
    list_display = ["group", "yearly_limit", "note"]
    raw_id_fields = ["group"]
    search_fields = ["group__name"]

    def save_model(self, request, obj, form, change):
        services.quota_save(actor=request.user, quota=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.quota_delete(actor=request.user, quota=obj)


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(admin.ModelAdmin):
    """One row: the list page opens it directly."""

    def save_model(self, request, obj, form, change):
        services.board_settings_update(actor=request.user, board=obj, changed=form.changed_data)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = BulletinSettings.load()
        return redirect(reverse("admin:bulletin_bulletinsettings_change", args=[obj.pk]))

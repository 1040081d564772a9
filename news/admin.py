"""News posts, the broadcast programme and the opinion box in the admin: every save, delete and
change of an opinion's status through news.services (audited); reading a page writes nothing."""

from django.contrib import admin, messages
from django.db import models
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin_decisions import Decision, DecisionAdminMixin, in_status
from news import selectors, services
from news.models import AppearanceRequest, NewsPost, Opinion, ProgrammeEpisode


@admin.register(NewsPost)
class NewsPostAdmin(admin.ModelAdmin):
    list_display = ["title", "publish_at", "state", "important"]
    list_filter = ["important", "publish_at"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_at"
    fields = ["title", "slug", "body", "publish_at", "important"]

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("Published") if obj.is_published else _("Scheduled")

    def save_model(self, request, obj, form, change):
        services.news_post_save(actor=request.user, post=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.news_post_delete(actor=request.user, post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.news_post_delete(actor=request.user, post=post)

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(ProgrammeEpisode)
class ProgrammeEpisodeAdmin(admin.ModelAdmin):
    list_display = ["air_date", "title", "is_published", "video"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary"]
    date_hierarchy = "air_date"
    autocomplete_fields = ["featured_groups"]
    filter_horizontal = ["featured_projects"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.episode_save(actor=request.user, episode=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.episode_delete(actor=request.user, episode=obj)

    def delete_queryset(self, request, queryset):
        for episode in queryset:
            services.episode_delete(actor=request.user, episode=episode)

    @admin.display(description=_("video link"))
    def video(self, obj):
        if not obj.video_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', obj.video_url, _("open")
        )


def _opinion_to(status):
    return lambda actor, obj, reason: services.opinion_update(
        actor=actor, opinion=obj, status=status
    )


OPINION_DECISIONS = (
    Decision(
        key="read",
        label=_("Mark as read"),
        offered=lambda o: o.status == Opinion.Status.NEW,
        run=_opinion_to(Opinion.Status.READ),
        done=_("Marked as read."),
    ),
    Decision(
        key="answered",
        label=_("Mark as answered"),
        offered=lambda o: o.status in (Opinion.Status.NEW, Opinion.Status.READ),
        run=_opinion_to(Opinion.Status.ANSWERED),
        done=_("Marked as answered."),
    ),
    Decision(
        key="close",
        label=pgettext_lazy("opinion", "Close"),
        offered=lambda o: o.status != Opinion.Status.CLOSED,
        run=_opinion_to(Opinion.Status.CLOSED),
        done=_("Closed."),
    ),
)


@admin.register(Opinion)
class OpinionAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "addressed_to", "topic", "short_message", "wants_reply", "status"]
    list_filter = ["status", "addressed_to", "topic", "wants_reply"]
    search_fields = ["message", "name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "addressed_to",
        "topic",
        "message",
        "name",
        "email",
        "wants_reply",
        "user",
        "status",
    ]
    fields = [*readonly_fields, "staff_note"]
    actions = ["mark_read", "mark_answered"]
    change_form_template = "admin/news/opinion/change_form.html"
    decisions = OPINION_DECISIONS
    decision_errors = (services.OpinionError,)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("opinion"))
    def short_message(self, obj):
        return obj.message[:60]

    def save_model(self, request, obj, form, change):
        # Saving the page (a POST) counts as reading it; a GET of the page writes nothing.
        services.opinion_update(
            actor=request.user,
            opinion=obj,
            staff_note=obj.staff_note if "staff_note" in form.changed_data else None,
        )

    def has_delete_permission(self, request, obj=None):
        # What the office was told is kept; an opinion is closed, not deleted.
        return False

    def _set(self, request, queryset, status):
        done = 0
        for opinion in queryset:
            if opinion.status == status:
                continue
            try:
                services.opinion_update(actor=request.user, opinion=opinion, status=status)
                done += 1
            except services.OpinionError as exc:
                self.message_user(request, f"{opinion}: {exc}", messages.WARNING)
        self.message_user(request, gettext("%(n)d updated.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        self._set(request, queryset.filter(status=Opinion.Status.NEW), Opinion.Status.READ)

    @admin.action(description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        self._set(request, queryset, Opinion.Status.ANSWERED)


# --- Requests to appear on the programme (issue 18 part 5): staff schedule one on an episode
# not yet aired (chosen in the decision panel) or decline it with a reason the group reads.

APPEARANCE_DECISIONS = (
    Decision(
        key="schedule",
        label=_("Schedule on the episode"),
        offered=in_status(AppearanceRequest.Status.REQUESTED),
        # The panel's "reason" is the episode chosen from the upcoming ones (see the template).
        run=lambda actor, obj, reason: services.appearance_schedule(
            actor=actor, request=obj, episode=reason
        ),
        done=_("Scheduled: the group is told by e-mail."),
        reason="required",
        reason_label=_("Episode"),
        extra={"reason_template": "admin/news/appearancerequest/episode_choice.html"},
    ),
    Decision(
        key="decline",
        label=pgettext_lazy("appearance", "Decline"),
        offered=in_status(AppearanceRequest.Status.REQUESTED),
        run=lambda actor, obj, reason: services.appearance_decline(
            actor=actor, request=obj, reason=reason
        ),
        done=_("Declined: the group is told by e-mail."),
        reason="required",
        reason_label=_("Reason (the group reads it)"),
        danger=True,
    ),
)


@admin.register(AppearanceRequest)
class AppearanceRequestAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "group", "topic", "preferred", "status", "episode"]
    list_filter = ["status"]
    list_select_related = ["group", "episode"]
    search_fields = ["topic", "note", "group__name"]
    readonly_fields = [
        "group",
        "topic",
        "preferred",
        "note",
        "status",
        "episode",
        "decline_reason",
        "requested_by",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/news/appearancerequest/change_form.html"
    decisions = APPEARANCE_DECISIONS
    decision_errors = (services.AppearanceError,)

    def has_add_permission(self, request):
        return False  # a group asks from /programme/appear/

    def has_delete_permission(self, request, obj=None):
        return False  # what a group asked is kept; it is declined, not deleted

    def save_model(self, request, obj, form, change):
        """Nothing on the form is editable: a request changes only through the decisions."""

    @admin.display(description=_("preferred month"), ordering="preferred_month")
    def preferred(self, obj):
        return date_format(obj.preferred_month, "YEAR_MONTH_FORMAT")  # 「2027年1月」

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["upcoming_episodes"] = list(selectors.upcoming_episodes()[:20])
        return super().render_change_form(request, context, add, change, form_url, obj)

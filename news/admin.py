"""News posts, the broadcast programme and the opinion box in the admin: every save, delete and
change of an opinion's status through news.services (audited); reading a page writes nothing."""

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin_decisions import Decision, DecisionAdminMixin
from news import services
from news.models import NewsPost, Opinion, ProgrammeEpisode


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

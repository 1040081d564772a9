from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.audit import log_action
from news.home import invalidate_home
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
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        log_action(actor=request.user, action="news.save", target=obj)
        invalidate_home()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_home()

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

    @admin.display(description=_("video link"))
    def video(self, obj):
        if not obj.video_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', obj.video_url, _("open")
        )


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
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
    ]
    fields = [*readonly_fields, "status", "staff_note"]
    actions = ["mark_read", "mark_answered"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("opinion"))
    def short_message(self, obj):
        return obj.message[:60]

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        queryset.filter(status=Opinion.Status.NEW).update(status=Opinion.Status.READ)

    @admin.action(description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        queryset.update(status=Opinion.Status.ANSWERED)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if str(object_id).isdigit():
            Opinion.objects.filter(pk=object_id, status=Opinion.Status.NEW).update(
                status=Opinion.Status.READ
            )
        return super().change_view(request, object_id, form_url, extra_context)

"""The bulletin board in the admin: moderation, reports, quotas and the board's settings."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bulletin import services
from bulletin.models import BulletinPost, BulletinSettings, GroupQuota, PostReport
from core.registry import forget  # forget("home"): the home page shows our content


class ReportInline(admin.TabularInline):
    model = PostReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "message", "reporter", "resolved"]
    readonly_fields = ["created_at", "reason", "message", "reporter"]

    def has_add_permission(self, request, obj=None):
        return False


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
class BulletinPostAdmin(admin.ModelAdmin):
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
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [ReportInline]
    actions = ["publish", "hide"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_open_reports=Count("reports", filter=Q(reports__resolved=False)))
        )

    @admin.display(description=_("open reports"), ordering="n_open_reports")
    def open_reports(self, obj):
        return obj.n_open_reports

    @admin.action(description=_("Publish the selected posts"))
    def publish(self, request, queryset):
        done = 0
        for post in queryset.select_related("group"):
            try:
                services.post_publish(actor=request.user, post=post)
                done += 1
            except services.BulletinError as exc:
                messages.warning(request, f"{post}: {exc}")
        messages.success(request, gettext("%(n)d posts published.") % {"n": done})

    @admin.action(description=_("Hide the selected posts"))
    def hide(self, request, queryset):
        for post in queryset:
            services.post_hide(actor=request.user, post=post)
        messages.success(request, gettext("%(n)d posts hidden.") % {"n": queryset.count()})

    def save_model(self, request, obj, form, change):
        if obj.status == BulletinPost.Status.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)
        forget("home")

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

    @admin.action(description=_("Mark as resolved"))
    def resolve(self, request, queryset):
        queryset.update(resolved=True)


@admin.register(GroupQuota)
class GroupQuotaAdmin(admin.ModelAdmin):
    list_display = ["group", "yearly_limit", "note"]
    raw_id_fields = ["group"]
    search_fields = ["group__name"]


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(admin.ModelAdmin):
    """One row: the list page opens it directly."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = BulletinSettings.load()
        return redirect(reverse("admin:bulletin_bulletinsettings_change", args=[obj.pk]))

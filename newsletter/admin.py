"""The newsletter in the admin: issues (test send, send, progress, retry), the digest,
subscribers, deliveries and bounces."""

from __future__ import annotations

import datetime as dt

from csp.decorators import csp
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from core.registry import forget  # forget("home"): the home page shows our content
from newsletter import mail, selectors, services
from newsletter.forms import DigestForm, IssueAdminForm, SendForm
from newsletter.models import Bounce, Delivery, NewsletterIssue, SendRun, Subscriber


class SendRunInline(admin.TabularInline):
    model = SendRun
    extra = 0
    can_delete = False
    fields = ["created_at", "started_by", "audience", "recipients", "finished_at"]
    readonly_fields = fields
    verbose_name_plural = _("sends")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("audience"))
    def audience(self, obj):
        names = [f.label for f in obj.fields.all()]
        return "、".join(names) if names else gettext("all subscribers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("started_by").prefetch_related("fields")


def framed_mail(html: str) -> HttpResponse:
    """The HTML mail as its own page, shown only in the preview's sandboxed frame, under its
    own policy: it keeps its <style> (mail programs need inline styles, which the portal's
    policy forbids), runs nothing, loads only the portal's images, submits nothing, and only
    the admin may frame it."""
    policy = {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", settings.SITE_URL],
        "form-action": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'self'"],
        "sandbox": [""],
    }
    return csp(policy)(lambda: HttpResponse(html, content_type="text/html; charset=utf-8"))()


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    list_display = ["number", "title", "status", "published_on", "sent", "failed", "left"]
    list_display_links = ["number", "title"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_on"
    inlines = [SendRunInline]
    change_form_template = "admin/newsletter/newsletterissue/change_form.html"
    change_list_template = "admin/newsletter/newsletterissue/change_list.html"

    def get_queryset(self, request):
        return selectors.with_progress(super().get_queryset(request))

    @admin.display(description=pgettext_lazy("delivery progress", "sent"), ordering="n_sent")
    def sent(self, obj):
        return obj.n_sent

    @admin.display(description=_("failed"), ordering="n_failed")
    def failed(self, obj):
        return obj.n_failed

    @admin.display(description=_("left"), ordering="n_left")
    def left(self, obj):
        return obj.n_left

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        forget("home")

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("digest/", wrap(self.digest_view), name="newsletter_issue_digest"),
            path(
                "<int:pk>/test-send/",
                wrap(require_POST(self.test_send_view)),
                name="newsletter_issue_test_send",
            ),
            path(
                "<int:pk>/preview/",
                wrap(require_GET(self.preview_view)),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:pk>/preview/mail.html",
                wrap(require_GET(xframe_options_sameorigin(self.preview_html_view))),
                name="newsletter_issue_preview_html",
            ),
            path("<int:pk>/send/", wrap(self.send_view), name="newsletter_issue_send"),
            path(
                "<int:pk>/retry-failed/",
                wrap(require_POST(self.retry_view)),
                name="newsletter_issue_retry",
            ),
            path(
                "<int:pk>/resume-send/",
                wrap(require_POST(self.resume_view)),
                name="newsletter_issue_resume",
            ),
            *super().get_urls(),
        ]

    def _issue_for_change(self, request, pk) -> NewsletterIssue:
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def _change_url(self, issue) -> str:
        return reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if str(object_id).isdigit():
            issue = NewsletterIssue.objects.filter(pk=object_id).first()
            if issue is not None:
                extra_context["progress"] = selectors.progress(issue)
                extra_context["send_state"] = selectors.send_state(issue)
                extra_context["issue"] = issue
                extra_context["test_is_current"] = bool(
                    issue.test_sent_at and issue.test_sent_at >= issue.updated_at
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, pk):
        """The issue's mail before the test send: the HTML part in a sandboxed frame, the plain
        text below it, then the test-send button."""
        issue = self._issue_for_change(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Preview of %(issue)s") % {"issue": issue},
            "issue": issue,
            "preview": mail.issue_preview(issue, to=request.user.email),
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/preview.html", context)

    def preview_html_view(self, request, pk):
        """The HTML part alone, for the preview's frame (framed_mail)."""
        issue = self._issue_for_change(request, pk)
        return framed_mail(mail.issue_preview(issue, to=request.user.email).html)

    def test_send_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        try:
            services.issue_test_send(actor=request.user, issue=issue)
        except services.NewsletterError as exc:
            messages.error(request, str(exc))
        except OSError as exc:
            messages.error(request, gettext("The mail server did not accept the test: %s") % exc)
        else:
            messages.success(
                request,
                gettext("A test was sent to %(email)s. Check it, then send the issue.")
                % {"email": request.user.email},
            )
        return redirect(self._change_url(issue))

    def send_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        form = SendForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.issue_send(
                    actor=request.user,
                    issue=issue,
                    fields=list(form.cleaned_data["activity_fields"]),
                )
            except services.NewsletterError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    gettext(
                        "Sending to %(count)d subscribers in the background. "
                        "The progress shows on this page."
                    )
                    % {"count": run.recipients},
                )
                return redirect(self._change_url(issue))
        receiving = Subscriber.objects.receiving()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Send %(issue)s") % {"issue": issue},
            "issue": issue,
            "form": form,
            "progress": selectors.progress(issue),
            "send_state": selectors.send_state(issue),
            "receiving": receiving.count(),
            "not_yet": receiving.exclude(deliveries__issue=issue).count(),
            "test_is_current": bool(issue.test_sent_at and issue.test_sent_at >= issue.updated_at),
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/send.html", context)

    def retry_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        count = services.issue_failures_retry(actor=request.user, issue=issue)
        messages.success(
            request, gettext("%(count)d failed deliveries were queued again.") % {"count": count}
        )
        return redirect(self._change_url(issue))

    def resume_view(self, request, pk):
        issue = self._issue_for_change(request, pk)
        try:
            services.issue_send_resume(actor=request.user, issue=issue)
        except services.NewsletterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext(
                    "The stalled send was started again. Those who already have the issue "
                    "will not get it twice."
                ),
            )
        return redirect(self._change_url(issue))

    def digest_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last_next = (first_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        form = DigestForm(
            request.POST if request.method == "POST" else None,
            initial={"start": first_next, "end": last_next},
        )
        if request.method == "POST" and form.is_valid():
            try:
                issue = services.digest_create(
                    actor=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except services.NewsletterError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    gettext("Draft %(issue)s was made. Edit it, test it, then send it.")
                    % {"issue": issue},
                )
                return redirect(self._change_url(issue))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Make a digest issue"),
            "form": form,
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/digest.html", context)


class SubscriberStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("receiving", _("Receiving")),
            ("pending", _("Waiting for confirmation")),
            ("unsubscribed", _("Unsubscribed")),
            ("bounced", _("Suppressed after a bounce")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "receiving":
            return queryset.receiving()
        if value == "pending":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if value == "unsubscribed":
            return queryset.filter(unsubscribed_at__isnull=False)
        if value == "bounced":
            return queryset.filter(bounced_at__isnull=False)
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at", "bounced_at"]
    list_filter = [SubscriberStateFilter, "interests"]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
    ]
    fields = [*readonly_fields, "interests"]
    filter_horizontal = ["interests"]
    actions = ["unsubscribe", "lift_suppression"]

    def has_add_permission(self, request):
        return False  # people subscribe themselves (double opt-in)

    @admin.action(description=_("Unsubscribe the selected addresses"))
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(subscriber=subscriber, via="staff")

    @admin.action(description=_("Lift the bounce suppression (the address works again)"))
    def lift_suppression(self, request, queryset):
        queryset.update(bounced_at=None)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = ["received_at", "email", "provider", "event_type", "reject_reason", "hard"]
    list_filter = ["hard", "event_type", "provider"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

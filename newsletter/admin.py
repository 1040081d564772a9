"""The newsletter in the admin: issues (test send, send, progress, retry), the digest,
subscribers, deliveries and bounces; messages from the office (recipients, preview, test send,
send, progress, retry, resume, stop) and, on each group's page, the messages it received."""

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
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from core.admin_readonly import ReadOnlyAdmin
from core.admin_services import DeleteEachMixin
from groups.models import Group
from newsletter import mail, segments, selectors, services
from newsletter.forms import DigestForm, IssueAdminForm, OfficeMessageForm, SendForm
from newsletter.models import (
    Bounce,
    Delivery,
    NewsletterIssue,
    OfficeMessage,
    OfficeMessageDelivery,
    OfficeMessageGroup,
    SendRun,
    Subscriber,
)


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


class MailOutAdminMixin:
    """What the issue and message admins share: the URLs of a mail-out (test send, preview and
    its framed HTML, send, retry failed, resume a stalled send) and the views that only call
    a service and say how it went. Each admin names its services and its sentences."""

    url_prefix = ""  # admin:newsletter_<prefix>_<action>
    target_keyword = ""  # the services' keyword for the mail-out: issue= / message=
    test_sent_text = ""
    resumed_text = ""

    def get_queryset(self, request):  # the list's sent / failed / left columns
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

    def _mail_out_urls(self, *extra):
        wrap = self.admin_site.admin_view
        name = f"newsletter_{self.url_prefix}"
        return [
            *extra,
            path(
                "<int:pk>/test-send/",
                wrap(require_POST(self.test_send_view)),
                name=f"{name}_test_send",
            ),
            path("<int:pk>/preview/", wrap(require_GET(self.preview_view)), name=f"{name}_preview"),
            path(
                "<int:pk>/preview/mail.html",
                wrap(require_GET(xframe_options_sameorigin(self.preview_html_view))),
                name=f"{name}_preview_html",
            ),
            path("<int:pk>/send/", wrap(self.send_view), name=f"{name}_send"),
            path(
                "<int:pk>/retry-failed/", wrap(require_POST(self.retry_view)), name=f"{name}_retry"
            ),
            path(
                "<int:pk>/resume-send/",
                wrap(require_POST(self.resume_view)),
                name=f"{name}_resume",
            ),
            *super().get_urls(),
        ]

    def _call(self, service, request, target):
        return service(actor=request.user, **{self.target_keyword: target})

    @staticmethod
    def _attempt(request, call, done):
        """Runs ``call()`` (a service) for a view: staff read its refusal (NewsletterError) and
        get None, or read ``done(result)`` and get the result (the services whose result a
        view needs return an object)."""
        try:
            result = call()
        except services.NewsletterError as exc:
            messages.error(request, str(exc))
            return None
        messages.success(request, done(result))
        return result

    def test_send_view(self, request, pk):
        target = self._target(request, pk)
        try:
            self._attempt(
                request,
                lambda: self._call(self.test_send_service, request, target),
                lambda _: gettext(self.test_sent_text) % {"email": request.user.email},
            )
        except OSError as exc:
            messages.error(request, gettext("The mail server did not accept the test: %s") % exc)
        return redirect(self._change_url(target))

    def retry_view(self, request, pk):
        target = self._target(request, pk)
        count = self._call(self.retry_service, request, target)
        messages.success(
            request, gettext("%(count)d failed deliveries were queued again.") % {"count": count}
        )
        return redirect(self._change_url(target))

    def resume_view(self, request, pk):
        target = self._target(request, pk)
        self._attempt(
            request,
            lambda: self._call(self.resume_service, request, target),
            lambda _: gettext(self.resumed_text),
        )
        return redirect(self._change_url(target))


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(DeleteEachMixin, MailOutAdminMixin, admin.ModelAdmin):
    form = IssueAdminForm
    list_display = ["number", "title", "status", "published_on", "sent", "failed", "left"]
    list_display_links = ["number", "title"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_on"
    inlines = [SendRunInline]
    change_form_template = "admin/newsletter/newsletterissue/change_form.html"
    change_list_template = "admin/newsletter/newsletterissue/change_list.html"
    url_prefix = "issue"
    target_keyword = "issue"
    test_send_service = staticmethod(services.issue_test_send)
    retry_service = staticmethod(services.issue_failures_retry)
    resume_service = staticmethod(services.issue_send_resume)
    test_sent_text = gettext_noop("A test was sent to %(email)s. Check it, then send the issue.")
    resumed_text = gettext_noop(
        "The stalled send was started again. Those who already have the issue will not get it "
        "twice."
    )

    def save_model(self, request, obj, form, change):
        """Through the service (audited, only when something changed), never a bare save."""
        services.issue_save(actor=request.user, issue=obj, changed=form.changed_data)

    def deletable(self, obj) -> bool:
        # A published or sent issue is part of the record (who received what, the page readers
        # found): only a draft that never went out may be deleted. The bulk delete has already
        # refused if such an issue is among them (and the service refuses it too).
        return services.issue_is_deletable(obj)

    def delete_model(self, request, obj):
        services.issue_delete(actor=request.user, issue=obj)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_urls(self):
        digest = self.admin_site.admin_view(self.digest_view)
        return self._mail_out_urls(path("digest/", digest, name="newsletter_issue_digest"))

    def _target(self, request, pk) -> NewsletterIssue:
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
        issue = self._target(request, pk)
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
        issue = self._target(request, pk)
        return framed_mail(mail.issue_preview(issue, to=request.user.email).html)

    def send_view(self, request, pk):
        issue = self._target(request, pk)
        form = SendForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            run = self._attempt(
                request,
                lambda: services.issue_send(
                    actor=request.user,
                    issue=issue,
                    fields=list(form.cleaned_data["activity_fields"]),
                ),
                lambda run: (
                    gettext(
                        "Sending to %(count)d subscribers in the background. "
                        "The progress shows on this page."
                    )
                    % {"count": run.recipients}
                ),
            )
            if run is not None:
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
            issue = self._attempt(
                request,
                lambda: services.digest_create(
                    actor=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                ),
                lambda issue: (
                    gettext("Draft %(issue)s was made. Edit it, test it, then send it.")
                    % {"issue": issue}
                ),
            )
            if issue is not None:
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
class SubscriberAdmin(DeleteEachMixin, admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        pass  # nothing of the row itself is edited here: the interests are (save_related)

    def save_related(self, request, form, formsets, change):
        """The interests through the service (audited, only when they changed)."""
        if "interests" in form.changed_data:
            services.subscriber_interests_change(
                actor=request.user,
                subscriber=form.instance,
                interests=list(form.cleaned_data["interests"]),
            )

    def delete_model(self, request, obj):
        """Erasing an address at its owner's request (its deliveries go with it)."""
        services.subscriber_delete(actor=request.user, subscriber=obj)

    @admin.action(description=_("Unsubscribe the selected addresses"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(subscriber=subscriber, via="staff")

    @admin.action(
        description=_("Lift the bounce suppression (the address works again)"),
        permissions=["change"],
    )
    def lift_suppression(self, request, queryset):
        # The office's messages read the bounces themselves (Bounce.objects.suppressing): the
        # service lifts those too, with an audit row per address.
        n = sum(services.bounce_lift(actor=request.user, subscriber=s) for s in queryset)
        message = ngettext(
            "%(n)d address receives mail again.", "%(n)d addresses receive mail again.", n
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)


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

    def has_delete_permission(self, request, obj=None):
        # History: who was sent which issue and how it went. Deleting a row would also make
        # "resume the send" mail that subscriber the issue a second time.
        return False


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "email",
        "provider",
        "event_type",
        "reject_reason",
        "hard",
        "lifted_at",
    ]
    list_filter = ["hard", "event_type", "provider"]
    search_fields = ["email"]
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The provider's report is the evidence why an address gets no mail: it stays. To send
        # to the address again, lift the suppression (the action below, audited).
        return False

    def has_lift_permission(self, request):
        return request.user.has_perm("newsletter.change_subscriber")

    @admin.action(
        description=_("Lift the bounce suppression (the address works again)"),
        permissions=["lift"],
    )
    def lift(self, request, queryset):
        n = 0
        emails = sorted({e.lower() for e in queryset.values_list("email", flat=True)})
        for email in emails:
            subscriber = Subscriber.objects.filter(email=email).first()
            if subscriber is not None:
                n += services.bounce_lift(actor=request.user, subscriber=subscriber)
            else:
                n += bool(services.bounce_lift_address(actor=request.user, email=email))
        message = ngettext(
            "%(n)d address receives mail again.", "%(n)d addresses receive mail again.", n
        )
        self.message_user(request, message % {"n": n}, messages.SUCCESS)


# --- Messages from the office (お知らせメール) ------------------------------------------------


class OfficeMessageDeliveryInline(admin.TabularInline):
    """Who the sent message reached and how it went (the history)."""

    model = OfficeMessageDelivery
    extra = 0
    can_delete = False
    fields = ["email", "name", "reason", "status", "sent_at", "error"]
    readonly_fields = fields
    verbose_name_plural = _("recipients and outcomes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OfficeMessage)
class OfficeMessageAdmin(DeleteEachMixin, MailOutAdminMixin, admin.ModelAdmin):
    form = OfficeMessageForm
    url_prefix = "message"
    target_keyword = "message"
    test_send_service = staticmethod(services.office_message_test_send)
    retry_service = staticmethod(services.office_message_failures_retry)
    resume_service = staticmethod(services.office_message_send_resume)
    test_sent_text = gettext_noop("A test was sent to %(email)s. Check it, then send the message.")
    resumed_text = gettext_noop(
        "The stalled send was started again. Those who already have the message will not get "
        "it twice."
    )
    list_display = ["subject", "status", "sent_at", "recipient_count", "sent", "failed", "left"]
    list_filter = ["status"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    change_form_template = "admin/newsletter/officemessage/change_form.html"
    readonly_fields = [
        "status",
        "sent_at",
        "sent_by",
        "recipient_count",
        "segment_in_words",
        "attachment_name",
        "created_by",
    ]

    @admin.display(description=_("recipients when sent"))
    def segment_in_words(self, obj):
        snapshot = obj.segment_at_send or {}
        lines = snapshot.get("description") or segments.describe(obj.segment)
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines)) or "—"

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return [
                (_("The message"), {"fields": ["subject", "body", "attachment_name"]}),
                (
                    _("Sending"),
                    {
                        "fields": [
                            "status",
                            "segment_in_words",
                            "recipient_count",
                            "sent_at",
                            "sent_by",
                            "created_by",
                        ]
                    },
                ),
            ]
        # The attachment's name and the box to remove it only when there is one to remove.
        has_attachment = obj is not None and bool(obj.attachment)
        return [
            (
                _("The message"),
                {
                    "fields": [
                        "subject",
                        "body",
                        *(["attachment_name"] if has_attachment else []),
                        "attachment",
                        *(["remove_attachment"] if has_attachment else []),
                    ]
                },
            ),
            (
                _("Recipients (each part adds people; nobody gets two mails)"),
                {"fields": [*OfficeMessageForm.SEGMENT_FIELDS, "copy_to_office"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return [*self.readonly_fields, "subject", "body"]
        return ["attachment_name"]

    def get_inlines(self, request, obj):
        return [OfficeMessageDeliveryInline] if obj is not None and not obj.is_draft else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False  # history: read it, never change it
        return super().has_change_permission(request, obj)

    def deletable(self, obj) -> bool:
        return obj.is_draft  # the bulk delete has already refused if a sent one is among them

    def save_model(self, request, obj, form, change):
        """Through the services (audited), never a bare save."""
        common = {
            "subject": form.cleaned_data["subject"],
            "body": form.cleaned_data["body"],
            "segment": form.segment(),
            "copy_to_office": form.cleaned_data.get("copy_to_office", False),
        }
        attachment = form.attachment_change()
        if change:
            message = services.office_message_update(
                actor=request.user,
                message=obj,
                attachment=attachment,
                attachment_name=form.attachment_name,
                **common,
            )
        else:
            message = services.office_message_create(
                actor=request.user,
                attachment=attachment or None,
                attachment_name=form.attachment_name,
                **common,
            )
        obj.pk = message.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited here (the groups reached are written by the send)

    def delete_model(self, request, obj):
        services.office_message_delete(actor=request.user, message=obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return self._mail_out_urls(
            path(
                "<int:pk>/recipients/",
                wrap(require_GET(self.recipients_view)),
                name="newsletter_message_recipients",
            ),
            path(
                "<int:pk>/stop/", wrap(require_POST(self.stop_view)), name="newsletter_message_stop"
            ),
        )

    # -- helpers

    def _target(self, request, pk, *, change: bool = False) -> OfficeMessage:
        message = get_object_or_404(OfficeMessage, pk=pk)
        allowed = (
            self.has_change_permission(request, message if message.is_draft else None)
            if change
            else self.has_view_or_change_permission(request, message)
        )
        if not allowed:
            raise PermissionDenied
        return message

    def _change_url(self, message) -> str:
        return reverse("admin:newsletter_officemessage_change", args=[message.pk])

    def _context(self, request, message, title, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "message": message,
            **extra,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if str(object_id).isdigit():
            message = OfficeMessage.objects.filter(pk=object_id).first()
            if message is not None:
                extra_context["message"] = message
                if not message.is_draft:
                    extra_context["progress"] = selectors.message_progress(message)
                    extra_context["send_state"] = selectors.message_send_state(message)
        return super().change_view(request, object_id, form_url, extra_context)

    # -- views

    def recipients_view(self, request, pk):
        """Before sending: who the segment holds now (count and list, with each reason line).
        After: who it was sent to, with each outcome."""
        message = self._target(request, pk)
        if message.is_draft:
            resolved = selectors.message_recipients(message)
            context = self._context(
                request,
                message,
                gettext("Recipients of “%(subject)s”") % {"subject": message.subject},
                recipients=resolved.recipients,
                description=segments.describe(message.segment, fiscal_year=resolved.fiscal_year),
                suppressed=resolved.suppressed,
                count=len(resolved.recipients),
            )
        else:
            deliveries = list(selectors.message_deliveries(message))
            context = self._context(
                request,
                message,
                gettext("Recipients of “%(subject)s”") % {"subject": message.subject},
                deliveries=deliveries,
                description=(message.segment_at_send or {}).get("description", []),
                count=len(deliveries),
                progress=selectors.message_progress(message),
            )
        return TemplateResponse(request, "admin/newsletter/officemessage/recipients.html", context)

    def _preview(self, request, message):
        resolved = selectors.message_recipients(message) if message.is_draft else None
        if resolved is not None and resolved.recipients:
            first = resolved.recipients[0]
            return mail.office_message_preview(message, to=first.email, reason=first.reason())
        delivery = selectors.message_deliveries(message).first()
        if delivery is not None:
            return mail.office_message_preview(message, to=delivery.email, reason=delivery.reason)
        return mail.office_message_preview(message, to=request.user.email)

    def preview_view(self, request, pk):
        message = self._target(request, pk)
        context = self._context(
            request,
            message,
            gettext("Preview of “%(subject)s”") % {"subject": message.subject},
            preview=self._preview(request, message),
        )
        return TemplateResponse(request, "admin/newsletter/officemessage/preview.html", context)

    def preview_html_view(self, request, pk):
        message = self._target(request, pk)
        return framed_mail(self._preview(request, message).html)

    def send_view(self, request, pk):
        message = self._target(request, pk, change=request.method == "POST")
        if request.method == "POST":
            sent = self._attempt(
                request,
                lambda: services.office_message_send(actor=request.user, message=message),
                lambda sent: (
                    gettext(
                        "Sending to %(count)d addresses in the background. "
                        "The progress shows on this page."
                    )
                    % {"count": sent.recipient_count}
                ),
            )
            if sent is not None:
                return redirect(self._change_url(sent))
        resolved = selectors.message_recipients(message) if message.is_draft else None
        context = self._context(
            request,
            message,
            gettext("Send “%(subject)s”") % {"subject": message.subject},
            count=len(resolved.recipients) if resolved else message.recipient_count,
            description=(
                segments.describe(message.segment, fiscal_year=resolved.fiscal_year)
                if resolved
                else (message.segment_at_send or {}).get("description", [])
            ),
            office_copy=message.copy_to_office,
        )
        return TemplateResponse(request, "admin/newsletter/officemessage/send.html", context)

    def stop_view(self, request, pk):
        message = self._target(request, pk)
        count = services.office_message_stop(actor=request.user, message=message)
        messages.success(
            request,
            gettext("The send was stopped: %(count)d mails will not go out.") % {"count": count},
        )
        return redirect(self._change_url(message))


@admin.register(OfficeMessageDelivery)
class OfficeMessageDeliveryAdmin(ReadOnlyAdmin):
    """Every address a message went to, with its outcome (history: read-only)."""

    list_display = ["office_message", "email", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["email", "office_message__subject"]
    list_select_related = ["office_message"]


# --- The group's admin page lists the office's messages it received ------------------------


class GroupOfficeMessagesInline(admin.TabularInline):
    """On a group's admin page: the office's messages that reached its representatives or
    members (read-only). Added to the groups app's admin below: groups sits below the
    newsletter and may not import it (the layers in pyproject.toml)."""

    model = OfficeMessageGroup
    fk_name = "group"
    extra = 0
    can_delete = False
    fields = ["message_link", "sent_at", "recipients"]
    readonly_fields = fields
    verbose_name = _("message from the office")
    verbose_name_plural = _("messages from the office received")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Left out of a POST: a read-only list that asks nothing of the group's own form (whose
        # POST carries no data for it).
        if request.method != "GET":
            return False
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("message")
            .order_by("-message__sent_at", "-pk")
        )

    @admin.display(description=_("subject"))
    def message_link(self, obj):
        url = reverse("admin:newsletter_officemessage_change", args=[obj.message_id])
        return format_html('<a href="{}">{}</a>', url, obj.message.subject)

    @admin.display(description=_("sent"))
    def sent_at(self, obj):
        # A read-only inline prints a method's value as text: in UTC, unless formatted here.
        sent = obj.message.sent_at
        return date_format(timezone.localtime(sent), "DATETIME_FORMAT") if sent else "—"

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return obj.message.recipient_count


def add_group_messages_inline(site=admin.site) -> None:
    """Show the messages a group received on its admin page (once)."""
    group_admin = site.get_model_admin(Group)
    if GroupOfficeMessagesInline not in group_admin.inlines:
        group_admin.inlines = [*group_admin.inlines, GroupOfficeMessagesInline]


add_group_messages_inline()

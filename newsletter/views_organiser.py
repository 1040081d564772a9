"""An event's organisers (and the office) write to the event's registrants (issue 15 part 2).

The page belongs to the event (``events.permissions.event_for_manager``: the office staff, or
the members of the registered group that organises it) and sends through the office's message
sender: ``services.office_message_create(event=…)`` accepts only that event's registrants as
recipients, every message is copied to the office, and the office sees it (with who wrote it)
among the messages in the admin, where it can stop it. A cancelled event's registrants can be
told (the segment reaches the people whose places the cancellation cancelled).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.markdown import render_markdown
from core.ratelimit import limit_hit, rate_limited
from events.models import Event
from events.permissions import event_for_manager
from newsletter import mail, selectors, services
from newsletter.models import OfficeMessage

STATUS_CHOICES = [
    ("confirmed", gettext_lazy("Confirmed registrants")),
    ("waitlisted", gettext_lazy("People on the waiting list")),
    ("attended", gettext_lazy("People who attended")),
    ("absent", gettext_lazy("Confirmed registrants not marked as attended")),
]
SENDS_PER_DAY = "10/d"


class EventMessageForm(forms.Form):
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Who receives it"),
        choices=STATUS_CHOICES,
        initial=["confirmed"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose who receives the message.")},
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=150,
        error_messages={"required": gettext_lazy("Write a subject.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Plain text, or Markdown: **bold**, lists, [link text](https://…). Every mail adds "
            "one line saying why the person receives it and how to reach the office."
        ),
        error_messages={"required": gettext_lazy("Write the message.")},
    )


def _draft(event: Event, data: dict) -> OfficeMessage:
    """The message as it would go out (not saved): for the preview and the recipients."""
    return OfficeMessage(
        subject=data["subject"].strip(),
        body=data["body"],
        event=event,
        copy_to_office=True,
        segment=selectors.event_registrants_segment(event=event, statuses=data["statuses"]),
    )


def _history(event: Event) -> list[OfficeMessage]:
    """The event's messages, newest first, with their delivery counts (one query)."""
    return list(
        selectors.with_progress(
            OfficeMessage.objects.filter(event=event).exclude(status=OfficeMessage.Status.DRAFT)
        )
        .select_related("sent_by")
        .order_by("-sent_at", "-pk")
    )


def _create_and_send(actor, event: Event, draft: OfficeMessage) -> OfficeMessage:
    message = services.office_message_create(
        actor=actor,
        subject=draft.subject,
        body=draft.body,
        segment=draft.segment,
        event=event,
        copy_to_office=True,
    )
    # The page's preview stands for the test to oneself that the admin asks of staff.
    return services.office_message_send(actor=actor, message=message, require_test=False)


@require_http_methods(["GET", "POST"])
def event_message(request, slug):
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    form = EventMessageForm(request.POST or None)
    context = {"event": event, "form": form}
    if request.method == "POST" and form.is_valid():
        draft = _draft(event, form.cleaned_data)
        recipients = selectors.message_recipients(draft).recipients
        if "send" in request.POST:
            if limit_hit(request, scope="newsletter:event_message", rate=SENDS_PER_DAY, key="user"):
                return rate_limited(request)
            try:
                with transaction.atomic():  # a refused send leaves no draft behind
                    _create_and_send(request.user, event, draft)
            except services.NewsletterError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The message is on its way to %(n)d people, with a copy to the office.")
                    % {"n": len(recipients)},
                )
                return redirect("newsletter:event_message", slug=event.slug)
        else:
            first_reason = recipients[0].reason() if recipients else ""
            context["preview"] = mail.office_message_preview(
                draft, to=request.user.email, reason=first_reason
            )
            context["recipients"] = recipients
            context["body_html"] = render_markdown(draft.body)
            if not recipients:
                form.add_error(
                    None, _("Nobody is in the chosen recipients: the message cannot be sent.")
                )
    context["history"] = _history(event)
    return render(request, "newsletter/event_message.html", context)

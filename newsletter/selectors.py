"""Named reads of the newsletter."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from core.fiscal import FiscalYear, FiscalYearOf
from core.tasks import stalled_jobs
from newsletter import segments
from newsletter.models import (
    Bounce,
    Delivery,
    NewsletterIssue,
    OfficeMessage,
    OfficeMessageDelivery,
    OfficeMessageGroup,
    Subscriber,
)
from newsletter.sending import LEFT
from newsletter.tasks import issue_lock, message_lock


def public_issues():
    return NewsletterIssue.objects.published().order_by("-published_on", "-number")


def issue_years() -> list[int]:
    """Fiscal years that have public issues, newest first."""
    return list(
        public_issues()
        .annotate(fy=FiscalYearOf("published_on"))
        .values_list("fy", flat=True)
        .order_by("-fy")
        .distinct()
    )


def issues_of_year(year: FiscalYear):
    return public_issues().filter(published_on__gte=year.first_day, published_on__lte=year.last_day)


def with_progress(queryset):
    """Issues (or office messages) annotated with their delivery counts: sent, failed,
    skipped and left."""
    return queryset.annotate(
        n_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        n_failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        n_skipped=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SKIPPED)),
        n_left=Count("deliveries", filter=Q(deliveries__status__in=LEFT)),
    )


def _progress_of(rows) -> dict:
    counts = dict(
        rows.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "sent": counts.get(Delivery.Status.SENT, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
        "left": sum(counts.get(s, 0) for s in LEFT),
        "total": sum(counts.values()),
    }


def progress(issue) -> dict:
    return _progress_of(Delivery.objects.filter(issue=issue))


def send_state(issue) -> dict:
    """Whether the issue's background send is stalled (its worker died while it held the
    issue), with the time of the last progress, for the admin's "resume" offer."""
    return _send_state(issue_lock(issue.pk), Delivery.objects.filter(issue=issue))


def _send_state(lock: str, rows) -> dict:
    stalled = stalled_jobs(lock=lock)
    last = rows.aggregate(sent=Max("sent_at"), claimed=Max("claimed_at"))
    moments = [moment for moment in last.values() if moment is not None]
    return {
        "stalled": bool(stalled),
        "job_ids": [job.id for job in stalled],
        "last_progress": max(moments) if moments else None,
    }


# --- Messages from the office ------------------------------------------------------------------


def suppressed_addresses(emails) -> set[str]:
    """Those of ``emails`` that a hard bounce suppresses (not lifted by staff since)."""
    return Bounce.objects.suppressing(emails)


def message_recipients(message: OfficeMessage) -> segments.Resolved:
    """Who the message would reach if it were sent now (one per address, bounces left out)."""
    return segments.resolve(message.segment, suppressed_of=suppressed_addresses)


def event_registrants_segment(*, event, statuses=("confirmed",)) -> dict:
    """The segment "this event's registrants in these states" (confirmed, waitlisted,
    attended, absent), for ``services.office_message_create(event=event, segment=…)``."""
    return segments.event_registrants(event=event, statuses=statuses)


def message_progress(message: OfficeMessage) -> dict:
    return _progress_of(OfficeMessageDelivery.objects.filter(office_message=message))


def message_send_state(message: OfficeMessage) -> dict:
    return _send_state(
        message_lock(message.pk), OfficeMessageDelivery.objects.filter(office_message=message)
    )


def message_deliveries(message: OfficeMessage):
    return OfficeMessageDelivery.objects.filter(office_message=message).order_by("email")


def messages_received_by_group(group):
    """The office's messages that reached the group's representatives or members, newest
    first (one query)."""
    return (
        OfficeMessageGroup.objects.filter(group=group)
        .select_related("message")
        .order_by("-message__sent_at", "-pk")
    )


def admin_waiting_counts() -> dict[str, int]:
    """Addresses suppressed after a bounce (one query), for the admin home: each waits for
    staff to correct it with the subscriber or to lift the suppression."""
    return {"bounced": Subscriber.objects.filter(bounced_at__isnull=False).count()}

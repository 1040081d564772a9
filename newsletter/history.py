"""Newsletter issues sent in the past, recorded in bulk (the demo's back issues, or the office's
earlier mailing list): what ``issue_test_send``, ``issue_send`` and the sending worker did, at
the moment they did it, with the rules they check for the data: staff send, the issue is
published by then, and it goes only to the subscribers who were receiving at that moment
(confirmed before, not unsubscribed, not suppressed after a bounce) and had not had it yet."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_actions_bulk
from newsletter.models import Delivery, NewsletterIssue, SendRun, Subscriber
from newsletter.services import NewsletterError


def receiving_at(moment: dt.datetime):
    """Subscribers who were receiving the newsletter at ``moment``."""
    return (
        Subscriber.objects.filter(confirmed_at__lte=moment)
        .exclude(unsubscribed_at__lte=moment)
        .exclude(bounced_at__lte=moment)
    )


@transaction.atomic
def issue_send_record(
    *,
    actor,
    issue: NewsletterIssue,
    sent_at: dt.datetime,
    failed: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> SendRun:
    """Record that staff (``actor``) tested the issue an hour before ``sent_at`` and sent it
    at ``sent_at`` to every subscriber then receiving it; ``failed`` maps the addresses the
    mail server refused to its answer (those deliveries are failed, the others sent). Returns
    the send. Raises ``NewsletterError`` (``PermissionDenied`` for non-staff) and writes
    nothing when the product could not have sent it."""
    if not is_office_staff(actor):
        raise PermissionDenied
    now = now or timezone.now()
    failed = failed or {}
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if (
        sent_at > now
        or issue.status != NewsletterIssue.Status.PUBLISHED
        or issue.published_on > timezone.localdate(sent_at)
    ):
        raise NewsletterError(
            _("Publish the issue first (status “published”, publication date today or earlier).")
        )
    recipients = list(
        receiving_at(sent_at).exclude(deliveries__issue=issue).values_list("pk", "email")
    )
    tested = sent_at - dt.timedelta(hours=1)
    run = SendRun.objects.create(
        issue=issue, started_by=actor, recipients=len(recipients), finished_at=sent_at
    )
    SendRun.objects.filter(pk=run.pk).update(created_at=sent_at)
    Delivery.objects.bulk_create(
        [
            Delivery(
                issue=issue,
                subscriber_id=pk,
                run=run,
                status=Delivery.Status.FAILED if email in failed else Delivery.Status.SENT,
                attempts=1,
                claimed_at=sent_at,
                sent_at=None if email in failed else sent_at,
                error=failed.get(email, "")[:500],
            )
            for pk, email in recipients
        ],
        batch_size=2000,
    )
    if issue.test_sent_at is None or issue.test_sent_at > tested:
        NewsletterIssue.objects.filter(pk=issue.pk).update(test_sent_at=tested)
    log_actions_bulk(
        [
            (tested, actor, "newsletter.issue_test_send", issue, {"to": actor.email}),
            (sent_at, actor, "newsletter.issue_send", issue,
             {"recipients": len(recipients), "fields": []}),
        ]
    )  # fmt: skip
    return run

"""Sending an issue to its recipients in batches, so that a crash never sends anyone twice.

``deliver_issue`` is what the background task runs (see newsletter/tasks.py); tests call it
directly. How it stays exactly-once-or-less per recipient:

1. ``issue_send`` (services.py) writes one ``Delivery`` row per recipient up front; the row is
   unique per issue and subscriber, so no second row (and no second mail) can ever exist.
2. One run works an issue at a time: it holds a PostgreSQL session advisory lock on the issue,
   which the server frees by itself when a worker dies with its connection.
3. A run claims a batch with ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``
   (``pending`` → ``claimed``), and moves each row to ``sending`` just before handing the mail
   to the server and to ``sent`` / ``failed`` right after, each step committed.
4. A run that starts while rows are still ``claimed`` or ``sending`` knows their worker is gone
   (it holds the lock): ``claimed`` rows were never tried and go back to ``pending``;
   ``sending`` rows may or may not have left, so they become ``failed`` rather than risk a
   duplicate. Staff may retry failed rows deliberately in the admin.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from newsletter.mail import build_issue_message
from newsletter.models import Delivery, NewsletterIssue, SendRun

logger = logging.getLogger(__name__)

ADVISORY_NAMESPACE = 74_613  # first key of pg_advisory_lock(int, int): "newsletter issue"
DEFAULT_BATCH_SIZE = 50
INTERRUPTED = "interrupted while sending; not sent again to avoid a duplicate"

# Refusals that concern one recipient: record and go on with the next one.
RECIPIENT_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
    ValueError,
)


class IssueBusy(Exception):
    """Another live run is sending this issue."""


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0


def _try_lock(issue_id: int) -> bool:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, issue_id])
        return bool(cursor.fetchone()[0])


def _unlock(issue_id: int) -> None:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, issue_id])


def recover_orphans(issue_id: int) -> int:
    """Rows left behind by a dead run (call only while holding the issue's lock)."""
    Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.PENDING, claimed_at=None
    )
    return Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.FAILED, error=INTERRUPTED
    )


def claim_batch(issue_id: int, size: int) -> list[Delivery]:
    """Move up to ``size`` waiting rows to ``claimed`` and return them with their subscribers."""
    table = Delivery._meta.db_table
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET status = %s, claimed_at = now(), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM {table}
                WHERE issue_id = %s AND status = %s
                ORDER BY id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            [Delivery.Status.CLAIMED, issue_id, Delivery.Status.PENDING, size],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))


def _move(delivery: Delivery, *, from_status: str, **changes) -> bool:
    return bool(Delivery.objects.filter(pk=delivery.pk, status=from_status).update(**changes))


def _left(issue_id: int) -> bool:
    return Delivery.objects.filter(
        issue_id=issue_id,
        status__in=[Delivery.Status.PENDING, Delivery.Status.CLAIMED, Delivery.Status.SENDING],
    ).exists()


def deliver_issue(*, issue_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> RunResult:
    """Send every waiting delivery of the issue; safe to run again after any interruption."""
    if not _try_lock(issue_id):
        raise IssueBusy(issue_id)
    result = RunResult()
    try:
        result.recovered = recover_orphans(issue_id)
        issue = NewsletterIssue.objects.get(pk=issue_id)
        mail = get_connection()
        mail.open()  # a mail server that does not answer fails the job before any row moves
        try:
            while batch := claim_batch(issue_id, batch_size):
                for delivery in batch:
                    _deliver_one(issue, delivery, mail, result)
        finally:
            mail.close()
        if not _left(issue_id):
            SendRun.objects.filter(issue_id=issue_id, finished_at__isnull=True).update(
                finished_at=timezone.now()
            )
    finally:
        _unlock(issue_id)
    logger.info(
        "newsletter issue %s: %s sent, %s failed, %s skipped",
        issue_id,
        result.sent,
        result.failed,
        result.skipped,
    )
    return result


def _deliver_one(issue, delivery: Delivery, mail, result: RunResult) -> None:
    subscriber = delivery.subscriber
    if not subscriber.is_receiving:  # unsubscribed or bounced since the send was planned
        _move(delivery, from_status=Delivery.Status.CLAIMED, status=Delivery.Status.SKIPPED)
        result.skipped += 1
        return
    message = build_issue_message(issue, to=subscriber.email, subscriber=subscriber)
    message.connection = mail
    if not _move(delivery, from_status=Delivery.Status.CLAIMED, status=Delivery.Status.SENDING):
        return
    try:
        message.send()
    except RECIPIENT_ERRORS as exc:
        _move(
            delivery,
            from_status=Delivery.Status.SENDING,
            status=Delivery.Status.FAILED,
            error=str(exc)[:500],
        )
        result.failed += 1
        return
    except (smtplib.SMTPException, OSError):
        # The connection broke: this mail's fate is unknown (recorded as failed); the other
        # rows of the batch go back to waiting and the job is retried later.
        _move(
            delivery,
            from_status=Delivery.Status.SENDING,
            status=Delivery.Status.FAILED,
            error="connection to the mail server lost",
        )
        Delivery.objects.filter(issue_id=issue.pk, status=Delivery.Status.CLAIMED).update(
            status=Delivery.Status.PENDING, claimed_at=None
        )
        raise
    _move(
        delivery,
        from_status=Delivery.Status.SENDING,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers.get("Message-ID", "")[:255],
        error="",
    )
    result.sent += 1

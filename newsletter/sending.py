"""The batched, resumable sender of the office's outgoing mail: newsletter issues and messages
from the office, each a mail-out (an *outbox*) with one delivery row per recipient.

``deliver(outbox, parent_id)`` is what the background tasks run (see newsletter/tasks.py);
``deliver_issue`` and ``deliver_message`` name the two outboxes; tests call them directly. How a
mail-out stays exactly-once-or-less per recipient:

1. The service that sends (``issue_send``, ``office_message_send``) writes one delivery row per
   recipient up front; the row is unique per mail-out and recipient, so no second row (and no
   second mail) can ever exist.
2. One run works a mail-out at a time: it holds a PostgreSQL session advisory lock on it (the
   outbox's namespace, the parent's id), which the server frees by itself when a worker dies
   with its connection.
3. A run claims a batch with ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``
   (``pending`` → ``claimed``), and moves each row to ``sending`` just before handing the mail
   to the server and to ``sent`` / ``failed`` right after, each step committed.
4. A run that starts while rows are still ``claimed`` or ``sending`` knows their worker is gone
   (it holds the lock): ``claimed`` rows were never tried and go back to ``pending``;
   ``sending`` rows may or may not have left, so they become ``failed`` rather than risk a
   duplicate. Staff may retry failed rows deliberately in the admin.
5. A row whose address stopped receiving before its turn (unsubscribed, bounced) is
   ``skipped``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import models, transaction
from django.utils import timezone

from newsletter.mail import build_issue_message, build_office_message
from newsletter.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    NewsletterIssue,
    OfficeMessage,
    OfficeMessageDelivery,
    SendRun,
)

logger = logging.getLogger(__name__)

ADVISORY_NAMESPACE = 74_613  # first key of pg_advisory_lock(int, int): "newsletter issue"
MESSAGE_NAMESPACE = 74_614  # "office message"
DEFAULT_BATCH_SIZE = 50
INTERRUPTED = "interrupted while sending; not sent again to avoid a duplicate"
LEFT = [DeliveryStatus.PENDING, DeliveryStatus.CLAIMED, DeliveryStatus.SENDING]

# Refusals that concern one recipient: record and go on with the next one.
RECIPIENT_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
    ValueError,
)


class Busy(Exception):
    """Another live run is sending this mail-out."""


IssueBusy = Busy  # the newsletter's name for it


@dataclass(frozen=True)
class Outbox:
    """One kind of mail-out: its delivery table, its lock and how one mail is built.

    ``build(parent, delivery)`` returns the message for the row, or None when the address
    stopped receiving since the send was planned (the row is then skipped).
    """

    name: str
    namespace: int
    model: type[models.Model]
    parent_field: str  # the delivery's foreign key to the mail-out, e.g. "issue"
    parent_model: type[models.Model]
    related: tuple[str, ...]
    build: Callable[[Any, Any], Any]
    finished: Callable[[int], None]

    @property
    def parent_column(self) -> str:
        return f"{self.parent_field}_id"

    def rows(self, parent_id: int):
        return self.model.objects.filter(**{self.parent_column: parent_id})


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0


def _try_lock(outbox: Outbox, parent_id: int) -> bool:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [outbox.namespace, parent_id])
        return bool(cursor.fetchone()[0])


def _unlock(outbox: Outbox, parent_id: int) -> None:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [outbox.namespace, parent_id])


def recover_orphans(outbox: Outbox, parent_id: int) -> int:
    """Rows left behind by a dead run (call only while holding the mail-out's lock)."""
    outbox.rows(parent_id).filter(status=DeliveryStatus.CLAIMED).update(
        status=DeliveryStatus.PENDING, claimed_at=None
    )
    return (
        outbox.rows(parent_id)
        .filter(status=DeliveryStatus.SENDING)
        .update(status=DeliveryStatus.FAILED, error=INTERRUPTED)
    )


def claim_batch(outbox: Outbox, parent_id: int, size: int) -> list:
    """Move up to ``size`` waiting rows to ``claimed`` and return them."""
    table = outbox.model._meta.db_table
    column = outbox.parent_column
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET status = %s, claimed_at = now(), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM {table}
                WHERE {column} = %s AND status = %s
                ORDER BY id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            [DeliveryStatus.CLAIMED, parent_id, DeliveryStatus.PENDING, size],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return list(
        outbox.model.objects.filter(pk__in=ids).select_related(*outbox.related).order_by("pk")
    )


def _move(outbox: Outbox, delivery, *, from_status: str, **changes) -> bool:
    return bool(outbox.model.objects.filter(pk=delivery.pk, status=from_status).update(**changes))


def has_left(outbox: Outbox, parent_id: int) -> bool:
    return outbox.rows(parent_id).filter(status__in=LEFT).exists()


def deliver(outbox: Outbox, parent_id: int, *, batch_size: int = DEFAULT_BATCH_SIZE) -> RunResult:
    """Send every waiting delivery of the mail-out; safe to run again after any interruption."""
    if not _try_lock(outbox, parent_id):
        raise Busy(parent_id)
    result = RunResult()
    try:
        result.recovered = recover_orphans(outbox, parent_id)
        parent = outbox.parent_model.objects.get(pk=parent_id)
        mail = get_connection()
        mail.open()  # a mail server that does not answer fails the job before any row moves
        try:
            while batch := claim_batch(outbox, parent_id, batch_size):
                for delivery in batch:
                    _deliver_one(outbox, parent, delivery, mail, result)
        finally:
            mail.close()
        if not has_left(outbox, parent_id):
            outbox.finished(parent_id)
    finally:
        _unlock(outbox, parent_id)
    logger.info(
        "%s %s: %s sent, %s failed, %s skipped",
        outbox.name,
        parent_id,
        result.sent,
        result.failed,
        result.skipped,
    )
    return result


def _deliver_one(outbox: Outbox, parent, delivery, mail, result: RunResult) -> None:
    message = outbox.build(parent, delivery)
    if message is None:  # stopped receiving since the send was planned
        _move(outbox, delivery, from_status=DeliveryStatus.CLAIMED, status=DeliveryStatus.SKIPPED)
        result.skipped += 1
        return
    message.connection = mail
    if not _move(
        outbox, delivery, from_status=DeliveryStatus.CLAIMED, status=DeliveryStatus.SENDING
    ):
        return  # stopped by staff meanwhile
    try:
        message.send()
    except RECIPIENT_ERRORS as exc:
        _move(
            outbox,
            delivery,
            from_status=DeliveryStatus.SENDING,
            status=DeliveryStatus.FAILED,
            error=str(exc)[:500],
        )
        result.failed += 1
        return
    except (smtplib.SMTPException, OSError):
        # The connection broke: this mail's fate is unknown (recorded as failed); the other
        # rows of the batch go back to waiting and the job is retried later.
        _move(
            outbox,
            delivery,
            from_status=DeliveryStatus.SENDING,
            status=DeliveryStatus.FAILED,
            error="connection to the mail server lost",
        )
        outbox.rows(parent.pk).filter(status=DeliveryStatus.CLAIMED).update(
            status=DeliveryStatus.PENDING, claimed_at=None
        )
        raise
    _move(
        outbox,
        delivery,
        from_status=DeliveryStatus.SENDING,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers.get("Message-ID", "")[:255],
        error="",
    )
    result.sent += 1


# --- The two outboxes ------------------------------------------------------------------------


def _build_issue(issue, delivery):
    subscriber = delivery.subscriber
    if not subscriber.is_receiving:  # unsubscribed or bounced since the send was planned
        return None
    return build_issue_message(issue, to=subscriber.email, subscriber=subscriber)


def _issue_finished(issue_id: int) -> None:
    SendRun.objects.filter(issue_id=issue_id, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )


ISSUES = Outbox(
    name="newsletter issue",
    namespace=ADVISORY_NAMESPACE,
    model=Delivery,
    parent_field="issue",
    parent_model=NewsletterIssue,
    related=("subscriber",),
    build=_build_issue,
    finished=_issue_finished,
)


def _build_office_message(message, delivery):
    if Bounce.objects.suppressing([delivery.email]):  # a hard bounce since the send was planned
        return None
    return build_office_message(message, delivery=delivery)


def _message_finished(message_id: int) -> None:
    OfficeMessage.objects.filter(pk=message_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), status=OfficeMessage.Status.SENT
    )


MESSAGES = Outbox(
    name="office message",
    namespace=MESSAGE_NAMESPACE,
    model=OfficeMessageDelivery,
    parent_field="office_message",
    parent_model=OfficeMessage,
    related=(),
    build=_build_office_message,
    finished=_message_finished,
)


def deliver_issue(*, issue_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> RunResult:
    """Send every waiting delivery of the newsletter issue."""
    return deliver(ISSUES, issue_id, batch_size=batch_size)


def deliver_message(*, message_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> RunResult:
    """Send every waiting delivery of the office message."""
    return deliver(MESSAGES, message_id, batch_size=batch_size)

"""What changes the newsletter: subscriptions, test sends, sends, bounces and digests; and the
office's messages (お知らせメール): create, edit, test, send, retry, resume, stop."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bulletin import selectors as bulletin_selectors
from core import dates
from core.audit import log_action
from core.registry import forget
from core.tasks import RETRIED, revive_job, stalled_jobs
from events import selectors as event_selectors
from newsletter import mail, segments, tokens
from newsletter.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    NewsletterIssue,
    OfficeMessage,
    OfficeMessageDelivery,
    OfficeMessageGroup,
    SendRun,
    Subscriber,
)
from newsletter.tasks import defer_message_send, defer_send, issue_lock, message_lock
from pages.models import OfficeDetails

# A second confirmation mail to the same address waits this long (mail bombing guard).
RESEND_CONFIRMATION_AFTER = dt.timedelta(minutes=10)


class NewsletterError(Exception):
    """A user-facing reason why a newsletter action cannot be done."""


# --- Subscriptions ------------------------------------------------------------------------


def subscriber_subscribe(*, email: str, interests=(), now: dt.datetime | None = None) -> Subscriber:
    """Ask ``email`` to confirm a subscription (double opt-in).

    The answer to the visitor is the same whatever the address's state, so the form reveals
    nothing about who subscribes: a new or lapsed address gets a confirmation link; a waiting
    one gets it again (at most every few minutes); a subscribed one gets a notice with its
    preferences link instead (its interests are not changed by an anonymous form).
    """
    email = email.strip().lower()
    at = now  # a moment replayed from the past (the demo seeder), else the real time
    now = now or timezone.now()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if created and at is not None:  # created_at is stamped on insert
            subscriber.created_at = at
            subscriber.save(update_fields=["created_at"])
        if subscriber.is_receiving:
            transaction.on_commit(lambda: mail.send_already_subscribed(subscriber))
            return subscriber
        if not created and subscriber.confirmed_at:
            # Unsubscribed or suppressed earlier: a new round with new links.
            subscriber.token_version += 1
            subscriber.confirmed_at = None
        recent = subscriber.confirmation_sent_at and (
            now - subscriber.confirmation_sent_at < RESEND_CONFIRMATION_AFTER
        )
        subscriber.interests.set(interests)
        if recent and not created:
            subscriber.save(update_fields=["token_version", "confirmed_at"])
            return subscriber
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["token_version", "confirmed_at", "confirmation_sent_at"])
        transaction.on_commit(lambda: mail.send_confirmation(subscriber))
    return subscriber


def subscriber_confirm(*, token: str, now: dt.datetime | None = None) -> tuple[Subscriber, bool]:
    """Confirm from a signed link; returns (subscriber, already_confirmed).

    Raises tokens.TokenError for a tampered, expired or superseded link (one from before an
    unsubscription, say).
    """
    pk, version = tokens.read_confirm_token(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
        if subscriber is None or subscriber.token_version != version:
            raise tokens.TokenError("used")
        if subscriber.is_receiving:
            return subscriber, True
        subscriber.confirmed_at = now or timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.bounced_at = None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at", "bounced_at"])
        log_action(actor=None, action="newsletter.subscriber_subscribe", target=subscriber, at=now)
    return subscriber, False


def subscriber_from_manage_token(token: str) -> Subscriber:
    pk = tokens.read_manage_token(token)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        raise tokens.TokenError("bad")
    return subscriber


def subscriber_unsubscribe(
    *, subscriber: Subscriber, via: str = "link", now: dt.datetime | None = None
) -> bool:
    """Stop sending to the subscriber; False when they were not receiving anyway."""
    at = now
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.unsubscribed_at or not subscriber.confirmed_at:
            if not subscriber.confirmed_at and not subscriber.unsubscribed_at:
                # Never confirmed: the pending confirmation link stops working too.
                subscriber.unsubscribed_at = now
                subscriber.token_version += 1
                subscriber.save(update_fields=["unsubscribed_at", "token_version"])
            return False
        subscriber.unsubscribed_at = now
        subscriber.token_version += 1  # an old confirmation link must not resubscribe
        subscriber.save(update_fields=["unsubscribed_at", "token_version"])
        log_action(
            actor=None,
            action="newsletter.subscriber_unsubscribe",
            target=subscriber,
            via=via,
            at=at,
        )
    return True


def subscriber_interests_update(*, subscriber: Subscriber, interests) -> None:
    with transaction.atomic():  # the old interests go and the new come in one step
        subscriber.interests.set(interests)


# --- Sending ------------------------------------------------------------------------------


def issue_test_send(*, actor, issue: NewsletterIssue) -> None:
    """Send the issue to the staff member alone, as subscribers will see it."""
    if not getattr(actor, "email", ""):
        raise NewsletterError(_("Your account has no e-mail address to send the test to."))
    # Sent at once, not on commit: a test that did not go out must not count as done.
    mail.build_issue_message(issue, to=actor.email, test=True).send()
    with transaction.atomic():
        issue.test_sent_at = timezone.now()
        issue.save(update_fields=["test_sent_at"])
        log_action(actor=actor, action="newsletter.issue_test_send", target=issue, to=actor.email)


def _check_sendable(issue: NewsletterIssue) -> None:
    if not issue.is_public:
        raise NewsletterError(
            _("Publish the issue first (status “published”, publication date today or earlier).")
        )
    if not issue.test_sent_at or issue.test_sent_at < issue.updated_at:
        raise NewsletterError(_("Send a test to yourself first (after the last change)."))


def issue_send(*, actor, issue: NewsletterIssue, fields=()) -> SendRun:
    """Plan the delivery of the issue to every receiving subscriber (or those interested in
    ``fields``) who has not had it yet, and queue the background job that sends it."""
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
        _check_sendable(issue)
        run = SendRun.objects.create(issue=issue, started_by=actor)
        run.fields.set(fields)
        recipients = (
            Subscriber.objects.receiving()
            .interested_in(list(fields))
            .exclude(deliveries__issue=issue)
            .values_list("pk", flat=True)
        )
        created = Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk, run=run) for pk in recipients],
            batch_size=1000,
            ignore_conflicts=True,
        )
        run.recipients = len(created)
        run.save(update_fields=["recipients"])
        log_action(
            actor=actor,
            action="newsletter.issue_send",
            target=issue,
            recipients=run.recipients,
            fields=[f.slug for f in fields],
        )
        _start_after_commit(defer_send, issue.pk, keep_job_on=SendRun.objects.filter(pk=run.pk))
    return run


def _start_after_commit(defer, pk: int, *, keep_job_on) -> None:
    """Once the send's rows are committed, start its job (``defer(pk)``) and note the job's id
    on ``keep_job_on`` (the send run, or the message), where staff can trace it."""

    def start():
        job_id = defer(pk)
        if job_id:
            keep_job_on.update(job_id=job_id)

    transaction.on_commit(start)


def issue_failures_retry(*, actor, issue: NewsletterIssue) -> int:
    """Put failed deliveries of receiving subscribers back in the queue (staff decide: a
    delivery interrupted mid-send may have arrived already)."""
    with transaction.atomic():
        count = Delivery.objects.filter(
            issue=issue,
            status=Delivery.Status.FAILED,
            subscriber__in=Subscriber.objects.receiving(),
        ).update(status=Delivery.Status.PENDING, error="", claimed_at=None)
        log_action(actor=actor, action="newsletter.issue_failures_retry", target=issue, count=count)
        if count:
            transaction.on_commit(lambda: defer_send(issue.pk))
    return count


def issue_send_resume(*, actor, issue: NewsletterIssue) -> int:
    """Run again the issue's send whose worker died (it holds the issue's lock for ever).

    The job starts over where the deliveries stand: rows never tried go out, the one that was
    being handed to the mail server is marked failed (staff may retry it). Returns the job id.
    """
    return _send_resume(
        actor=actor, target=issue, lock=issue_lock(issue.pk), action="newsletter.issue_send_resume"
    )


def _send_resume(*, actor, target, lock: str, action: str) -> int:
    """Revive a mail-out's stalled job (under the row lock of the issue or message)."""
    with transaction.atomic():
        target = type(target).objects.select_for_update().get(pk=target.pk)
        stalled = stalled_jobs(lock=lock)
        if not stalled:
            raise NewsletterError(_("The send is not stalled: there is nothing to resume."))
        revivals = [revive_job(job) for job in stalled]
        log_action(
            actor=actor,
            action=action,
            target=target,
            jobs={str(r.job_id): r.outcome for r in revivals},
        )
    retried = [r.job_id for r in revivals if r.outcome == RETRIED]
    return retried[0] if retried else revivals[0].job_id


# --- Bounces (django-anymail tracking webhook) --------------------------------------------

SUPPRESS_REASONS = {"bounced", "invalid", "blocked", None, ""}
SOFT_TYPES = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}


def _is_soft(esp_event) -> bool:
    if isinstance(esp_event, dict):
        if esp_event.get("Type") in SOFT_TYPES:  # Postmark
            return True
        if esp_event.get("severity") == "temporary":  # Mailgun
            return True
    return False


def bounce_record(
    *,
    provider: str,
    event_type: str,
    email: str,
    reject_reason: str | None = None,
    description: str = "",
    event_id: str = "",
    occurred_at=None,
    esp_event=None,
    now: dt.datetime | None = None,
) -> Bounce | None:
    """Record a bounce or complaint, and stop mailing the address when it is permanent.

    Hard bounces and rejections for a bad address suppress the subscriber (``bounced_at``);
    a spam complaint or a provider-level unsubscription unsubscribes them; soft bounces are
    only recorded. A webhook delivered twice (same event id) is recorded once.
    """
    if event_type not in {"bounced", "rejected", "complained", "unsubscribed"} or not email:
        return None
    email = email.strip().lower()
    hard = event_type == "bounced" and not _is_soft(esp_event)
    if event_type == "rejected":
        hard = reject_reason in SUPPRESS_REASONS
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            bounce = Bounce.objects.create(
                email=email,
                subscriber=subscriber,
                provider=provider[:40],
                event_type=event_type,
                reject_reason=reject_reason or "",
                hard=hard,
                description=(description or "")[:2000],
                event_id=(event_id or "")[:200],
                occurred_at=occurred_at,
            )
            if subscriber is not None:
                if hard and not subscriber.bounced_at:
                    subscriber.bounced_at = now or timezone.now()
                    subscriber.save(update_fields=["bounced_at"])
                    log_action(
                        actor=None,
                        action="newsletter.subscriber_suppress",
                        target=subscriber,
                        at=now,
                    )
                elif event_type in {"complained", "unsubscribed"}:
                    subscriber_unsubscribe(subscriber=subscriber, via=event_type)
    except IntegrityError:
        return None  # the same event delivered again
    return bounce


# --- Digest -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md_escape(text: str) -> str:
    """Text that Markdown prints as-is (titles written by groups)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def digest_create(*, actor, start: dt.date, end: dt.date) -> NewsletterIssue:
    """A draft issue listing the published bulletin posts on the board during [start, end]
    and the published events that start in it; staff edit it, test it and send it."""
    if end < start:
        raise NewsletterError(_("The end of the period is before its start."))
    posts = bulletin_selectors.posts_for_digest(start, end)
    events = event_selectors.events_between(start, end)
    # 「2026年12月1日～2026年12月31日」: a period's weekdays add nothing; each event's does.
    period = _("%(start)s – %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }
    lines = [
        _("News from the bulletin board and upcoming events for %(period)s.") % {"period": period},
        "",
        "## " + _("Upcoming events"),
        "",
    ]
    if events:
        for event in events:
            url = mail.absolute(event.get_absolute_url())
            lines.append(f"- {dates.short_day(event.start)} [{_md_escape(event.title)}]({url})")
    else:
        lines.append(_("No events in this period."))
    lines += ["", "## " + _("From the bulletin board"), ""]
    if posts:
        for post in posts:
            lines.append(
                f"- **{_md_escape(post.get_category_display())}** "
                f"[{_md_escape(post.title)}]({mail.absolute(post.get_absolute_url())}) "
                f"({_md_escape(post.group.name)})"
            )
    else:
        lines.append(_("No bulletin posts in this period."))
    with transaction.atomic():
        number = (NewsletterIssue.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        issue = NewsletterIssue.objects.create(
            number=number,
            title=_("Digest %(period)s") % {"period": period},
            summary=_("Bulletin board and events, %(period)s") % {"period": period},
            body="\n".join(lines) + "\n",
            status=NewsletterIssue.Status.DRAFT,
            created_by=actor,
        )
        log_action(
            actor=actor,
            action="newsletter.digest_create",
            target=issue,
            posts=len(posts),
            events=len(events),
        )
    return issue


# --- Messages from the office (お知らせメール) ------------------------------------------------

MESSAGE_FIELDS = ("subject", "body", "segment", "event", "copy_to_office")


def _clean_segment(segment) -> dict:
    try:
        return segments.normalise(segment)
    except segments.SegmentError as exc:
        raise NewsletterError(_("The recipients could not be read: %s") % exc) from exc


def _set_attachment(message: OfficeMessage, attachment, attachment_name: str) -> None:
    """``attachment``: a cleaned file (core.uploads.clean_document), False to remove it,
    None to keep what is there."""
    if attachment is False:
        if message.attachment:
            message.attachment.delete(save=False)
        message.attachment = ""
        message.attachment_name = ""
    elif attachment is not None:
        if message.attachment:
            message.attachment.delete(save=False)
        message.attachment.save(attachment.name, attachment, save=False)
        name = (attachment_name or "attachment.pdf").rsplit("/", 1)[-1][:150]
        message.attachment_name = name if name.lower().endswith(".pdf") else f"{name}.pdf"


def office_message_create(
    *,
    actor,
    subject: str,
    body: str,
    segment: dict,
    event=None,
    copy_to_office: bool = False,
    attachment=None,
    attachment_name: str = "",
) -> OfficeMessage:
    """A draft message from the office to ``segment`` (see newsletter/segments.py).

    A message to one event's registrants, copied to the office, is one call::

        office_message_create(actor=…, subject=…, body=…, event=event, copy_to_office=True,
                              segment=selectors.event_registrants_segment(event=event))

    With ``event`` set the segment must be that event's registrants and nobody else (an
    organiser writes to their own event's people only).
    """
    segment = _clean_segment(segment)
    if event is not None and (segments.has_group_part(segment) or segment["events"] != [event.pk]):
        # A message about one event (an organiser's) reaches that event's registrants only.
        raise NewsletterError(_("A message about an event goes to its registrants only."))
    with transaction.atomic():
        message = OfficeMessage(
            subject=subject.strip(),
            body=body,
            segment=segment,
            event=event,
            copy_to_office=copy_to_office,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _set_attachment(message, attachment, attachment_name)
        message.save()
        log_action(
            actor=actor,
            action="newsletter.office_message_create",
            target=message,
            segment=segments.describe(segment),
            definition=segment,
        )
    return message


def office_message_update(
    *, actor, message: OfficeMessage, attachment=None, attachment_name: str = "", **changes
) -> OfficeMessage:
    """Change a draft (a message being sent or sent is history: it does not change)."""
    unknown = set(changes) - set(MESSAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "segment" in changes:
        changes["segment"] = _clean_segment(changes["segment"])
    with transaction.atomic():
        message = OfficeMessage.objects.select_for_update().get(pk=message.pk)
        if not message.is_draft:
            raise NewsletterError(_("This message was sent: it can no longer be changed."))
        for name, value in changes.items():
            setattr(message, name, value)
        _set_attachment(message, attachment, attachment_name)
        message.save()
        log_action(
            actor=actor,
            action="newsletter.office_message_update",
            target=message,
            fields=sorted(changes) + (["attachment"] if attachment is not None else []),
        )
    return message


def office_message_test_send(*, actor, message: OfficeMessage) -> None:
    """Send the message to the staff member alone, as its first recipient will see it."""
    if not getattr(actor, "email", ""):
        raise NewsletterError(_("Your account has no e-mail address to send the test to."))
    resolved = segments.resolve(message.segment, suppressed_of=Bounce.objects.suppressing)
    reason = resolved.recipients[0].reason() if resolved.recipients else ""
    # Sent at once, not on commit: a test that did not go out must not count as done.
    mail.build_office_message(message, to=actor.email, reason=reason, test=True).send()
    with transaction.atomic():
        OfficeMessage.objects.filter(pk=message.pk).update(test_sent_at=timezone.now())
        message.refresh_from_db(fields=["test_sent_at", "updated_at"])
        log_action(
            actor=actor,
            action="newsletter.office_message_test_send",
            target=message,
            to=actor.email,
        )


def _office_copy(message: OfficeMessage) -> OfficeMessageDelivery:
    office = OfficeDetails.load()
    return OfficeMessageDelivery(
        office_message=message,
        email=(office.email or settings.OFFICE_EMAIL).strip().lower(),
        name=office.name,
        reason=_("This is the office's copy of the message."),
    )


def office_message_send(
    *, actor, message: OfficeMessage, require_test: bool = True
) -> OfficeMessage:
    """Send the draft to its segment as it stands now, by the background sender.

    The segment is resolved at this moment (a group that registered or withdrew since the
    preview counts as it is now) and kept with the message: its definition in words, and one
    delivery row per address (with the reason line each reader sees). An empty segment is
    refused. Returns the message, now ``sending``.
    """
    with transaction.atomic():
        message = OfficeMessage.objects.select_for_update().get(pk=message.pk)
        if not message.is_draft:
            raise NewsletterError(_("This message was already sent."))
        if not message.subject.strip() or not message.body.strip():
            raise NewsletterError(_("Write a subject and a message first."))
        if require_test and not message.test_is_current:
            raise NewsletterError(_("Send a test to yourself first (after the last change)."))
        resolved = segments.resolve(message.segment, suppressed_of=Bounce.objects.suppressing)
        if not resolved.recipients:
            raise NewsletterError(
                _("Nobody is in the chosen recipients: the message cannot be sent.")
            )
        rows = [
            OfficeMessageDelivery(
                office_message=message,
                email=r.email,
                user_id=r.user_id,
                name=r.name[:150],
                reason=r.reason()[:500],
            )
            for r in resolved.recipients
        ]
        if message.copy_to_office:
            copy = _office_copy(message)
            if copy.email not in {r.email for r in rows}:
                rows.append(copy)
        OfficeMessageDelivery.objects.bulk_create(rows, batch_size=1000)
        OfficeMessageGroup.objects.bulk_create(
            [OfficeMessageGroup(message=message, group_id=gid) for gid in resolved.group_ids],
            batch_size=1000,
        )
        now = timezone.now()
        message.status = OfficeMessage.Status.SENDING
        message.sent_by = actor if getattr(actor, "is_authenticated", False) else None
        message.sent_at = now
        message.segment_at_send = resolved.snapshot()
        message.recipient_count = len(rows)
        # update_fields without updated_at: sending is not an edit of the text.
        OfficeMessage.objects.filter(pk=message.pk).update(
            status=message.status,
            sent_by=message.sent_by,
            sent_at=now,
            segment_at_send=message.segment_at_send,
            recipient_count=message.recipient_count,
        )
        log_action(
            actor=actor,
            action="newsletter.office_message_send",
            target=message,
            recipients=len(rows),
            groups=len(resolved.group_ids),
            suppressed=len(resolved.suppressed),
            description=message.segment_at_send["description"],
        )
        _start_after_commit(
            defer_message_send,
            message.pk,
            keep_job_on=OfficeMessage.objects.filter(pk=message.pk),
        )
    return message


def office_message_failures_retry(*, actor, message: OfficeMessage) -> int:
    """Put the message's failed deliveries back in the queue (staff decide: a delivery
    interrupted mid-send may have arrived already). Suppressed addresses stay failed."""
    with transaction.atomic():
        failed = OfficeMessageDelivery.objects.filter(
            office_message=message, status=DeliveryStatus.FAILED
        )
        suppressed = Bounce.objects.suppressing(failed.values_list("email", flat=True))
        count = failed.exclude(email__in=suppressed).update(
            status=DeliveryStatus.PENDING, error="", claimed_at=None
        )
        if count:
            OfficeMessage.objects.filter(pk=message.pk).update(
                status=OfficeMessage.Status.SENDING, finished_at=None
            )
        log_action(
            actor=actor,
            action="newsletter.office_message_failures_retry",
            target=message,
            count=count,
        )
        if count:
            transaction.on_commit(lambda: defer_message_send(message.pk))
    return count


def office_message_send_resume(*, actor, message: OfficeMessage) -> int:
    """Run again the message's send whose worker died (see issue_send_resume)."""
    return _send_resume(
        actor=actor,
        target=message,
        lock=message_lock(message.pk),
        action="newsletter.office_message_send_resume",
    )


def office_message_stop(*, actor, message: OfficeMessage) -> int:
    """Stop a message being sent: the deliveries not yet handed to the mail server are
    skipped (those already sent stay sent). Returns how many were stopped."""
    with transaction.atomic():
        message = OfficeMessage.objects.select_for_update().get(pk=message.pk)
        count = OfficeMessageDelivery.objects.filter(
            office_message=message, status__in=[DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]
        ).update(status=DeliveryStatus.SKIPPED, error="stopped by the office")
        if message.status == OfficeMessage.Status.SENDING and not (
            OfficeMessageDelivery.objects.filter(
                office_message=message, status=DeliveryStatus.SENDING
            ).exists()
        ):
            OfficeMessage.objects.filter(pk=message.pk).update(
                status=OfficeMessage.Status.SENT, finished_at=timezone.now()
            )
        log_action(
            actor=actor, action="newsletter.office_message_stop", target=message, count=count
        )
    return count


# --- What staff change in the admin (issue #14 part 3): each change audited ----------------


def issue_save(*, actor, issue: NewsletterIssue, changed: list[str]) -> NewsletterIssue:
    """Write a new issue or edit one (a published issue's web page may be corrected); an edit
    that changes nothing writes nothing."""
    created = issue.pk is None
    if not created and not changed:
        return issue
    with transaction.atomic():
        if created and getattr(actor, "is_authenticated", False):
            issue.created_by = actor
        issue.save()
        log_action(
            actor=actor,
            action="newsletter.issue_create" if created else "newsletter.issue_update",
            target=issue,
            fields=sorted(changed),
        )
    forget("home")
    return issue


def issue_is_deletable(issue: NewsletterIssue) -> bool:
    """Only a draft that never went out may be deleted: a published or sent issue is part of
    the record (who received what, the page readers found)."""
    return (
        issue.status == NewsletterIssue.Status.DRAFT
        and not issue.runs.exists()
        and not Delivery.objects.filter(issue=issue).exists()
    )


def issue_delete(*, actor, issue: NewsletterIssue) -> None:
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
        if not issue_is_deletable(issue):
            raise NewsletterError(
                _("A published or sent issue cannot be deleted: it is part of the record.")
            )
        log_action(
            actor=actor,
            action="newsletter.issue_delete",
            target=issue,
            number=issue.number,
            title=issue.title,
        )
        issue.delete()
    forget("home")


def subscriber_interests_change(*, actor, subscriber: Subscriber, interests) -> bool:
    """Staff change what a subscriber wants to hear about (at their request); False when the
    interests stay as they were."""
    new = {field.pk for field in interests}
    with transaction.atomic():
        old = set(subscriber.interests.values_list("pk", flat=True))
        if new == old:
            return False
        subscriber.interests.set(interests)
        log_action(
            actor=actor,
            action="newsletter.subscriber_interests_change",
            target=subscriber,
            fields=["interests"],
        )
    return True


def subscriber_delete(*, actor, subscriber: Subscriber) -> None:
    """Erase a subscriber at their request (個人情報の削除): the address and its deliveries go;
    the audit row keeps who erased which subscriber number, not the address."""
    with transaction.atomic():
        log_action(
            actor=actor,
            action="newsletter.subscriber_delete",
            target=None,
            subscriber=subscriber.pk,
        )
        subscriber.delete()


def bounce_lift(*, actor, subscriber: Subscriber, now: dt.datetime | None = None) -> bool:
    """Lift a bounce suppression (the subscriber says the address works again): the newsletter
    and the office's messages go to it again. False when it was not suppressed."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        bounces = Bounce.objects.filter(email__iexact=subscriber.email, lifted_at__isnull=True)
        lifted = bounces.update(lifted_at=now)
        if subscriber.bounced_at is None and not lifted:
            return False
        was = subscriber.bounced_at
        if was is not None:
            subscriber.bounced_at = None
            subscriber.save(update_fields=["bounced_at"])
        log_action(
            actor=actor,
            action="newsletter.bounce_lift",
            target=subscriber,
            count=lifted,
            suppressed_since=was.isoformat() if was else None,
        )
    return True


def bounce_lift_address(*, actor, email: str, now: dt.datetime | None = None) -> int:
    """Lift the suppression of an address that is no subscriber (an office message's bounce);
    the number of bounces lifted."""
    now = now or timezone.now()
    with transaction.atomic():
        lifted = Bounce.objects.filter(email__iexact=email, lifted_at__isnull=True).update(
            lifted_at=now
        )
        if lifted:
            log_action(actor=actor, action="newsletter.bounce_lift", email=email, count=lifted)
    return lifted


def office_message_delete(*, actor, message: OfficeMessage) -> None:
    """Delete a draft message (one that never went out) with its attachment; a sent message is
    the record of who was told what, and stays."""
    with transaction.atomic():
        message = OfficeMessage.objects.select_for_update().get(pk=message.pk)
        if not message.is_draft:
            raise NewsletterError(_("A message that was sent cannot be deleted."))
        log_action(
            actor=actor,
            action="newsletter.office_message_delete",
            target=message,
            subject=message.subject,
        )
        attachment = message.attachment
        message.delete()
        if attachment:
            name, storage = attachment.name, attachment.storage
            transaction.on_commit(lambda: storage.delete(name))

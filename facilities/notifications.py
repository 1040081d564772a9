"""E-mails about bookings: to the person who booked and to the group's representatives.

Sent after the transaction commits, in the portal's language (Japanese), as plain text. The
booking mails of a request go through ``send_later``: with ``FACILITIES_MAIL_IN_BACKGROUND`` a
background job (``facilities.tasks``) queued inside the writer's transaction, so rendering,
the .ics, the mail server and the mail log are not the member's wait (issue #20); without it
(development, tests) ``send`` runs on commit in the request.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core import dates
from core.jobs import StatementJob, job_in_statement
from groups.models import Membership

logger = logging.getLogger(__name__)

EVENTS = (
    "received",
    "confirmed",
    "approved",
    "rejected",
    "cancelled",
    "reminder",
    "changed",
    "change_received",
)
# Mails that promise the room carry an .ics of it (and the cancellation deadline).
WITH_CALENDAR = ("confirmed", "approved", "changed", "reminder")


def _subject(event: str, first) -> str:
    values = {"room": first.room.name, "date": dates.day(first.start)}
    subjects = {
        "received": _("Booking request received: %(room)s, %(date)s"),
        "confirmed": _("Booking confirmed: %(room)s, %(date)s"),
        "approved": _("Booking approved: %(room)s, %(date)s"),
        "rejected": _("Booking declined: %(room)s, %(date)s"),
        "cancelled": _("Booking cancelled: %(room)s, %(date)s"),
        "reminder": _("Reminder: your booking of %(room)s tomorrow, %(date)s"),
        "changed": _("Booking changed: %(room)s, %(date)s"),
        "change_received": _("Change request received: %(room)s, %(date)s"),
    }
    if event == "rejected" and first.replaces_id:
        return _("Change request declined: %(room)s, %(date)s") % values
    return subjects[event] % values


def _moment(previous: dict | None, key: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(previous[key])
    except (TypeError, KeyError, ValueError):
        return None


def recipients_for(group, booked_by=None) -> list[str]:
    addresses = []
    if booked_by is not None and booked_by.email and not booked_by.is_staff:
        addresses.append(booked_by.email)
    if group is not None:
        reps = Membership.objects.filter(
            group=group, role=Membership.Role.REPRESENTATIVE
        ).select_related("user")
        addresses += [m.user.email for m in reps if m.user.is_active and m.user.email]
    return sorted(set(addresses))


def _send(
    subject: str, template: str, context: dict, to: list[str], attachments=(), *, strict=False
) -> None:
    if not to:
        return
    body = render_to_string(template, context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMessage(prefix + subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for attachment in attachments:
        message.attach(*attachment)
    try:
        message.send()
    except OSError:
        if strict:  # a background job: its retry strategy tries again later
            raise
        logger.exception("could not send the booking mail %r to %s", subject, to)


def cancel_deadline(booking) -> dt.datetime:
    """Until when the group may cancel (or change) ``booking`` online."""
    return booking.start - dt.timedelta(hours=booking.room.cancel_deadline_hours)


def booking_ics(bookings) -> bytes:
    """The bookings as an iCalendar file (the icalendar library, as the feeds; the same UID
    as the group's feed, so a calendar that has both shows one entry)."""
    domain = urlsplit(settings.SITE_URL).hostname or "kyodo-office"
    stamp = timezone.now().astimezone(dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//Kyodo Office//facilities//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for booking in bookings:
        item = CalendarEvent()
        item.add("uid", f"booking-{booking.pk}@{domain}")
        item.add("dtstamp", stamp)
        item.add("dtstart", booking.start.astimezone(dt.UTC))
        item.add("dtend", booking.end.astimezone(dt.UTC))
        item.add("summary", f"{booking.room.name}: {booking.purpose}")
        item.add("location", f"{booking.room.name} – {_('Kyodo Office')}")
        deadline = timezone.localtime(cancel_deadline(booking))
        item.add(
            "description",
            _("Cancel or change online until %(deadline)s.")
            % {"deadline": dates.day_time(deadline)},
        )
        item.add("status", "TENTATIVE" if booking.status == "requested" else "CONFIRMED")
        item.add("url", settings.SITE_URL + reverse("facilities:bookings"))
        cal.add_component(item)
    return cal.to_ical()


def send_later(
    event: str, bookings: list, *, reason: str = "", previous: dict | None = None
) -> None:
    """``send`` once the current transaction commits, none if it rolls back. With
    ``FACILITIES_MAIL_IN_BACKGROUND`` the job is queued now, inside the transaction (one
    INSERT): it commits with the bookings, so a committed booking's mail is never lost."""
    assert event in EVENTS, event
    if not bookings:
        return
    if not _in_background():
        transaction.on_commit(lambda: send(event, bookings, reason=reason, previous=previous))
        return
    deferrer, arguments = _mail_job(event, bookings[0], reason=reason, previous=previous)
    deferrer.defer(booking_ids=[b.pk for b in bookings], **arguments)


def mail_job_with_insert(event: str, booking) -> StatementJob | None:
    """The mail of a booking being inserted, as a job its insert statement queues (``send_later``
    without a statement of its own, issue #20: its id is only known in that statement). None
    when mails are sent in the request (``send_later`` is called after the insert then)."""
    assert event in EVENTS, event
    if not _in_background():
        return None
    deferrer, arguments = _mail_job(event, booking)
    return job_in_statement(deferrer, id_argument="booking_ids", **arguments)


def _in_background() -> bool:
    """Booking mails go out from the worker (production) or in the request, on commit."""
    return getattr(settings, "FACILITIES_MAIL_IN_BACKGROUND", False)


def _mail_job(event: str, first, *, reason: str = "", previous: dict | None = None):
    """The mail job's deferrer and its arguments but the bookings' ids (``first``: the first
    of the bookings it is about)."""
    from facilities.tasks import mail_lock, send_booking_mail  # that module imports this one

    # One lock per group: its mails go out one after another in the order they were queued (a
    # "confirmed" never arrives after the "cancelled" of the same booking).
    deferrer = send_booking_mail.configure(lock=mail_lock(first))
    arguments = {
        "event": event,
        "reason": reason,
        "previous": previous,
        "is_change": hasattr(first, "replaced_booking"),
    }
    return deferrer, arguments


def send(
    event: str,
    bookings: list,
    *,
    reason: str = "",
    previous: dict | None = None,
    is_change: bool = False,
    strict: bool = False,
) -> None:
    """Tell the group about ``bookings`` (one mail for all of them, e.g. a recurring booking).
    Mails that promise the room give each booking's cancellation deadline and carry an .ics;
    ``previous`` (a change) describes the booking as it was. ``strict``: a mail server's
    error is raised (a background job retries), not logged."""
    assert event in EVENTS, event
    if not bookings:
        return
    first = bookings[0]
    with translation.override(settings.LANGUAGE_CODE):
        for booking in bookings:
            booking.cancel_deadline = cancel_deadline(booking)
        context = {
            "event": event,
            "bookings": bookings,
            "group": first.group,
            "reason": reason,
            "previous": previous,
            # The booking as it was, as moments (``previous`` holds them as ISO text).
            "previous_start": _moment(previous, "start"),
            "previous_end": _moment(previous, "end"),
            "is_change": (
                is_change or bool(first.replaces_id) or hasattr(first, "replaced_booking")
            ),
            "with_deadline": event in WITH_CALENDAR or event in ("received", "change_received"),
            "bookings_url": settings.SITE_URL + reverse("facilities:bookings"),
            "office_email": settings.OFFICE_EMAIL,
        }
        attachments = []
        if event in WITH_CALENDAR:
            attachments.append(("booking.ics", booking_ics(bookings), "text/calendar"))
        _send(
            _subject(event, first),
            "facilities/email/booking.txt",
            context,
            recipients_for(first.group, first.booked_by),
            attachments,
            strict=strict,
        )


LOAN_EVENTS = (
    "loan_received",
    "loan_confirmed",
    "loan_approved",
    "loan_refused",
    "loan_cancelled",
)


def send_loan(event: str, loan, *, reason: str = "") -> None:
    """Tell the group about a take-out loan (the person who asked and its representatives)."""
    assert event in LOAN_EVENTS, event
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "first": dates.short_day(loan.pickup_date),
            "last": dates.short_day(loan.return_date),
        }
        subjects = {
            "loan_received": _("Take-out loan request received: %(first)s–%(last)s"),
            "loan_confirmed": _("Take-out loan confirmed: %(first)s–%(last)s"),
            "loan_approved": _("Take-out loan approved: %(first)s–%(last)s"),
            "loan_refused": _("Take-out loan declined: %(first)s–%(last)s"),
            "loan_cancelled": _("Take-out loan cancelled: %(first)s–%(last)s"),
        }
        context = {
            "event": event,
            "loan": loan,
            "items": list(loan.items.select_related("equipment").order_by("equipment")),
            "group": loan.group,
            "reason": reason,
            "bookings_url": settings.SITE_URL + reverse("facilities:bookings"),
            "office_email": settings.OFFICE_EMAIL,
        }
        _send(
            subjects[event] % values,
            "facilities/email/loan.txt",
            context,
            recipients_for(loan.group, loan.requested_by),
        )


def send_suspension(suspension, *, count: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            _("Online booking suspended: %(group)s") % {"group": suspension.group.name},
            "facilities/email/suspended.txt",
            {"suspension": suspension, "count": count, "office_email": settings.OFFICE_EMAIL},
            recipients_for(suspension.group),
        )

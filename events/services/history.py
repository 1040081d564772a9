"""Events that already took place, recorded in bulk: the event as staff published it
(``events_record_bulk``), who registered (at the desk, by phone), who came and the walk-ins
(``registrations_record_bulk``), with the rules ``registration_add_by_staff``,
``attendance_record`` and ``walk_in_add`` check for the data (a published event, registrations
before the event's end, the capacity, attendance only from the event's day on, numbers in
range). One audit row per step, dated when the step happened, in the event's transaction. The
demo seeder's years of exchange meetings and seminars go through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_actions_bulk
from events.models import RESERVED_SLUGS, Event, Registration
from events.rules import EventError, RegistrationError, check_attendance_open
from events.services._places import _lock


@dataclass
class PastRegistration:
    """One registration and what became of it (``came``: people who came, 0 = did not)."""

    registered_at: dt.datetime
    people: int = 1
    came: int = 0
    user: object = None
    name: str = ""
    group: object = None
    walk_in: bool = False


@dataclass
class PastEvent:
    """An event staff wrote and published at ``published_at``, held from ``start`` to ``end``,
    with its registrations (see ``PastRegistration``)."""

    title: str
    slug: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    capacity: int
    published_at: dt.datetime
    venue: str = ""
    summary: str = ""
    description: str = ""
    fee_note: str = ""
    organiser: object = None
    registrations: list[PastRegistration] = field(default_factory=list)


def _check_event(row: PastEvent, now: dt.datetime) -> None:
    if not row.title.strip():
        raise EventError(_("An event needs a title."))
    if not row.slug or row.slug in RESERVED_SLUGS:
        raise EventError(_("This web address name is reserved; choose another."))
    if row.end <= row.start:
        raise EventError(_("The event must end after it starts."))
    if row.capacity < 1:
        raise EventError(_("This event has room for %(n)d people in all.") % {"n": row.capacity})
    if row.published_at > row.start or row.published_at > now:
        raise EventError(_("An event is published before it starts."))


@transaction.atomic
def events_record_bulk(
    *, actor, rows: list[PastEvent], now: dt.datetime | None = None
) -> list[Event]:
    """Record events that staff published and held (the office's past years): each published
    at its ``published_at`` (before its start; audited then, as ``event_approve`` does), with
    its registrations and attendance through ``registrations_record_bulk`` (its rules: held by
    ``now``, the capacity, registrations before the end). The reminder went out the day before,
    as ``reminders_send`` does. Raises ``EventError``/``RegistrationError`` and writes nothing
    when a row breaks a rule."""
    if not is_office_staff(actor):
        raise PermissionDenied
    now = now or timezone.now()
    slugs = [r.slug for r in rows]
    if len(set(slugs)) != len(slugs) or Event.objects.filter(slug__in=slugs).exists():
        raise EventError(_("This web address name is already taken."))
    for row in rows:
        _check_event(row, now)
    events = Event.objects.bulk_create(
        Event(
            title=row.title.strip(), slug=row.slug, kind=row.kind,
            status=Event.Status.PUBLISHED, start=row.start, end=row.end, venue=row.venue,
            summary=row.summary, description=row.description, fee_note=row.fee_note,
            organiser=row.organiser, capacity=row.capacity, published_at=row.published_at,
            reminder_sent_at=row.start - dt.timedelta(days=1) if row.registrations else None,
        )
        for row in rows
    )  # fmt: skip
    log_actions_bulk(
        (row.published_at, actor, "events.event_approve", event, {})
        for event, row in zip(events, rows, strict=True)
    )
    for event, row in zip(events, rows, strict=True):
        registrations_record_bulk(actor=actor, event=event, rows=row.registrations, now=now)
    return events


@transaction.atomic
def registrations_record_bulk(
    *, actor, event: Event, rows: list[PastRegistration], now: dt.datetime | None = None
) -> list[Registration]:
    """Record the registrations and attendance of ``event`` (held, as of ``now``)."""
    now = now or timezone.now()
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED:
        raise EventError(_("Attendance can only be recorded for a published event."))
    check_attendance_open(event, now)
    booked = sum(r.people for r in rows if not r.walk_in)
    if booked > event.capacity:
        raise RegistrationError(
            _("This event has room for %(n)d people in all.") % {"n": event.capacity}
        )
    for row in rows:
        # A walk-in may be nameless (labelled "Walk-in" when shown).
        if row.user is None and not row.walk_in and not row.name.strip():
            raise RegistrationError(_("Choose an account or enter the person's name."))
        if not row.walk_in and (row.registered_at >= event.end or row.registered_at > now):
            raise RegistrationError(_("This event has already taken place."))
        if row.people < 1 or not 0 <= row.came <= 200 or (row.walk_in and row.came < 1):
            raise EventError(_("Enter a number of people between 0 and 200."))
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user=row.user,
            guest_name="" if row.user is not None else row.name.strip()[:100],
            group=row.group,
            people=row.people,
            status=Registration.Status.CONFIRMED,
            is_walk_in=row.walk_in,
            attended=row.came > 0,
            attended_people=row.came,
            created_at=event.start if row.walk_in else row.registered_at,
            confirmed_at=event.start if row.walk_in else row.registered_at,
        )
        for row in rows
    )
    entries = []
    for registration, row in zip(registrations, rows, strict=True):
        if row.walk_in:
            entries.append((event.start, actor, "events.walk_in_add", registration,
                            {"people": row.came}))  # fmt: skip
        else:
            entries.append((row.registered_at, actor, "events.registration_add_by_staff",
                            registration, {"status": Registration.Status.CONFIRMED}))  # fmt: skip
    marked = [r for r in rows if not r.walk_in]
    if marked:
        entries.append(
            (min(event.end, now), actor, "events.attendance_record", event,
             {"changed": sum(1 for r in marked if r.came), "people": sum(r.came for r in marked)})
        )  # fmt: skip
    log_actions_bulk(entries)
    return registrations

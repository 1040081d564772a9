"""Who came: attendance marks on the door list and walk-ins (the participants KPI)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events.models import Event, Registration
from events.rules import (
    EventError,
    check_attendance_open,
)
from events.services._places import _lock


@transaction.atomic
def attendance_record(
    *, actor, event: Event, marks: dict[int, int], now: dt.datetime | None = None
) -> int:
    """Record who came: ``marks`` maps a registration id to the number of people who came
    (0 = did not come). Only confirmed registrations of this event can be marked, from the
    event's day on (``attendance_opens``)."""
    if not marks:
        return 0
    check_attendance_open(event, now)
    event = _lock(event)
    registrations = {
        r.pk: r
        for r in event.registrations.filter(
            pk__in=list(marks), status=Registration.Status.CONFIRMED
        ).select_for_update()
    }
    if set(marks) - set(registrations):
        raise EventError(_("Some of the people are not confirmed registrations of this event."))
    changed = []
    recorded_at = now or timezone.now()
    for pk, count in marks.items():
        if count < 0 or count > 200:
            raise EventError(_("Enter a number of people between 0 and 200."))
        registration = registrations[pk]
        attended = count > 0
        if (
            registration.attended != attended
            or registration.attended_people != count
            or registration.attendance_recorded_at is None  # "did not come" is a record too
        ):
            registration.attended = attended
            registration.attended_people = count
            registration.attendance_recorded_at = recorded_at
            changed.append(registration)
    Registration.objects.bulk_update(
        changed, ["attended", "attended_people", "attendance_recorded_at"]
    )
    if changed:
        log_action(
            actor=actor,
            action="events.attendance_record",
            target=event,
            changed=len(changed),
            people=sum(r.attended_people for r in registrations.values()),
        )
    return len(changed)


@transaction.atomic
def attendance_mark_all(*, actor, event: Event, now: dt.datetime | None = None) -> int:
    """Everyone came: mark every confirmed registration (not walk-ins) whose attendance is not
    yet recorded as attended with its registered party. Rows already recorded keep their values,
    "did not come" included (another tablet may have saved them). From the event's day on;
    returns how many changed."""
    check_attendance_open(event, now)
    event = _lock(event)
    rows = list(
        event.registrations.filter(
            status=Registration.Status.CONFIRMED,
            is_walk_in=False,
            attended=False,
            attendance_recorded_at__isnull=True,
        )
        .order_by("pk")
        .select_for_update()
    )
    recorded_at = now or timezone.now()
    for registration in rows:
        registration.attended = True
        registration.attended_people = registration.people
        registration.attendance_recorded_at = recorded_at
    Registration.objects.bulk_update(
        rows, ["attended", "attended_people", "attendance_recorded_at"]
    )
    if rows:
        log_action(
            actor=actor,
            action="events.attendance_mark_all",
            target=event,
            changed=len(rows),
            people=sum(r.attended_people for r in rows),
        )
    return len(rows)


@transaction.atomic
def walk_in_add(
    *,
    actor,
    event: Event,
    name: str = "",
    people: int = 1,
    group=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """Someone came without registering: recorded as attendance (not against the capacity),
    from the event's day on."""
    if people < 1 or people > 200:
        raise EventError(_("Enter a number of people between 1 and 200."))
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED:
        raise EventError(_("Attendance can only be recorded for a published event."))
    check_attendance_open(event, now)
    registration = Registration.objects.create(
        event=event,
        guest_name=name.strip()[:100],  # nameless: labelled "Walk-in" when shown
        group=group,
        people=people,
        status=Registration.Status.CONFIRMED,
        is_walk_in=True,
        attended=True,
        attended_people=people,
        attendance_recorded_at=now or timezone.now(),
        note=note[:200],
        confirmed_at=timezone.now(),
    )
    log_action(actor=actor, action="events.walk_in_add", target=registration, people=people)
    return registration

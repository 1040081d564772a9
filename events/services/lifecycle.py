"""An event's life: a group's proposal, approval or return, edits that move it, cancellation,
and the day-before reminders."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration
from events.permissions import can_propose_for
from events.rules import (
    EventError,
    check_event_cancellable,
    check_office_open,
    event_schedule,
)
from events.services._places import _lock, waitlist_promote
from events.services.rooms import event_release_room


@transaction.atomic
def event_propose(*, actor, group, image=None, at_office: bool = False, **fields) -> Event:
    """A member of a registered group proposes an event for the group; staff approve it.
    ``at_office``: the group asks for the office's meeting space (staff book the room when they
    approve), so a day the office is closed is refused at once."""
    if not can_propose_for(actor, group):
        raise PermissionDenied
    if fields["end"] <= fields["start"]:
        raise EventError(_("The event must end after it starts."))
    if fields["start"] <= timezone.now():
        raise EventError(_("The event must start in the future."))
    if at_office:
        check_office_open(fields["start"], fields["end"])
        fields["venue"] = fields.get("venue") or _("The office's meeting space")
    elif not fields.get("venue"):
        raise EventError(_("Enter the place, or choose the office's meeting space."))
    event = Event(
        organiser=group,
        status=Event.Status.PROPOSED,
        proposed_by=actor,
        mode=Event.Mode.FIRST_COME,
        **fields,
    )
    if image:
        event.image.save(image.name, image, save=False)
    event.save()
    log_action(actor=actor, action="events.event_propose", target=event, group=group.slug)
    pk = event.pk
    transaction.on_commit(lambda: emails.proposal_received(pk))
    return event


@transaction.atomic
def event_approve(*, actor, event: Event) -> Event:
    event = _lock(event)
    if event.status not in (Event.Status.PROPOSED, Event.Status.DRAFT):
        raise EventError(_("Only a proposed or draft event can be published."))
    event.status = Event.Status.PUBLISHED
    event.published_at = event.published_at or timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    log_action(actor=actor, action="events.event_approve", target=event)
    if event.proposed_by_id:
        pk = event.pk
        transaction.on_commit(lambda: emails.proposal_decided(pk, approved=True))
    return event


@transaction.atomic
def event_reject(*, actor, event: Event, reason: str) -> Event:
    """Return a group's proposal unpublished, with the office's note."""
    event = _lock(event)
    if event.status != Event.Status.PROPOSED:
        raise EventError(_("Only a proposed event can be returned."))
    event.status = Event.Status.DRAFT
    event.staff_note = reason
    event.save(update_fields=["status", "staff_note", "updated_at"])
    log_action(actor=actor, action="events.event_reject", target=event, reason=reason)
    pk = event.pk
    transaction.on_commit(lambda: emails.proposal_decided(pk, approved=False))
    return event


@transaction.atomic
def event_cancel(*, actor, event: Event, reason: str = "") -> Event:
    """Cancel a published event: live registrations are cancelled and told, the room is
    released, and the event stays listed as cancelled."""
    event = _lock(event)
    check_event_cancellable(event)
    notify = list(
        event.registrations.filter(
            status__in=[
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
                Registration.Status.LOTTERY_APPLIED,
                Registration.Status.PENDING_GUEST,
            ],
            is_walk_in=False,
        ).values_list("pk", flat=True)
    )
    event.registrations.filter(pk__in=notify).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now(), waitlist_position=None
    )
    event.status = Event.Status.CANCELLED
    # It is public now, even if it was published without event_approve.
    event.published_at = event.published_at or timezone.now()
    if reason:
        event.staff_note = reason
    event.save(update_fields=["status", "published_at", "staff_note", "updated_at"])
    event_release_room(actor=actor, event=event, reason=reason or _("Event cancelled"))
    log_action(
        actor=actor, action="events.event_cancel", target=event, reason=reason, told=len(notify)
    )
    if notify:
        pk = event.pk
        transaction.on_commit(lambda: emails.event_cancelled(pk, notify))
    return event


@transaction.atomic
def event_after_edit(*, actor, event: Event, before: tuple | None = None) -> list[Registration]:
    """After staff edit an event: move the waiting list up (e.g. more capacity), and when its
    time or place moved (``before`` is ``event_schedule`` of the event as it was), tell everyone
    who holds or waits for a place."""
    event = _lock(event)
    promoted = waitlist_promote(event=event)
    if before is not None and event_schedule(event) != tuple(before):
        _tell_of_move(actor, event, before)
    return promoted


def _tell_of_move(actor, event: Event, before: tuple) -> None:
    if not event.is_published or event.has_ended():
        return
    told = list(
        event.registrations.filter(
            status__in=[
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
                Registration.Status.LOTTERY_APPLIED,
            ],
            is_walk_in=False,
        ).values_list("pk", flat=True)
    )
    start, end, place = before
    log_action(
        actor=actor,
        action="events.event_move",
        target=event,
        before={"start": start.isoformat(), "end": end.isoformat(), "place": place},
        told=len(told),
    )
    if told:
        pk = event.pk
        transaction.on_commit(lambda: emails.event_moved(pk, told, before))


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail confirmed participants of events that start tomorrow (once per event)."""
    now = now or timezone.now()
    sent = 0
    for event in selectors.events_to_remind(now):
        with transaction.atomic():
            locked = (
                Event.objects.select_for_update(skip_locked=True)
                .filter(pk=event.pk, reminder_sent_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            ids = list(
                locked.registrations.filter(
                    status=Registration.Status.CONFIRMED, is_walk_in=False
                ).values_list("pk", flat=True)
            )
            locked.reminder_sent_at = now
            locked.save(update_fields=["reminder_sent_at"])
            log_action(actor=None, action="events.reminders_send", target=locked, count=len(ids))
            transaction.on_commit(lambda ids=ids: emails.reminders(ids))
            sent += len(ids)
    return sent

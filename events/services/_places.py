"""Places and the waiting list, shared by every service that gives or frees a place: the event's
row lock, moving the queue up, releasing expired holds (the status a new registration gets is
``events.rules.new_registration_status``).

Capacity is guarded by a row lock on the event (``SELECT ... FOR UPDATE``): whoever registers,
cancels, confirms, draws or promotes holds the event's row, so two people can never take the
last place at once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration


def _lock(event: Event) -> Event:
    """The event row, locked until the end of the transaction (callers are atomic)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _notify_status(registration: Registration) -> None:
    """Tell the person what their registration now is (after the transaction commits)."""
    pk = registration.pk
    transaction.on_commit(lambda: emails.registration_status(pk))


@transaction.atomic(savepoint=False)
def waitlist_promote(*, event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Move people up from the waiting list, in order, while their party fits in the free
    places (the head of the queue is never overtaken). The caller holds the event's lock;
    each promotion is saved with its audit row in the caller's transaction."""
    now = now or timezone.now()
    if not event.is_published or event.has_started(now) or event.lottery_pending():
        return []
    left = max(0, event.capacity - selectors.places_taken(event, now))
    promoted = []
    for registration in event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "waitlist_position", "pk"
    ):
        if registration.people > left:
            break
        registration.status = Registration.Status.CONFIRMED
        registration.waitlist_position = None
        registration.confirmed_at = now
        registration.save(update_fields=["status", "waitlist_position", "confirmed_at"])
        left -= registration.people
        promoted.append(registration)
        log_action(actor=None, action="events.waitlist_promote", target=registration)
        pk = registration.pk
        transaction.on_commit(lambda pk=pk: emails.registration_promoted(pk))
    return promoted


def _release_expired_locked(event: Event, now: dt.datetime) -> int:
    """Release guests' places whose confirmation time passed (the event is locked)."""
    expired = list(
        event.registrations.filter(
            status=Registration.Status.PENDING_GUEST, confirm_by__lte=now
        ).values_list("pk", flat=True)
    )
    if not expired:
        return 0
    Registration.objects.filter(pk__in=expired).update(
        status=Registration.Status.CANCELLED,
        cancelled_at=now,
        status_on_confirm="",
        note=_("Not confirmed in time"),
    )
    log_action(
        actor=None, action="events.registrations_release_expired", target=event, count=len(expired)
    )
    waitlist_promote(event=event, now=now)
    return len(expired)

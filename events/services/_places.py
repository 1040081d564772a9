"""Places and the waiting list, shared by every service that gives or frees a place: the event's
row lock, the status a new registration gets, moving the queue up, releasing expired holds.

Capacity is guarded by a row lock on the event (``SELECT ... FOR UPDATE``): whoever registers,
cancels, confirms, draws or promotes holds the event's row, so two people can never take the
last place at once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration
from events.services.errors import RegistrationError


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _lock(event: Event) -> Event:
    """The event row, locked until the end of the transaction (callers are atomic)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _decide(event: Event, people: int, now: dt.datetime) -> tuple[str, int | None]:
    """The status a new registration gets (the event row is locked), or RegistrationError."""
    if event.lottery_pending():
        return Registration.Status.LOTTERY_APPLIED, None
    left = max(0, event.capacity - selectors.places_taken(event, now))
    queue = selectors.has_waitlist(event)
    if not queue and people <= left:
        return Registration.Status.CONFIRMED, None
    if not queue and 0 < left < people:
        raise RegistrationError(
            _(
                "Only %(left)d places are left, fewer than the %(people)d people you entered. "
                "Please register fewer people."
            )
            % {"left": left, "people": people}
        )
    if not event.waiting_list:
        raise RegistrationError(_("This event is full."))
    return Registration.Status.WAITLISTED, selectors.waitlist_next_position(event)


def _already_message(existing: Registration) -> str:
    if existing.status == Registration.Status.WAITLISTED:
        return _("You are already on the waiting list for this event.")
    if existing.status == Registration.Status.LOTTERY_APPLIED:
        return _("You have already applied for this event's lottery.")
    if existing.status == Registration.Status.PENDING_GUEST:
        return _(
            "A registration with this e-mail address is waiting for confirmation. "
            "Please click the link in the e-mail we sent."
        )
    return _("You are already registered for this event.")


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
        log_action(actor=None, action="event.waitlist_promoted", target=registration)
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
    log_action(actor=None, action="event.release_unconfirmed", target=event, count=len(expired))
    waitlist_promote(event=event, now=now)
    return len(expired)

"""Guests without an account: a place held until the e-mail link is confirmed (the limits on
guests are in ``events.rules``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration
from events.rules import (
    RegistrationError,
    already_registered_message,
    check_guest_limits,
    check_people,
    check_registration_open,
    clean_registration_answers,
    guest_confirm_minutes,
    new_registration_status,
)
from events.services._places import (
    _lock,
    _notify_status,
    _release_expired_locked,
    waitlist_promote,
)
from events.services.registrations import (
    _save_answers,
)


@transaction.atomic
def registration_create_guest(
    *,
    event: Event,
    name: str,
    email: str,
    people: int = 1,
    answers: dict | None = None,
    share_needs: bool = False,
    client_key: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """A guest without an account registers; the place is held until the e-mail link is
    confirmed or the time limit passes (``guest_confirm_minutes``; from then on it counts as
    free at once, and the next write or the cron job marks it released).

    ``client_key`` (``guest_client_key`` of the visitor's address) limits the pending guests
    one network holds for the event; the e-mail address limits the mails sent to it per hour."""
    now = now or timezone.now()
    name, email = name.strip(), email.strip().lower()
    if not name or not email:
        raise RegistrationError(_("Enter your name and e-mail address."))
    event = _lock(event)
    if not event.allow_guests:
        raise RegistrationError(_("Please log in to register for this event."))
    check_registration_open(event, now)
    check_people(event, people, guest=True)
    clean_answers = clean_registration_answers(event, answers)
    _release_expired_locked(event, now)
    existing = selectors.live_registration_of(event, email=email)
    if existing is not None:
        raise RegistrationError(already_registered_message(existing))
    check_guest_limits(event, email=email, client_key=client_key, now=now)
    on_confirm, _position = new_registration_status(event, people, now)
    limit = now + dt.timedelta(minutes=guest_confirm_minutes())
    deadline = min(limit, event.closes_at)
    if event.lottery_pending():
        deadline = min(deadline, event.draw_at)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                guest_name=name[:100],
                guest_email=email,
                people=people,
                status=Registration.Status.PENDING_GUEST,
                status_on_confirm=on_confirm,
                confirm_by=deadline,
                client_key=client_key[:32],
                share_needs_with_organiser=share_needs,
                created_at=now,
            )
    except IntegrityError as exc:
        raise RegistrationError(_("This e-mail address is already registered.")) from exc
    _save_answers(registration, clean_answers)
    log_action(
        actor=None, action="events.registration_create_guest", target=registration, email=email
    )
    pk = registration.pk
    transaction.on_commit(lambda: emails.guest_confirmation_link(pk))
    return registration


def registration_confirm_guest(
    *, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    """The guest clicked the link in time: the held place is theirs (or the waiting list /
    the lottery, as decided when they registered).

    When the same person has meanwhile registered with their account (same e-mail address),
    the guest registration is released and RegistrationError says they are already registered.
    """
    with transaction.atomic():
        registration, duplicate_of = _confirm_guest(registration, now or timezone.now())
    if duplicate_of is not None:
        # Raised outside the atomic block, so that the released place stays released.
        raise RegistrationError(already_registered_message(duplicate_of))
    return registration


def _confirm_guest(
    registration: Registration, now: dt.datetime
) -> tuple[Registration, Registration | None]:
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING_GUEST:
        if registration.status in Registration.LIVE:
            return registration, None  # a second click changes nothing
        raise RegistrationError(
            _("This registration is no longer valid. Please register again if places are left.")
        )
    if registration.confirm_by and now >= registration.confirm_by:
        raise RegistrationError(
            _(
                "The time to confirm this registration has passed and the place was released. "
                "Please register again if places are left."
            )
        )
    existing = selectors.live_registration_of(
        event, email=registration.guest_email, exclude=registration.pk
    )
    if existing is not None:
        _release_duplicate(event, registration, now)
        return registration, existing
    status = registration.status_on_confirm or Registration.Status.CONFIRMED
    if status == Registration.Status.WAITLISTED:
        # Places may have come free since; otherwise join the end of the queue now.
        try:
            status, position = new_registration_status(event, registration.people, now)
        except RegistrationError:
            status, position = (
                Registration.Status.WAITLISTED,
                selectors.waitlist_next_position(event),
            )
        registration.waitlist_position = position
    registration.status = status
    registration.status_on_confirm = ""
    registration.confirm_by = None
    registration.confirmed_at = now if status == Registration.Status.CONFIRMED else None
    registration.save(
        update_fields=[
            "status",
            "status_on_confirm",
            "confirm_by",
            "confirmed_at",
            "waitlist_position",
        ]
    )
    log_action(
        actor=None, action="events.registration_confirm_guest", target=registration, status=status
    )
    _notify_status(registration)
    return registration, None


def _release_duplicate(event: Event, registration: Registration, now: dt.datetime) -> None:
    """A pending guest registration of someone already registered: its held place goes back."""
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.status_on_confirm = ""
    registration.confirm_by = None
    registration.note = _("Already registered with the same e-mail address")
    registration.save(
        update_fields=["status", "cancelled_at", "status_on_confirm", "confirm_by", "note"]
    )
    log_action(actor=None, action="events.registration_release_duplicate", target=registration)
    waitlist_promote(event=event, now=now)

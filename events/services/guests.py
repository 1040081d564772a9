"""Guests without an account: a place held until the e-mail link is confirmed, and the limits
that keep one network or one address from holding an event's places."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration
from events.services._places import (
    _already_message,
    _decide,
    _lock,
    _notify_status,
    _release_expired_locked,
    waitlist_promote,
)
from events.services.errors import RegistrationError
from events.services.registrations import (
    _check_people,
    _save_answers,
    _validate_answers,
    check_registration_open,
)

# How long a guest has to click the confirmation link before the place is released (the
# Django setting EVENTS_GUEST_CONFIRM_MINUTES). Short, because an unconfirmed guest holds places
# that members cannot take meanwhile; the link arrives within a minute or two.
GUEST_CONFIRM_MINUTES = 30


# Pending (unconfirmed, unexpired) guest registrations one network may hold for one event.
GUEST_PENDING_PER_CLIENT = 3


# Confirmation mails one e-mail address may be sent in an hour, across events (so nobody can
# fill a stranger's inbox through the guest form).
GUEST_MAILS_PER_ADDRESS_PER_HOUR = 5


def guest_confirm_minutes() -> int:
    return int(getattr(settings, "EVENTS_GUEST_CONFIRM_MINUTES", GUEST_CONFIRM_MINUTES))


def guest_client_key(address: str) -> str:
    """A keyed hash of the network a guest writes from: the address itself for IPv4, its /64
    for IPv6 (one household or phone gets a whole /64). The address is never stored."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    mapped = getattr(ip, "ipv4_mapped", None)
    if ip.version == 6 and mapped is None:
        network = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    else:
        network = str(mapped or ip)
    return salted_hmac("events.guest_client_key", network).hexdigest()[:32]


@transaction.atomic
def registration_create_guest(
    *,
    event: Event,
    name: str,
    email: str,
    people: int = 1,
    answers: dict | None = None,
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
    _check_people(event, people, guest=True)
    clean_answers = _validate_answers(event, answers)
    _release_expired_locked(event, now)
    existing = selectors.live_registration_of(event, email=email)
    if existing is not None:
        raise RegistrationError(_already_message(existing))
    _check_guest_limits(event, email=email, client_key=client_key, now=now)
    on_confirm, _position = _decide(event, people, now)
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
                created_at=now,
            )
    except IntegrityError as exc:
        raise RegistrationError(_("This e-mail address is already registered.")) from exc
    _save_answers(registration, clean_answers)
    log_action(actor=None, action="event.register_guest", target=registration, email=email)
    pk = registration.pk
    transaction.on_commit(lambda: emails.guest_confirmation_link(pk))
    return registration


def _check_guest_limits(event: Event, *, email: str, client_key: str, now: dt.datetime) -> None:
    """Refuse a guest registration that would let one network hold too many unconfirmed
    places of the event, or send one address too many confirmation mails in an hour."""
    if client_key:
        pending = selectors.guest_holds_from(event, client_key=client_key, now=now)
        if pending >= GUEST_PENDING_PER_CLIENT:
            raise RegistrationError(
                _(
                    "Too many registrations from your connection are waiting for e-mail "
                    "confirmation. Please confirm them with the link we sent, or try again "
                    "in %(minutes)d minutes."
                )
                % {"minutes": guest_confirm_minutes()}
            )
    mailed = selectors.guest_registrations_since(email, since=now - dt.timedelta(hours=1))
    if mailed >= GUEST_MAILS_PER_ADDRESS_PER_HOUR:
        raise RegistrationError(
            _(
                "We have sent several confirmation e-mails to this address in the last hour. "
                "Please use the links in them, or try again in an hour."
            )
        )


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
        raise RegistrationError(_already_message(duplicate_of))
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
            status, position = _decide(event, registration.people, now)
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
    log_action(actor=None, action="event.guest_confirmed", target=registration, status=status)
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
    log_action(actor=None, action="event.guest_duplicate_released", target=registration)
    waitlist_promote(event=event, now=now)

"""Every write of the events app: registration, waiting list, lottery, attendance, proposals,
rooms, reminders and surveys. Views, the admin, management commands and tests all call these.

Capacity is guarded by a row lock on the event (``SELECT ... FOR UPDATE``): whoever registers,
cancels, confirms, draws or promotes holds the event's row, so two people can never take the
last place at once. The partial unique constraints on ``Registration`` are the second line
(one live registration per account and per guest e-mail).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import random
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails
from events.models import (
    Answer,
    Event,
    Question,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    Response,
    Survey,
    holding_places_q,
)

logger = logging.getLogger(__name__)

S = Registration.Status

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


class RegistrationError(Exception):
    """Why a registration, confirmation or cancellation was refused (a user-facing message)."""


class EventError(Exception):
    """Why a proposal, approval, cancellation, lottery draw or room booking was refused."""


class SurveyError(Exception):
    """Why a survey answer was refused."""


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _lock(event: Event) -> Event:
    """The event row, locked until the end of the transaction (callers are atomic)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _taken(event: Event, now: dt.datetime) -> int:
    total = event.registrations.filter(holding_places_q(now)).aggregate(n=Sum("people"))["n"]
    return total or 0


def _next_position(event: Event) -> int:
    top = event.registrations.filter(status=S.WAITLISTED).aggregate(m=Max("waitlist_position"))
    return (top["m"] or 0) + 1


def _live_registration_of(
    event: Event, *, user=None, email: str = "", exclude: int | None = None
) -> Registration | None:
    """The live registration of a person (an account, or else an e-mail address) for the event,
    made with their account or as a guest with the same address (case-insensitive).

    The partial unique constraints each see one side only (an account's address lives on the
    user), so this check, run under the event's row lock, keeps one person to one place.
    """
    if user is not None:
        email = user.email
    email = email.strip()
    match = Q(user=user) if user is not None else None
    if email:
        by_email = Q(user__isnull=True, guest_email__iexact=email) | Q(user__email__iexact=email)
        match = by_email if match is None else match | by_email
    if match is None:
        return None
    live = event.registrations.filter(match, status__in=Registration.LIVE)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    return live.order_by("pk").first()


# --- Registration rules


def check_registration_open(event: Event, now: dt.datetime | None = None) -> None:
    """Raise RegistrationError when the event takes no registrations at ``now``."""
    now = now or timezone.now()
    if event.is_cancelled:
        raise RegistrationError(_("This event has been cancelled."))
    if not event.is_published:
        raise RegistrationError(_("This event is not open for registration."))
    if event.has_ended(now):
        raise RegistrationError(_("This event has already taken place."))
    if event.registration_opens and now < event.registration_opens:
        raise RegistrationError(
            _("Registration opens on %(when)s.") % {"when": _when(event.registration_opens)}
        )
    if now >= event.closes_at:
        raise RegistrationError(
            _("Registration closed on %(when)s.") % {"when": _when(event.closes_at)}
        )
    if event.lottery_pending() and now >= event.draw_at:
        raise RegistrationError(
            _("Lottery applications closed on %(when)s. The results come by e-mail.")
            % {"when": _when(event.draw_at)}
        )


def _check_people(event: Event, people: int, *, guest: bool = False) -> None:
    if people < 1:
        raise RegistrationError(_("Enter at least one person."))
    if guest and people > event.guest_party_limit:
        raise RegistrationError(
            _(
                "Without an account, at most %(n)d people can be registered at once. "
                "Please log in to register more."
            )
            % {"n": event.guest_party_limit}
        )
    if people > event.max_party_size:
        raise RegistrationError(
            _("At most %(n)d people can be registered at once.") % {"n": event.max_party_size}
        )
    if people > event.capacity:
        raise RegistrationError(
            _("This event has room for %(n)d people in all.") % {"n": event.capacity}
        )


def _decide(event: Event, people: int, now: dt.datetime) -> tuple[str, int | None]:
    """The status a new registration gets (the event row is locked), or RegistrationError."""
    if event.lottery_pending():
        return S.LOTTERY_APPLIED, None
    left = max(0, event.capacity - _taken(event, now))
    queue = event.registrations.filter(status=S.WAITLISTED).exists()
    if not queue and people <= left:
        return S.CONFIRMED, None
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
    return S.WAITLISTED, _next_position(event)


def _validate_answers(event: Event, answers: dict | None) -> dict[int, str]:
    """Registration answers keyed by question id; required ones present, options valid."""
    answers = answers or {}
    clean: dict[int, str] = {}
    for question in event.questions.all():
        raw = answers.get(question.pk, answers.get(str(question.pk), ""))
        if question.kind == RegistrationQuestion.Kind.YES_NO:
            value = "yes" if raw in (True, "yes", "on", "1") else "no"
            if question.required and value != "yes":
                raise RegistrationError(
                    _("Please answer “%(question)s”.") % {"question": question.text}
                )
        else:
            value = str(raw or "").strip()
            if question.required and not value:
                raise RegistrationError(
                    _("Please answer “%(question)s”.") % {"question": question.text}
                )
            if (
                value
                and question.kind == RegistrationQuestion.Kind.CHOICE
                and value not in question.option_list
            ):
                raise RegistrationError(
                    _("Choose one of the options for “%(question)s”.") % {"question": question.text}
                )
        clean[question.pk] = value[:2000]
    return clean


def _save_answers(registration: Registration, answers: dict[int, str]) -> None:
    RegistrationAnswer.objects.bulk_create(
        [
            RegistrationAnswer(registration=registration, question_id=qid, value=value)
            for qid, value in answers.items()
        ]
    )


def _notify_status(registration: Registration) -> None:
    """Tell the person what their registration now is (after the transaction commits)."""
    pk = registration.pk
    transaction.on_commit(lambda: emails.registration_status(pk))


@transaction.atomic
def registration_create(
    *,
    actor,
    event: Event,
    people: int = 1,
    group=None,
    answers: dict | None = None,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Registration:
    """A signed-in person registers themself (confirmed, waiting list, or lottery application).
    ``notify=False`` skips the e-mail (demo data)."""
    now = now or timezone.now()
    if not (actor and actor.is_authenticated):
        raise PermissionDenied
    if group is not None:
        from events.permissions import can_register_for_group

        if not can_register_for_group(actor, group):
            raise RegistrationError(_("You can only register for a group you belong to."))
    event = _lock(event)
    check_registration_open(event, now)
    _check_people(event, people)
    clean_answers = _validate_answers(event, answers)
    _release_expired_locked(event, now)
    existing = _live_registration_of(event, user=actor)
    if existing is not None:
        raise RegistrationError(_already_message(existing))
    status, position = _decide(event, people, now)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                user=actor,
                group=group,
                people=people,
                status=status,
                waitlist_position=position,
                created_at=now,
                confirmed_at=now if status == S.CONFIRMED else None,
            )
    except IntegrityError as exc:
        raise RegistrationError(_("You are already registered for this event.")) from exc
    _save_answers(registration, clean_answers)
    log_action(actor=actor, action="event.register", target=registration, status=status)
    if notify:
        _notify_status(registration)
    return registration


@transaction.atomic
def registration_add_by_staff(
    *,
    actor,
    event: Event,
    user=None,
    name: str = "",
    email: str = "",
    people: int = 1,
    group=None,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Registration:
    """Staff register someone (a phone call, a visit to the desk): the same capacity and
    waiting-list rules, no e-mail confirmation step, regardless of the opening times."""
    now = now or timezone.now()
    if user is None and not name.strip():
        raise RegistrationError(_("Choose an account or enter the person's name."))
    event = _lock(event)
    if event.is_cancelled:
        raise RegistrationError(_("This event has been cancelled."))
    if event.has_ended(now):
        raise RegistrationError(_("This event has already taken place."))
    if people < 1 or people > event.capacity:
        raise RegistrationError(
            _("This event has room for %(n)d people in all.") % {"n": event.capacity}
        )
    _release_expired_locked(event, now)
    existing = _live_registration_of(event, user=user, email=email)
    if existing is not None:
        raise RegistrationError(_already_message(existing))
    status, position = _decide(event, people, now)
    registration = Registration.objects.create(
        event=event,
        user=user,
        guest_name="" if user is not None else name.strip()[:100],
        guest_email="" if user is not None else email.strip().lower(),
        group=group,
        people=people,
        status=status,
        waitlist_position=position,
        created_at=now,
        confirmed_at=now if status == S.CONFIRMED else None,
    )
    log_action(actor=actor, action="event.register_by_staff", target=registration, status=status)
    if notify and registration.email:
        _notify_status(registration)
    return registration


def event_schedule(event: Event) -> tuple[dt.datetime, dt.datetime, str]:
    """What the people coming plan around: when the event starts and ends, and where it is."""
    return (event.start, event.end, event.place_label)


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
            status__in=[S.CONFIRMED, S.WAITLISTED, S.LOTTERY_APPLIED], is_walk_in=False
        ).values_list("pk", flat=True)
    )
    start, end, place = before
    log_action(
        actor=actor,
        action="event.moved",
        target=event,
        before={"start": start.isoformat(), "end": end.isoformat(), "place": place},
        told=len(told),
    )
    if told:
        pk = event.pk
        transaction.on_commit(lambda: emails.event_moved(pk, told, before))


def _already_message(existing: Registration) -> str:
    if existing.status == S.WAITLISTED:
        return _("You are already on the waiting list for this event.")
    if existing.status == S.LOTTERY_APPLIED:
        return _("You have already applied for this event's lottery.")
    if existing.status == S.PENDING_GUEST:
        return _(
            "A registration with this e-mail address is waiting for confirmation. "
            "Please click the link in the e-mail we sent."
        )
    return _("You are already registered for this event.")


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
    existing = _live_registration_of(event, email=email)
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
                status=S.PENDING_GUEST,
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
        pending = event.registrations.filter(
            status=S.PENDING_GUEST, client_key=client_key, confirm_by__gt=now
        ).count()
        if pending >= GUEST_PENDING_PER_CLIENT:
            raise RegistrationError(
                _(
                    "Too many registrations from your connection are waiting for e-mail "
                    "confirmation. Please confirm them with the link we sent, or try again "
                    "in %(minutes)d minutes."
                )
                % {"minutes": guest_confirm_minutes()}
            )
    mailed = Registration.objects.filter(
        user__isnull=True,
        guest_email=email,
        created_at__gt=now - dt.timedelta(hours=1),
        is_walk_in=False,
    ).count()
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
    if registration.status != S.PENDING_GUEST:
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
    existing = _live_registration_of(event, email=registration.guest_email, exclude=registration.pk)
    if existing is not None:
        _release_duplicate(event, registration, now)
        return registration, existing
    status = registration.status_on_confirm or S.CONFIRMED
    if status == S.WAITLISTED:
        # Places may have come free since; otherwise join the end of the queue now.
        try:
            status, position = _decide(event, registration.people, now)
        except RegistrationError:
            status, position = S.WAITLISTED, _next_position(event)
        registration.waitlist_position = position
    registration.status = status
    registration.status_on_confirm = ""
    registration.confirm_by = None
    registration.confirmed_at = now if status == S.CONFIRMED else None
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
    registration.status = S.CANCELLED
    registration.cancelled_at = now
    registration.status_on_confirm = ""
    registration.confirm_by = None
    registration.note = _("Already registered with the same e-mail address")
    registration.save(
        update_fields=["status", "cancelled_at", "status_on_confirm", "confirm_by", "note"]
    )
    log_action(actor=None, action="event.guest_duplicate_released", target=registration)
    waitlist_promote(event=event, now=now)


@transaction.atomic
def registration_cancel(
    *, actor, registration: Registration, reason: str = "", now: dt.datetime | None = None
) -> Registration:
    """Cancel a registration; freed places go to the waiting list in order (with an e-mail).
    Signed-in actors cancel their own registrations (staff any); ``actor=None`` is a guest
    whose signed link the view has checked, or the system."""
    now = now or timezone.now()
    if actor is not None and getattr(actor, "is_authenticated", False):
        from events.permissions import can_cancel_registration

        if not can_cancel_registration(actor, registration):
            raise PermissionDenied
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in Registration.LIVE:
        raise RegistrationError(_("This registration has already been cancelled."))
    staff = _is_staff(actor)
    if event.has_started(now) and not staff:
        raise RegistrationError(
            _("The event has already started; please contact the office to cancel.")
        )
    registration.status = S.CANCELLED
    registration.cancelled_at = now
    registration.waitlist_position = None
    registration.status_on_confirm = ""
    registration.confirm_by = None
    registration.save(
        update_fields=[
            "status",
            "cancelled_at",
            "waitlist_position",
            "status_on_confirm",
            "confirm_by",
        ]
    )
    log_action(actor=actor, action="event.cancel_registration", target=registration, reason=reason)
    waitlist_promote(event=event, now=now)
    return registration


def _is_staff(user) -> bool:
    from accounts.roles import is_office_staff

    return is_office_staff(user)


def waitlist_promote(*, event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Move people up from the waiting list, in order, while their party fits in the free
    places (the head of the queue is never overtaken). The caller holds the event's lock."""
    now = now or timezone.now()
    if not event.is_published or event.has_started(now) or event.lottery_pending():
        return []
    left = max(0, event.capacity - _taken(event, now))
    promoted = []
    for registration in event.registrations.filter(status=S.WAITLISTED).order_by(
        "waitlist_position", "pk"
    ):
        if registration.people > left:
            break
        registration.status = S.CONFIRMED
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
        event.registrations.filter(status=S.PENDING_GUEST, confirm_by__lte=now).values_list(
            "pk", flat=True
        )
    )
    if not expired:
        return 0
    Registration.objects.filter(pk__in=expired).update(
        status=S.CANCELLED,
        cancelled_at=now,
        status_on_confirm="",
        note=_("Not confirmed in time"),
    )
    log_action(actor=None, action="event.release_unconfirmed", target=event, count=len(expired))
    waitlist_promote(event=event, now=now)
    return len(expired)


def registrations_release_expired(*, now: dt.datetime | None = None) -> int:
    """Release every unconfirmed guest place whose time limit passed (the cron job)."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=S.PENDING_GUEST, confirm_by__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    released = 0
    for event_id in sorted(set(event_ids)):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            released += _release_expired_locked(event, now)
    return released


# --- Lottery


@dataclass
class DrawResult:
    seed: str
    won: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    lost: list[Registration] = field(default_factory=list)


def draw_order(applicants: list, seed: str) -> list:
    """The applicants (given in id order) in drawn order: a uniform random permutation
    (Fisher–Yates in ``random.shuffle``) determined by ``seed``."""
    drawn = list(applicants)
    random.Random(seed).shuffle(drawn)
    return drawn


@transaction.atomic
def lottery_draw(
    *,
    actor,
    event: Event,
    now: dt.datetime | None = None,
    seed: str | None = None,
    early: bool = False,
) -> DrawResult:
    """Draw the places of a lottery event fairly and tell everyone by e-mail.

    Applicants are taken in id order and shuffled by ``random.Random(seed)``, the seed being 128
    bits from ``secrets`` and recorded on the event, so anyone can re-run the draw and check it.
    Places go to drawn applicants in drawn order while their party fits; the others join the
    waiting list in drawn order (or lose, when the event keeps no waiting list). Afterwards
    any places left are first come, first served until registration closes.
    """
    now = now or timezone.now()
    event = _lock(event)
    if not event.is_lottery:
        raise EventError(_("This event does not use a lottery."))
    if event.drawn_at is not None:
        raise EventError(_("The lottery for this event has already been drawn."))
    if not event.is_published:
        raise EventError(_("Only a published event can be drawn."))
    if now < event.draw_at and not early:
        raise EventError(_("The draw time has not come yet."))
    # Guests who did not confirm by the draw are not in it.
    Registration.objects.filter(event=event, status=S.PENDING_GUEST).update(
        status=S.CANCELLED, cancelled_at=now, status_on_confirm="", note=_("Not confirmed in time")
    )
    seed = seed or secrets.token_hex(16)
    applicants = draw_order(
        list(event.registrations.filter(status=S.LOTTERY_APPLIED).order_by("pk")), seed
    )
    left = max(0, event.capacity - _taken(event, now))
    result = DrawResult(seed=seed)
    position = _next_position(event)
    for registration in applicants:
        if registration.people <= left:
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
            left -= registration.people
            result.won.append(registration)
        elif event.waiting_list:
            registration.status = S.WAITLISTED
            registration.waitlist_position = position
            position += 1
            result.waitlisted.append(registration)
        else:
            registration.status = S.LOTTERY_LOST
            result.lost.append(registration)
    Registration.objects.bulk_update(
        applicants, ["status", "confirmed_at", "waitlist_position"], batch_size=500
    )
    event.drawn_at = now
    event.draw_seed = seed
    event.save(update_fields=["drawn_at", "draw_seed", "updated_at"])
    log_action(
        actor=actor,
        action="event.lottery_draw",
        target=event,
        seed=seed,
        applicants=len(applicants),
        won=len(result.won),
        waitlisted=len(result.waitlisted),
        lost=len(result.lost),
    )
    ids = [r.pk for r in applicants]
    transaction.on_commit(lambda: emails.lottery_results(ids))
    return result


def lotteries_draw_due(*, now: dt.datetime | None = None) -> int:
    """Draw every published lottery whose draw time has passed (the cron job)."""
    now = now or timezone.now()
    due = Event.objects.published().filter(
        mode=Event.Mode.LOTTERY, drawn_at__isnull=True, draw_at__lte=now
    )
    count = 0
    for event in due:
        try:
            lottery_draw(actor=None, event=event, now=now)
            count += 1
        except EventError as exc:
            logger.info("lottery for %s not drawn: %s", event.slug, exc)
    return count


# --- Attendance


def attendance_opens(event: Event) -> dt.datetime:
    """When staff may start recording who came: 00:00 (Asia/Tokyo) of the day the event starts.

    From the start of the day rather than the start time, so that staff can set up the door
    list and note early arrivals in the morning, while nothing is recorded days or weeks ahead
    (attendance is the participants KPI; a mark made early would count people who never came).
    """
    day = timezone.localtime(event.start).date()
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def check_attendance_open(event: Event, now: dt.datetime | None = None) -> None:
    """Raise EventError when it is too early to record attendance or walk-ins."""
    now = now or timezone.now()
    opens = attendance_opens(event)
    if now < opens:
        raise EventError(
            _("Attendance can be recorded from the day of the event (%(date)s).")
            % {"date": date_format(opens.date(), "MONTH_DAY_FORMAT")}
        )


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
            pk__in=list(marks), status=S.CONFIRMED
        ).select_for_update()
    }
    if set(marks) - set(registrations):
        raise EventError(_("Some of the people are not confirmed registrations of this event."))
    changed = []
    for pk, count in marks.items():
        if count < 0 or count > 200:
            raise EventError(_("Enter a number of people between 0 and 200."))
        registration = registrations[pk]
        attended = count > 0
        if registration.attended != attended or registration.attended_people != count:
            registration.attended = attended
            registration.attended_people = count
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["attended", "attended_people"])
    if changed:
        log_action(
            actor=actor,
            action="event.attendance",
            target=event,
            changed=len(changed),
            people=sum(r.attended_people for r in registrations.values()),
        )
    return len(changed)


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
        guest_name=(name.strip() or _("Walk-in"))[:100],
        group=group,
        people=people,
        status=S.CONFIRMED,
        is_walk_in=True,
        attended=True,
        attended_people=people,
        note=note[:200],
        confirmed_at=timezone.now(),
    )
    log_action(actor=actor, action="event.walk_in", target=registration, people=people)
    return registration


# --- Proposals, approval, cancellation


def check_office_open(start: dt.datetime, end: dt.datetime) -> None:
    """Raise EventError when the office is closed on a day of ``start``–``end`` (Asia/Tokyo):
    the facilities app decides (year end, closures staff entered, holidays, closing days)."""
    from facilities.selectors import office_closed_reason

    day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    while day <= last:
        reason = office_closed_reason(day)
        if reason:
            raise EventError(
                _(
                    "The office is closed on %(date)s (%(reason)s). Choose another day, "
                    "or hold the event at an outside venue."
                )
                % {"date": date_format(day, "MONTH_DAY_FORMAT"), "reason": reason}
            )
        day += dt.timedelta(days=1)


@transaction.atomic
def event_propose(*, actor, group, image=None, at_office: bool = False, **fields) -> Event:
    """A member of a registered group proposes an event for the group; staff approve it.
    ``at_office``: the group asks for the office's meeting space (staff book the room when they
    approve), so a day the office is closed is refused at once."""
    from events.permissions import can_propose_for

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
    log_action(actor=actor, action="event.propose", target=event, group=group.slug)
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
    log_action(actor=actor, action="event.approve", target=event)
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
    log_action(actor=actor, action="event.reject", target=event, reason=reason)
    pk = event.pk
    transaction.on_commit(lambda: emails.proposal_decided(pk, approved=False))
    return event


def check_event_cancellable(event: Event) -> None:
    """Raise EventError unless the event can be cancelled: only a published event can.

    A cancelled event is shown to everyone as an announced cancellation (with the office's
    note as the reason), so cancelling a proposal or a draft would publish it.
    """
    if event.is_cancelled:
        raise EventError(_("This event has already been cancelled."))
    if not event.is_published:
        raise EventError(
            _(
                "Only a published event can be cancelled. Return a proposal to its group, "
                "or keep the event as a draft."
            )
        )


@transaction.atomic
def event_cancel(*, actor, event: Event, reason: str = "") -> Event:
    """Cancel a published event: live registrations are cancelled and told, the room is
    released, and the event stays listed as cancelled."""
    event = _lock(event)
    check_event_cancellable(event)
    notify = list(
        event.registrations.filter(
            status__in=[S.CONFIRMED, S.WAITLISTED, S.LOTTERY_APPLIED, S.PENDING_GUEST],
            is_walk_in=False,
        ).values_list("pk", flat=True)
    )
    event.registrations.filter(pk__in=notify).update(
        status=S.CANCELLED, cancelled_at=timezone.now(), waitlist_position=None
    )
    event.status = Event.Status.CANCELLED
    # It is public now, even if it was published without event_approve.
    event.published_at = event.published_at or timezone.now()
    if reason:
        event.staff_note = reason
    event.save(update_fields=["status", "published_at", "staff_note", "updated_at"])
    event_release_room(actor=actor, event=event, reason=reason or _("Event cancelled"))
    log_action(actor=actor, action="event.cancel", target=event, reason=reason, told=len(notify))
    if notify:
        pk = event.pk
        transaction.on_commit(lambda: emails.event_cancelled(pk, notify))
    return event


# --- The office room (through the facilities app's booking rules)


def _facilities():
    """The facilities app's services (imported late: events is usable on its own)."""
    from facilities import services as facility_services

    return facility_services


@transaction.atomic
def event_book_room(*, actor, event: Event, room):
    """Book ``room`` for the event's time through the facilities booking rules (the same
    exclusion constraint as every booking). Replaces an earlier booking of the event; on a
    clash nothing changes and EventError carries the facilities message."""
    facilities = _facilities()
    event = _lock(event)
    current = event.booking if event.booking_id else None
    if (
        current is not None
        and current.room_id == room.pk
        and current.start == event.start
        and current.end == event.end
    ):
        return current
    try:
        with transaction.atomic():
            if current is not None and current.is_open:
                facilities.booking_cancel(
                    actor=actor, booking=current, reason=_("Event moved to another room or time")
                )
            booking = facilities.booking_create(
                actor=actor,
                room=room,
                start=event.start,
                end=event.end,
                group=event.organiser,
                purpose=event.title,
                attendees=event.capacity,
                kind="event",
            )
    except facilities.BookingError as exc:
        raise EventError(str(exc)) from exc
    event.booking = booking
    event.save(update_fields=["booking", "updated_at"])
    log_action(actor=actor, action="event.book_room", target=event, room=str(room))
    return booking


@transaction.atomic
def event_release_room(*, actor, event: Event, reason: str = "") -> None:
    if not event.booking_id:
        return
    facilities = _facilities()
    booking = event.booking
    if booking.is_open:
        facilities.booking_cancel(actor=actor, booking=booking, reason=reason)
    event.booking = None
    event.save(update_fields=["booking", "updated_at"])
    log_action(actor=actor, action="event.release_room", target=event)


# --- Reminders


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail confirmed participants of events that start tomorrow (once per event)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=timezone.get_current_timezone())
    end = start + dt.timedelta(days=1)
    sent = 0
    events = Event.objects.published().filter(
        start__gte=start, start__lt=end, reminder_sent_at__isnull=True
    )
    for event in events:
        with transaction.atomic():
            locked = (
                Event.objects.select_for_update(skip_locked=True)
                .filter(pk=event.pk, reminder_sent_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            ids = list(
                locked.registrations.filter(status=S.CONFIRMED, is_walk_in=False).values_list(
                    "pk", flat=True
                )
            )
            locked.reminder_sent_at = now
            locked.save(update_fields=["reminder_sent_at"])
            transaction.on_commit(lambda ids=ids: emails.reminders(ids))
            sent += len(ids)
    return sent


# --- Surveys


def _normalise_answer(question: Question, raw) -> dict:
    """The stored form of one answer, or SurveyError."""
    empty = raw in (None, "", [], ())
    if empty:
        if question.required:
            raise SurveyError(_("Please answer “%(question)s”.") % {"question": question.text})
        return {}
    if question.kind == Question.Kind.SINGLE:
        value = raw[0] if isinstance(raw, list | tuple) else raw
        if value not in question.option_list:
            raise SurveyError(
                _("Choose one of the options for “%(question)s”.") % {"question": question.text}
            )
        return {"choices": [value]}
    if question.kind == Question.Kind.MULTIPLE:
        values = list(raw) if isinstance(raw, list | tuple) else [raw]
        if any(v not in question.option_list for v in values):
            raise SurveyError(
                _("Choose among the options for “%(question)s”.") % {"question": question.text}
            )
        return {"choices": [o for o in question.option_list if o in values]}
    if question.kind == Question.Kind.RATING:
        try:
            rating = int(raw)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise SurveyError(_("Rate “%(question)s” from 1 to 5.") % {"question": question.text})
        return {"rating": rating}
    text = str(raw).strip()
    limit = 200 if question.kind == Question.Kind.SHORT_TEXT else 4000
    if len(text) > limit:
        raise SurveyError(
            _("The answer to “%(question)s” is too long (at most %(n)d characters).")
            % {"question": question.text, "n": limit}
        )
    if not text:
        if question.required:
            raise SurveyError(_("Please answer “%(question)s”.") % {"question": question.text})
        return {}
    return {"text": text}


@transaction.atomic
def survey_submit(
    *,
    survey: Survey,
    answers: dict,
    user=None,
    registration: Registration | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Save one person's answers (all or nothing). ``answers`` maps question id to a value
    (a list for multiple choice)."""
    from events.permissions import can_answer_survey, respondent_group

    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open(now):
        raise SurveyError(_("This survey is not open for answers."))
    if not can_answer_survey(user, survey, registration=registration):
        raise PermissionDenied
    if user is not None and user.is_authenticated:
        registration = None
        done = survey.responses.filter(user=user).exists()
    else:
        user = None
        done = survey.responses.filter(registration=registration).exists()
    if done:
        raise SurveyError(_("You have already answered this survey. Thank you."))
    rows = []
    for question in survey.questions.all():
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        stored = _normalise_answer(question, raw)
        if stored:
            rows.append(Answer(question=question, **stored))
    if not rows:
        raise SurveyError(_("Please answer at least one question."))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                user=user,
                registration=registration,
                group=respondent_group(user, survey, registration),
                submitted_at=now,
            )
    except IntegrityError as exc:
        raise SurveyError(_("You have already answered this survey. Thank you.")) from exc
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    log_action(actor=user, action="survey.answer", target=survey, response=response.pk)
    return response


def survey_send_invitations(*, actor, survey: Survey, now: dt.datetime | None = None) -> int:
    """E-mail the people who may answer (once per survey); returns how many were asked."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.invitations_sent_at is not None:
            raise SurveyError(_("The invitations for this survey have already been sent."))
        if not locked.is_open(now):
            raise SurveyError(_("Open the survey before sending invitations."))
        from events.selectors import survey_invitees

        invitees = survey_invitees(locked)
        locked.invitations_sent_at = now
        locked.save(update_fields=["invitations_sent_at"])
        log_action(actor=actor, action="survey.invite", target=locked, count=len(invitees))
        pk = locked.pk
        transaction.on_commit(lambda: emails.survey_invitations(pk, invitees))
    return len(invitees)


def surveys_send_due(*, now: dt.datetime | None = None) -> int:
    """Invite attendees to open event surveys once the event has ended (the cron job)."""
    now = now or timezone.now()
    count = 0
    for survey in Survey.objects.open(now).filter(
        audience=Survey.Audience.ATTENDEES,
        invitations_sent_at__isnull=True,
        event__end__lte=now,
    ):
        try:
            count += survey_send_invitations(actor=None, survey=survey, now=now)
        except SurveyError as exc:
            logger.info("survey %s not sent: %s", survey.slug, exc)
    return count

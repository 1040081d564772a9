"""The events app's rules, one definition each: when an event takes registrations, how many
people one registration may bring, valid registration and survey answers, the limits on guests
without an account, when attendance may be recorded, which days the office is closed, which
events can be cancelled, the lottery's drawn order. The functions here read and raise an error
with a message for the user; they never write (``events.services`` writes, ``events.selectors``
names the reads)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events import selectors
from events.models import Event, Question, Registration, RegistrationQuestion
from facilities.selectors import office_closed_reason


class RegistrationError(Exception):
    """Why a registration, confirmation or cancellation was refused (a user-facing message)."""


class EventError(Exception):
    """Why a proposal, approval, cancellation, lottery draw or room booking was refused."""


class SurveyError(Exception):
    """Why a survey answer was refused."""


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def check_registration_open(event: Event, now: dt.datetime | None = None) -> None:
    """Raise RegistrationError when the event takes no registrations at ``now``."""
    now = now or timezone.now()
    if event.is_cancelled:
        raise RegistrationError(_("This event has been cancelled."))
    if event.status == Event.Status.PROPOSED:
        raise RegistrationError(
            _("This event awaits the office's approval. Registration opens once it is published.")
        )
    if event.status == Event.Status.DRAFT:
        raise RegistrationError(
            _("This event is not published yet. Registration opens once it is published.")
        )
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


def check_people(event: Event, people: int, *, guest: bool = False) -> None:
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


def clean_registration_answers(event: Event, answers: dict | None) -> dict[int, str]:
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


def new_registration_status(event: Event, people: int, now: dt.datetime) -> tuple[str, int | None]:
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


def already_registered_message(existing: Registration) -> str:
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


def check_guest_limits(event: Event, *, email: str, client_key: str, now: dt.datetime) -> None:
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


def check_event_status_change(event: Event, target: str, reason: str = "") -> None:
    """Raise EventError unless staff may move ``event`` (as stored) to ``target`` now, with the
    message staff see; the same status is no change and passes. The steps are drawn in
    events/services/status.py: approve or return (with a note) a proposal, publish a draft,
    unpublish before anyone holds a place, cancel (with a reason; final)."""
    Status = Event.Status
    current = event.status
    if target == current:
        return
    if current == Status.CANCELLED:
        raise EventError(
            _(
                "This event has been cancelled and stays cancelled: its registrations were "
                "cancelled and everyone was told. Make a new event instead."
            )
        )
    if target == Status.PUBLISHED:
        return  # from a proposal or a draft: event_approve
    if target == Status.CANCELLED:
        check_event_cancellable(event)
        if not reason.strip():
            raise EventError(
                _("Give the reason for the cancellation: it is shown on the event's page.")
            )
        return
    if target == Status.DRAFT and current == Status.PROPOSED:
        if not reason.strip():
            raise EventError(
                _("Write a note for the group: it tells them why the proposal was returned.")
            )
        return
    if target == Status.DRAFT and current == Status.PUBLISHED:
        if event.has_ended():
            raise EventError(_("This event has already taken place; it cannot be unpublished."))
        held = event.registrations.filter(status__in=Registration.LIVE, is_walk_in=False).count()
        if held:
            raise EventError(
                _(
                    "%(n)d registrations hold or wait for a place: cancel the event instead, "
                    "so that they are told."
                )
                % {"n": held}
            )
        return
    if target == Status.PROPOSED:
        raise EventError(_("Only a group proposes an event; staff publish or keep it as a draft."))
    raise EventError(_("This change of status is not possible."))


def check_office_open(start: dt.datetime, end: dt.datetime) -> None:
    """Raise EventError when the office is closed on a day of ``start``–``end`` (Asia/Tokyo):
    the facilities app decides (year end, closures staff entered, holidays, closing days)."""
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


def event_schedule(event: Event) -> tuple[dt.datetime, dt.datetime, str]:
    """What the people coming plan around: when the event starts and ends, and where it is."""
    return (event.start, event.end, event.place_label)


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


def draw_order(applicants: list, seed: str) -> list:
    """The applicants (given in id order) in drawn order: a uniform random permutation
    (Fisher–Yates in ``random.shuffle``) determined by ``seed``."""
    drawn = list(applicants)
    random.Random(seed).shuffle(drawn)
    return drawn


def clean_survey_answer(question: Question, raw) -> dict:
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

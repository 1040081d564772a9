"""Registrations of signed-in people and of staff on someone's behalf, and cancelling them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_action
from events import selectors
from events.models import Event, Registration, RegistrationAnswer
from events.permissions import can_cancel_registration, can_register_for_group
from events.rules import (
    RegistrationError,
    already_registered_message,
    check_people,
    check_registration_open,
    clean_registration_answers,
    new_registration_status,
)
from events.services._places import (
    _lock,
    _notify_status,
    _release_expired_locked,
    waitlist_promote,
)


def _save_answers(registration: Registration, answers: dict[int, str]) -> None:
    RegistrationAnswer.objects.bulk_create(
        [
            RegistrationAnswer(registration=registration, question_id=qid, value=value)
            for qid, value in answers.items()
        ]
    )


@transaction.atomic
def registration_create(
    *,
    actor,
    event: Event,
    people: int = 1,
    group=None,
    answers: dict | None = None,
    share_needs: bool = False,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Registration:
    """A signed-in person registers themself (confirmed, waiting list, or lottery application).
    ``notify=False`` skips the e-mail (demo data)."""
    now = now or timezone.now()
    if not (actor and actor.is_authenticated):
        raise PermissionDenied
    if group is not None and not can_register_for_group(actor, group):
        raise RegistrationError(_("You can only register for a group you belong to."))
    event = _lock(event)
    check_registration_open(event, now)
    check_people(event, people)
    clean_answers = clean_registration_answers(event, answers)
    _release_expired_locked(event, now)
    existing = selectors.live_registration_of(event, user=actor)
    if existing is not None:
        raise RegistrationError(already_registered_message(existing))
    status, position = new_registration_status(event, people, now)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                user=actor,
                group=group,
                people=people,
                status=status,
                waitlist_position=position,
                share_needs_with_organiser=share_needs,
                created_at=now,
                confirmed_at=now if status == Registration.Status.CONFIRMED else None,
            )
    except IntegrityError as exc:
        raise RegistrationError(_("You are already registered for this event.")) from exc
    _save_answers(registration, clean_answers)
    log_action(actor=actor, action="events.registration_create", target=registration, status=status)
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
    existing = selectors.live_registration_of(event, user=user, email=email)
    if existing is not None:
        raise RegistrationError(already_registered_message(existing))
    status, position = new_registration_status(event, people, now)
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
        confirmed_at=now if status == Registration.Status.CONFIRMED else None,
    )
    log_action(
        actor=actor, action="events.registration_add_by_staff", target=registration, status=status
    )
    if notify and registration.email:
        _notify_status(registration)
    return registration


@transaction.atomic
def registration_cancel(
    *, actor, registration: Registration, reason: str = "", now: dt.datetime | None = None
) -> Registration:
    """Cancel a registration; freed places go to the waiting list in order (with an e-mail).
    Signed-in actors cancel their own registrations (staff any); ``actor=None`` is a guest
    whose signed link the view has checked, or the system."""
    now = now or timezone.now()
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and not can_cancel_registration(actor, registration):
        raise PermissionDenied
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in Registration.LIVE:
        raise RegistrationError(_("This registration has already been cancelled."))
    staff = is_office_staff(actor)
    if event.has_started(now) and not staff:
        raise RegistrationError(
            _("The event has already started; please contact the office to cancel.")
        )
    registration.status = Registration.Status.CANCELLED
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
    log_action(actor=actor, action="events.registration_cancel", target=registration, reason=reason)
    waitlist_promote(event=event, now=now)
    return registration


def registrations_release_expired(*, now: dt.datetime | None = None) -> int:
    """Release every unconfirmed guest place whose time limit passed (the cron job)."""
    now = now or timezone.now()
    released = 0
    for event_id in selectors.events_with_expired_holds(now):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            released += _release_expired_locked(event, now)
    return released

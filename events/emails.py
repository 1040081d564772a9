"""E-mails of the events app. Services call these after their transaction commits, with ids;
each message is rendered from ``events/email/<name>.txt`` (first line: the subject) and, when it
confirms a place, carries the event's ``.ics``. A failing mail server is logged, never raised:
the registration itself is already saved."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.links import absolute_url as absolute
from events import ics, selectors, tokens
from events.models import Event, Registration, Survey

logger = logging.getLogger(__name__)


def _send(
    template: str, to: str, context: dict, *, event: Event | None = None, secret: bool = False
) -> bool:
    if not to:
        return False
    context = {"site_url": settings.SITE_URL, "office_email": settings.OFFICE_EMAIL, **context}
    if event is not None:
        context.setdefault("event", event)
        context.setdefault("event_url", absolute(event.get_absolute_url()))
    # In the office's language, prefix ([まちづくり協働オフィス] ) included, whatever the language
    # of the page whose request sent it: a place handed on reaches someone else entirely.
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"events/email/{template}.txt", context).strip()
        prefix = str(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        calendar = ics.event_ics(event) if event is not None and context.get("attach_ics") else None
    subject, _sep, body = text.partition("\n")
    message = EmailMessage(
        subject=(prefix + subject.strip())[:200],
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        # A mail with a one-time link is kept in the mail log by subject only (maillog).
        headers={"X-Kyodo-Secret": "1"} if secret else None,
    )
    if calendar is not None:
        message.attach("event.ics", calendar, "text/calendar")
    try:
        message.send()
    except Exception:  # the mail server is down: log it, the registration stands
        logger.exception("could not send %s e-mail to %s", template, to)
        return False
    return True


def _registrations(ids):
    return (
        Registration.objects.filter(pk__in=list(ids))
        .select_related("event", "event__organiser", "user")
        .order_by("pk")
    )


def _manage_url(registration: Registration) -> str:
    if registration.user_id:
        return absolute(registration.event.get_absolute_url())
    token = tokens.guest_manage_token(registration)
    return absolute(reverse("events:guest_manage", kwargs={"token": token}))


def _send_for_status(registration: Registration, templates: dict[str, str]) -> None:
    """The mail ``templates`` names for the registration's status (none for another status).

    A confirmed place carries the event's .ics; a place on the waiting list says its rank."""
    context = {"registration": registration, "manage_url": _manage_url(registration)}
    template = templates.get(registration.status)
    if template is None:
        return
    if registration.status == Registration.Status.CONFIRMED:
        context["attach_ics"] = True
    elif registration.status == Registration.Status.WAITLISTED:
        context["rank"] = selectors.waitlist_rank(registration)
    _send(template, registration.email, context, event=registration.event)


def registration_status(pk: int) -> None:
    """What a new (or newly confirmed) registration now is: confirmed, waiting list, lottery."""
    for registration in _registrations([pk]):
        _send_for_status(
            registration,
            {
                Registration.Status.CONFIRMED: "confirmed",
                Registration.Status.WAITLISTED: "waitlisted",
                Registration.Status.LOTTERY_APPLIED: "lottery_applied",
            },
        )


def registration_promoted(pk: int) -> None:
    for registration in _registrations([pk]):
        if registration.status != Registration.Status.CONFIRMED:
            continue
        _send(
            "promoted",
            registration.email,
            {
                "registration": registration,
                "manage_url": _manage_url(registration),
                "attach_ics": True,
            },
            event=registration.event,
        )


def guest_confirmation_link(pk: int) -> None:
    for registration in _registrations([pk]):
        token = tokens.guest_confirm_token(registration)
        _send(
            "guest_confirm",
            registration.guest_email,
            {
                "registration": registration,
                "confirm_url": absolute(reverse("events:guest_confirm", kwargs={"token": token})),
            },
            event=registration.event,
            secret=True,
        )


def lottery_results(ids) -> None:
    for registration in _registrations(ids):
        _send_for_status(
            registration,
            {
                Registration.Status.CONFIRMED: "lottery_won",
                Registration.Status.WAITLISTED: "lottery_waitlisted",
                Registration.Status.LOTTERY_LOST: "lottery_lost",
            },
        )


def reminders(ids) -> None:
    for registration in _registrations(ids):
        if registration.status != Registration.Status.CONFIRMED:
            continue
        _send(
            "reminder",
            registration.email,
            {
                "registration": registration,
                "manage_url": _manage_url(registration),
                "attach_ics": True,
            },
            event=registration.event,
        )


def event_cancelled(event_pk: int, ids) -> None:
    event = Event.objects.filter(pk=event_pk).first()
    if event is None:
        return
    for registration in _registrations(ids):
        _send(
            "event_cancelled",
            registration.email,
            {"registration": registration, "attach_ics": True},
            event=event,
        )


def event_moved(event_pk: int, ids, before: tuple) -> None:
    """The event's time or place changed: each person gets the old and the new, and a fresh .ics
    (same UID, so a calendar that imported the first one updates it)."""
    event = Event.objects.select_related("organiser", "booking__room").filter(pk=event_pk).first()
    if event is None:
        return
    start, end, place = before
    was = SimpleNamespace(start=start, end=end, place_label=place)
    for registration in _registrations(ids):
        _send(
            "event_moved",
            registration.email,
            {
                "registration": registration,
                "was": was,
                "manage_url": _manage_url(registration),
                "attach_ics": registration.status == Registration.Status.CONFIRMED,
            },
            event=event,
        )


def proposal_received(event_pk: int) -> None:
    event = Event.objects.select_related("organiser", "proposed_by").filter(pk=event_pk).first()
    if event is None:
        return
    admin_url = absolute(reverse("admin:events_event_change", args=[event.pk]))
    _send("proposal_office", settings.OFFICE_EMAIL, {"admin_url": admin_url}, event=event)
    if event.proposed_by_id:
        _send("proposal_received", event.proposed_by.email, {}, event=event)


def proposal_decided(event_pk: int, *, approved: bool) -> None:
    event = Event.objects.select_related("organiser", "proposed_by").filter(pk=event_pk).first()
    if event is None or not event.proposed_by_id:
        return
    _send(
        "proposal_approved" if approved else "proposal_returned",
        event.proposed_by.email,
        {},
        event=event,
    )


def survey_invitations(survey_pk: int, invitees) -> None:
    survey = Survey.objects.select_related("event").filter(pk=survey_pk).first()
    if survey is None:
        return
    for invitee in invitees:
        url = absolute(survey.get_absolute_url())
        if invitee.get("token"):
            url += "?t=" + invitee["token"]
        _send(
            "survey_invitation",
            invitee["email"],
            {"survey": survey, "survey_url": url, "name": invitee.get("name", "")},
        )

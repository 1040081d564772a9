"""Running an event, for its organising group and the office (issue 15 part 2).

Every page here fetches its event through ``permissions.event_for_manager`` (the one rule,
``can_manage_event``: office staff for every event, members of the registered organising group
for their own). What organisers see is what the office sees, less three things: e-mail
addresses (they write to their registrants through the office's message sender), the staff's
notes, and the answers to accessibility-needs questions (配慮事項) of the registrants who did
not agree to share them (``permissions.can_see_needs``).

The door list, its CSV, attendance and walk-ins live in ``events.views`` and use the same
fetch and the same filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import is_office_staff
from events import selectors, services
from events.models import Event, Registration
from events.permissions import can_see_needs, event_for_manager


@dataclass
class Shown:
    """What the viewer may read of one registration's answers, by question id; ``withheld``:
    some accessibility-needs answers are kept from the viewer (no consent)."""

    answers: dict[int, str]
    withheld: bool = False


def shown_answers(user, event: Event, registration: Registration) -> Shown:
    """The registration's answers (prefetched with their questions) that ``user`` may read."""
    answers: dict[int, str] = {}
    withheld = False
    needs_visible = None
    for answer in registration.answers.all():
        if answer.question.is_accessibility:
            if needs_visible is None:
                needs_visible = can_see_needs(user, event, registration)
            if not needs_visible:
                withheld = withheld or answer.is_affirmative
                continue
        answers[answer.question_id] = answer.value
    return Shown(answers=answers, withheld=withheld)


def attach_answers(user, event: Event, registrations, questions) -> None:
    """Set ``shown`` (a ``Shown``) and ``cells`` (the answers shown, in the order of
    ``questions``: ``(question, value)``) on each registration, for the templates."""
    for registration in registrations:
        registration.shown = shown_answers(user, event, registration)
        registration.cells = [
            (question, registration.shown.answers.get(question.pk, "")) for question in questions
        ]


def visible_checklist(user, event: Event, rows):
    """The door checklist (``selectors.checklist``) with only the answers ``user`` may read."""
    items = selectors.checklist(event, rows)
    if is_office_staff(user):
        return items
    for item in items:
        if item.question.is_accessibility:
            item.entries = [
                (registration, value)
                for registration, value in item.entries
                if can_see_needs(user, event, registration)
            ]
            item.people = sum(registration.people for registration, _value in item.entries)
    return items


def manager_context(request, event: Event) -> dict:
    """What every organiser page tells its template about the viewer."""
    staff = is_office_staff(request.user)
    return {"event": event, "viewer_is_staff": staff, "show_contact": staff}


@require_GET
def manage(request, slug):
    """The event's hub for its organisers: the numbers and the ways in."""
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    try:
        services.check_attendance_open(event)
        attendance_open = True
    except services.EventError:
        attendance_open = False
    context = manager_context(request, event)
    context.update(
        {
            "summary": selectors.attendance_summary(event),
            "waiting_people": selectors.waitlist_size(event),
            "attendance_open": attendance_open,
            "has_questions": event.questions.exists(),
        }
    )
    return render(request, "events/manage.html", context)


@require_GET
def registrants(request, slug):
    """Who registered: confirmed, the waiting list in its order, lottery applications and
    guests still to confirm, with party sizes and answers (配慮事項 only with consent)."""
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    groups = selectors.registrants(event)
    questions = list(event.questions.all())
    for rows in groups.values():
        attach_answers(request.user, event, rows, questions)
    context = manager_context(request, event)
    context.update(
        {
            "questions": questions,
            "confirmed": groups["confirmed"],
            "waiting": groups["waiting"],
            "lottery": groups["lottery"],
            "pending": groups["pending"],
            "confirmed_people": sum(r.people for r in groups["confirmed"]),
            "waiting_people": sum(r.people for r in groups["waiting"]),
            "lottery_people": sum(r.people for r in groups["lottery"]),
        }
    )
    return render(request, "events/registrants.html", context)

"""Staff's decisions on an event and on a survey, in the admin and anywhere else: publish,
unpublish, cancel, approve or return a proposal, open or close a survey; and staff's edits of
an event's details. Each checks the rule first (``check_event_status_change``, so that a form
can show the same message before anything is saved), locks the row, audits and notifies.

An event moves only along these steps::

    proposed ──approve──▶ published ──cancel──▶ cancelled (final)
        │                 ▲      │
      return            publish unpublish (nobody holds a place yet)
        ▼                 │      ▼
      draft ──────────────┘    draft

A cancelled event stays cancelled: its registrations were cancelled and everyone was told, so
"un-cancelling" it would publish an event nobody is registered for. Make a new event instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events.models import Event, Registration, Survey
from events.rules import EventError, SurveyError, check_event_status_change
from events.services._places import _lock
from events.services.lifecycle import event_after_edit, event_approve, event_cancel, event_reject
from events.services.rooms import event_book_room, event_release_room

# Keys of the audit rows written here (the <app>.<noun>_<verb> scheme).
EVENT_UNPUBLISH = "events.event_unpublish"
EVENT_UPDATE = "events.event_update"
SURVEY_OPEN = "events.survey_open"
SURVEY_CLOSE = "events.survey_close"
SURVEY_UPDATE = "events.survey_update"
REGISTRATION_UPDATE = "events.registration_update"

Status = Event.Status


@transaction.atomic
def event_unpublish(*, actor, event: Event) -> Event:
    """Take a published event off the site (back to a draft) before anyone has registered."""
    event = _lock(event)
    if event.status != Status.PUBLISHED:
        raise EventError(_("Only a published event can be unpublished."))
    check_event_status_change(event, Status.DRAFT)
    event.status = Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action=EVENT_UNPUBLISH, target=event)
    return event


@transaction.atomic
def event_status_set(*, actor, event: Event, status: str, reason: str = "") -> Event:
    """Move ``event`` to ``status`` through the service of that step (approve, return,
    unpublish, cancel): the rule is checked on the locked row, so a second click on a decided
    event is refused with the reason and changes nothing."""
    locked = _lock(event)
    if locked.status == status:
        raise EventError(
            _("This event is already “%(status)s”; nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    check_event_status_change(locked, status, reason)
    if status == Status.PUBLISHED:
        return event_approve(actor=actor, event=locked)
    if status == Status.CANCELLED:
        return event_cancel(actor=actor, event=locked, reason=reason.strip())
    if locked.status == Status.PROPOSED:
        return event_reject(actor=actor, event=locked, reason=reason.strip())
    return event_unpublish(actor=actor, event=locked)


@transaction.atomic
def event_update(
    *,
    actor,
    event: Event,
    changed: list[str],
    before: tuple | None = None,
    room=None,
    set_room: bool = False,
) -> Event:
    """Save staff's edit of an event's details (not its status: ``event_status_set``).

    ``event`` carries the new values; ``changed`` names the fields the form changed (nothing
    is written when it is empty); ``before`` is ``event_schedule`` of the stored event, so that
    a move in time or place tells everyone holding a place. ``set_room``: book ``room`` for
    the event's time (or release the room when ``room`` is None)."""
    changed = [name for name in changed if name not in ("status", "room")]
    is_new = event.pk is None
    if is_new:
        event.status = Status.DRAFT
    if changed or is_new:
        event.save()
        log_action(
            actor=actor,
            action=EVENT_UPDATE,
            target=event,
            fields=sorted(changed),
            created=is_new,
        )
    if set_room:
        if room is not None:
            event_book_room(actor=actor, event=event, room=room)
        else:
            event_release_room(actor=actor, event=event)
    if changed and not is_new:
        event_after_edit(actor=actor, event=event, before=before)
    event.refresh_from_db()
    return event


@transaction.atomic
def event_questions_update(*, actor, event: Event, formsets) -> int:
    """Save the admin's inline formsets of an event's registration questions; one audit row
    when anything changed. Returns how many questions were added, changed or deleted."""
    count = 0
    for formset in formsets:
        # Saving an unchanged formset writes nothing (and gives the admin its change lists).
        formset.save()
        count += (
            len(formset.new_objects) + len(formset.changed_objects) + len(formset.deleted_objects)
        )
    if not count:
        return 0
    log_action(actor=actor, action=EVENT_UPDATE, target=event, fields=["questions"], count=count)
    return count


def _lock_survey(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def survey_open(*, actor, survey: Survey) -> Survey:
    """Open a draft or closed survey for answers."""
    survey = _lock_survey(survey)
    if survey.status == Survey.Status.OPEN:
        raise SurveyError(_("This survey is already open; nothing was changed."))
    if not survey.questions.exists():
        raise SurveyError(_("Add at least one question before opening the survey."))
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise SurveyError(_("Its closing time has passed: set a later one first."))
    previous = survey.status
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status"])
    log_action(actor=actor, action=SURVEY_OPEN, target=survey, previous=previous)
    return survey


@transaction.atomic
def survey_close(*, actor, survey: Survey) -> Survey:
    """Stop taking answers (the results stay)."""
    survey = _lock_survey(survey)
    if survey.status != Survey.Status.OPEN:
        raise SurveyError(_("Only an open survey can be closed; nothing was changed."))
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    log_action(actor=actor, action=SURVEY_CLOSE, target=survey, answers=survey.responses.count())
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, changed: list[str], formsets=()) -> Survey:
    """Save staff's edit of a survey's text and questions (not its status: open and close have
    their own services). Nothing is written when nothing changed."""
    changed = [name for name in changed if name != "status"]
    is_new = survey.pk is None
    if is_new:
        survey.status = Survey.Status.DRAFT
    if changed or is_new:
        survey.save()
    questions = 0
    for formset in formsets:
        formset.instance = survey
        formset.save()  # an unchanged formset writes nothing
        questions += (
            len(formset.new_objects) + len(formset.changed_objects) + len(formset.deleted_objects)
        )
    if changed or is_new or questions:
        log_action(
            actor=actor,
            action=SURVEY_UPDATE,
            target=survey,
            fields=sorted(changed),
            questions=questions,
            created=is_new,
        )
    return survey


@transaction.atomic
def registration_update_by_staff(*, actor, registration: Registration, changed: list[str]):
    """Staff correct a registration's group, attendance or note in the admin (places, status
    and the person are changed only through registering and cancelling)."""
    allowed = {"group", "attended", "attended_people", "note"}
    changed = [name for name in changed if name in allowed]
    if not changed:
        return registration
    if "attended_people" in changed or "attended" in changed:
        if registration.status != Registration.Status.CONFIRMED:
            raise EventError(_("Only a confirmed registration can be marked as attended."))
        if not registration.attended:
            registration.attended_people = 0
        elif not registration.attended_people:
            registration.attended_people = registration.people
        if not 0 <= registration.attended_people <= 200:
            raise EventError(_("Enter a number of people between 0 and 200."))
    fields = set(changed)
    if fields & {"attended", "attended_people"}:
        fields |= {"attended", "attended_people"}
    registration.save(update_fields=sorted(fields))
    log_action(
        actor=actor,
        action=REGISTRATION_UPDATE,
        target=registration.event,
        registration=registration.pk,
        fields=sorted(changed),
    )
    return registration


EVENT_DELETE = "events.event_delete"
SURVEY_DELETE = "events.survey_delete"


def event_deletable(event: Event) -> bool:
    """Only a draft or a proposal nobody ever registered for can be deleted; anything that was
    public stays (cancelled, if need be) so that its history and figures remain."""
    return (
        event.status in (Status.DRAFT, Status.PROPOSED)
        and event.published_at is None
        and not event.registrations.exists()
        and not event.surveys.exists()
    )


@transaction.atomic
def event_delete(*, actor, event: Event) -> None:
    event = _lock(event)
    if not event_deletable(event):
        raise EventError(
            _("Only a draft nobody registered for can be deleted; cancel a published event.")
        )
    event_release_room(actor=actor, event=event, reason=_("Event deleted"))
    log_action(
        actor=actor, action=EVENT_DELETE, target=event, title=event.title, status=event.status
    )
    event.delete()


def survey_deletable(survey: Survey) -> bool:
    return survey.status == Survey.Status.DRAFT and not survey.responses.exists()


@transaction.atomic
def survey_delete(*, actor, survey: Survey) -> None:
    survey = _lock_survey(survey)
    if not survey_deletable(survey):
        raise SurveyError(_("Only a draft survey without answers can be deleted; close it."))
    log_action(actor=actor, action=SURVEY_DELETE, target=survey, title=survey.title)
    survey.delete()

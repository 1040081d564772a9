"""Every write of the events app: registration, waiting list, lottery, attendance, proposals,
rooms, reminders and surveys. Views, the admin, management commands and tests all call these,
through this package's names (``from events import services``; ``services.registration_create``).

One module per capability:

- ``registrations``: a signed-in person registers, staff register someone, cancelling.
- ``guests``: guests without an account and their e-mail confirmation.
- ``_places``: what they share: the event's row lock, the waiting list moving up, releasing
  unconfirmed holds.
- ``lottery``, ``attendance``, ``surveys``: the lottery draw, who came, survey answers.
- ``survey_history``: survey answers given in the past, recorded in bulk (the demo).
- ``history``: past events with their registrations and attendance recorded in bulk (the
  demo).
- ``lifecycle``: proposals, approval, edits that move an event, cancellation, reminders.
- ``status``: staff's decisions (publish, unpublish, cancel, return; open and close a survey)
  and staff's edits in the admin, each checked, audited and notified.
- ``rooms``: the office's room, through the facilities app's booking rules.

Capacity is guarded by a row lock on the event (``SELECT ... FOR UPDATE``): whoever registers,
cancels, confirms, draws or promotes holds the event's row, so two people can never take the
last place at once. The partial unique constraints on ``Registration`` are the second line
(one live registration per account and per guest e-mail). Reads live in ``events.selectors``;
the rules the services check (and their errors) in ``events.rules``.
"""

from events.rules import (
    GUEST_CONFIRM_MINUTES,
    GUEST_MAILS_PER_ADDRESS_PER_HOUR,
    GUEST_PENDING_PER_CLIENT,
    EventError,
    RegistrationError,
    SurveyError,
    attendance_opens,
    check_attendance_open,
    check_event_cancellable,
    check_event_status_change,
    check_office_open,
    check_registration_open,
    draw_order,
    event_schedule,
    guest_client_key,
    guest_confirm_minutes,
)
from events.services._places import waitlist_promote
from events.services.attendance import attendance_mark_all, attendance_record, walk_in_add
from events.services.guests import registration_confirm_guest, registration_create_guest
from events.services.history import (
    PastEvent,
    PastRegistration,
    events_record_bulk,
    registrations_record_bulk,
)
from events.services.lifecycle import (
    event_after_edit,
    event_approve,
    event_cancel,
    event_propose,
    event_reject,
    reminders_send,
)
from events.services.lottery import DrawResult, lotteries_draw_due, lottery_draw
from events.services.registrations import (
    registration_add_by_staff,
    registration_cancel,
    registration_create,
    registrations_release_expired,
)
from events.services.rooms import event_book_room, event_release_room
from events.services.status import (
    event_deletable,
    event_delete,
    event_questions_update,
    event_status_set,
    event_unpublish,
    event_update,
    registration_update_by_staff,
    survey_close,
    survey_deletable,
    survey_delete,
    survey_open,
    survey_update,
)
from events.services.survey_history import PastResponse, survey_responses_record_bulk
from events.services.surveys import survey_send_invitations, survey_submit, surveys_send_due

# The rules (events.rules) are exported here too, as callers have always used them.
__all__ = [
    "GUEST_CONFIRM_MINUTES",
    "GUEST_MAILS_PER_ADDRESS_PER_HOUR",
    "GUEST_PENDING_PER_CLIENT",
    "DrawResult",
    "EventError",
    "PastEvent",
    "PastRegistration",
    "PastResponse",
    "RegistrationError",
    "SurveyError",
    "attendance_mark_all",
    "attendance_opens",
    "attendance_record",
    "check_attendance_open",
    "check_event_cancellable",
    "check_event_status_change",
    "check_office_open",
    "check_registration_open",
    "draw_order",
    "event_after_edit",
    "event_approve",
    "event_book_room",
    "event_cancel",
    "event_deletable",
    "event_delete",
    "event_propose",
    "event_questions_update",
    "event_reject",
    "event_release_room",
    "event_schedule",
    "event_status_set",
    "event_unpublish",
    "event_update",
    "events_record_bulk",
    "guest_client_key",
    "guest_confirm_minutes",
    "lotteries_draw_due",
    "lottery_draw",
    "registration_add_by_staff",
    "registration_cancel",
    "registration_confirm_guest",
    "registration_create",
    "registration_create_guest",
    "registration_update_by_staff",
    "registrations_record_bulk",
    "registrations_release_expired",
    "reminders_send",
    "survey_close",
    "survey_deletable",
    "survey_delete",
    "survey_open",
    "survey_responses_record_bulk",
    "survey_send_invitations",
    "survey_submit",
    "survey_update",
    "surveys_send_due",
    "waitlist_promote",
    "walk_in_add",
]

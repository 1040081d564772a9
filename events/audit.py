"""The events app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import COUNT, FIELDS, REASON, ActionType, detail, register

PEOPLE = detail("people", pgettext_lazy("audit", "people"))
CHANGED = detail("changed", pgettext_lazy("audit", "rows changed"))
STATUS = detail("status", pgettext_lazy("audit", "status"))
ROOM = detail("room", pgettext_lazy("audit", "room"))
TOLD = detail("told", pgettext_lazy("audit", "people told"))
WON = detail("won", pgettext_lazy("audit", "won"))
WAITLISTED = detail("waitlisted", pgettext_lazy("audit", "waiting list"))
LOST = detail("lost", pgettext_lazy("audit", "not drawn"))
ANSWERS = detail("answers", pgettext_lazy("audit", "answers"))
TITLE = detail("title", pgettext_lazy("audit", "title"))

register(
    ActionType("events.event_propose", pgettext_lazy("audit", "proposed an event")),
    ActionType("events.event_approve", pgettext_lazy("audit", "approved and published the event")),
    ActionType(
        "events.event_reject", pgettext_lazy("audit", "declined the proposal"), details=[REASON]
    ),
    ActionType(
        "events.event_cancel", pgettext_lazy("audit", "cancelled the event"), details=[REASON, TOLD]
    ),
    ActionType("events.event_unpublish", pgettext_lazy("audit", "unpublished the event")),
    ActionType("events.event_update", pgettext_lazy("audit", "edited the event"), details=[FIELDS]),
    ActionType("events.event_delete", pgettext_lazy("audit", "deleted the event"), details=[TITLE]),
    ActionType(
        "events.event_move",
        pgettext_lazy("audit", "changed the event's date or place"),
        details=[TOLD],
    ),
    ActionType(
        "events.reminders_send",
        pgettext_lazy("audit", "sent the reminders"),
        details=[COUNT],
        nobody=pgettext_lazy("audit", "the portal (scheduled)"),
    ),
    ActionType(
        "events.event_book_room",
        pgettext_lazy("audit", "booked a room for the event"),
        details=[ROOM],
    ),
    ActionType("events.event_release_room", pgettext_lazy("audit", "released the event's room")),
    ActionType("events.registration_create", pgettext_lazy("audit", "signed up"), details=[STATUS]),
    ActionType(
        "events.registration_add_by_staff",
        pgettext_lazy("audit", "signed someone up"),
        details=[STATUS],
    ),
    ActionType(
        "events.registration_create_guest",
        pgettext_lazy("audit", "signed up without an account"),
        nobody=pgettext_lazy("audit", "a guest"),
    ),
    ActionType(
        "events.registration_confirm_guest",
        pgettext_lazy("audit", "confirmed a guest's sign-up"),
        details=[STATUS],
        nobody=pgettext_lazy("audit", "a guest"),
    ),
    ActionType(
        "events.registration_release_duplicate",
        pgettext_lazy("audit", "released a duplicate guest sign-up"),
    ),
    ActionType(
        "events.registration_cancel",
        pgettext_lazy("audit", "cancelled a sign-up"),
        details=[REASON],
    ),
    ActionType(
        "events.registration_update", pgettext_lazy("audit", "edited a sign-up"), details=[FIELDS]
    ),
    ActionType(
        "events.registrations_release_expired",
        pgettext_lazy("audit", "released unconfirmed sign-ups"),
        details=[COUNT],
        nobody=pgettext_lazy("audit", "the portal (scheduled)"),
    ),
    ActionType(
        "events.waitlist_promote",
        pgettext_lazy("audit", "moved a sign-up up from the waiting list"),
    ),
    ActionType(
        "events.lottery_draw",
        pgettext_lazy("audit", "drew the lottery"),
        details=[WON, WAITLISTED, LOST],
    ),
    ActionType(
        "events.attendance_record",
        pgettext_lazy("audit", "recorded attendance"),
        details=[CHANGED, PEOPLE],
    ),
    ActionType(
        "events.attendance_mark_all",
        pgettext_lazy("audit", "marked everyone as attended"),
        details=[CHANGED, PEOPLE],
    ),
    ActionType("events.walk_in_add", pgettext_lazy("audit", "added a walk-in"), details=[PEOPLE]),
    ActionType("events.survey_submit", pgettext_lazy("audit", "answered the survey")),
    ActionType(
        "events.survey_send_invitations",
        pgettext_lazy("audit", "sent the survey invitations"),
        details=[COUNT],
        nobody=pgettext_lazy("audit", "the portal (scheduled)"),
    ),
    ActionType("events.survey_open", pgettext_lazy("audit", "opened the survey")),
    ActionType(
        "events.survey_close", pgettext_lazy("audit", "closed the survey"), details=[ANSWERS]
    ),
    ActionType(
        "events.survey_update", pgettext_lazy("audit", "edited the survey"), details=[FIELDS]
    ),
    ActionType(
        "events.survey_delete", pgettext_lazy("audit", "deleted the survey"), details=[TITLE]
    ),
)

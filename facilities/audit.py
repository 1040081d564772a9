"""The facilities app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import (
    FIELDS,
    REASON,
    ActionType,
    detail,
    fields_detail,
    fiscal_year,
    flag,
    register,
)

HEADCOUNT = detail("headcount", pgettext_lazy("audit", "headcount"))
STATUS = detail("status", pgettext_lazy("audit", "status"))
NO_SHOWS = detail("no_shows", pgettext_lazy("audit", "no-shows"))
FISCAL_YEAR = detail("fiscal_year", pgettext_lazy("audit", "fiscal year"), show=fiscal_year)
DELTA = detail("delta", pgettext_lazy("audit", "change"))
WALK_INS = detail("count", pgettext_lazy("audit", "people"))
BOOKED = detail("booked", pgettext_lazy("audit", "booked"))
SKIPPED = detail("skipped", pgettext_lazy("audit", "skipped"))
LATE = flag("late", pgettext_lazy("audit", "late"))
DATE = detail("date", pgettext_lazy("audit", "date"))
CHANGES = fields_detail("changes")
BY_STAFF = flag("by_staff", pgettext_lazy("audit", "by the office"))

register(
    ActionType(
        "facilities.booking_create", pgettext_lazy("audit", "booked a room"), details=[STATUS]
    ),
    ActionType(
        "facilities.booking_cancel",
        pgettext_lazy("audit", "cancelled the booking"),
        details=[REASON, BY_STAFF],
    ),
    ActionType("facilities.booking_change", pgettext_lazy("audit", "changed the booking")),
    ActionType(
        "facilities.change_approved", pgettext_lazy("audit", "approved the change of booking")
    ),
    ActionType("facilities.booking_approve", pgettext_lazy("audit", "approved the booking")),
    ActionType(
        "facilities.booking_reject",
        pgettext_lazy("audit", "declined the booking"),
        details=[REASON],
    ),
    ActionType(
        "facilities.booking_edit", pgettext_lazy("audit", "edited the booking"), details=[FIELDS]
    ),
    ActionType(
        "facilities.booking_record_usage",
        pgettext_lazy("audit", "recorded the use"),
        details=[HEADCOUNT],
    ),
    ActionType("facilities.booking_mark_no_show", pgettext_lazy("audit", "recorded a no-show")),
    ActionType("facilities.booking_no_show_undo", pgettext_lazy("audit", "undid the no-show")),
    ActionType(
        "facilities.suspension_create",
        pgettext_lazy("audit", "suspended the group's bookings for no-shows"),
        details=[NO_SHOWS, FISCAL_YEAR],
    ),
    ActionType(
        "facilities.suspension_lift",
        pgettext_lazy("audit", "lifted the booking suspension"),
        details=[REASON],
    ),
    ActionType(
        "facilities.walk_in_adjust",
        pgettext_lazy("audit", "changed the walk-in count"),
        details=[DELTA],
    ),
    ActionType(
        "facilities.walk_in_set",
        pgettext_lazy("audit", "set the walk-in count"),
        details=[WALK_INS],
    ),
    ActionType(
        "facilities.group_feed_reset", pgettext_lazy("audit", "issued a new calendar address")
    ),
    ActionType(
        "facilities.series_create",
        pgettext_lazy("audit", "booked a recurring series"),
        details=[BOOKED, SKIPPED],
    ),
    ActionType(
        "facilities.loan_create",
        pgettext_lazy("audit", "asked to borrow equipment"),
        details=[STATUS],
    ),
    ActionType("facilities.loan_approve", pgettext_lazy("audit", "approved the loan")),
    ActionType(
        "facilities.loan_reject", pgettext_lazy("audit", "declined the loan"), details=[REASON]
    ),
    ActionType(
        "facilities.loan_cancel",
        pgettext_lazy("audit", "cancelled the loan"),
        details=[REASON, BY_STAFF],
    ),
    ActionType("facilities.loan_hand_out", pgettext_lazy("audit", "handed out the equipment")),
    ActionType(
        "facilities.loan_return", pgettext_lazy("audit", "took the equipment back"), details=[LATE]
    ),
    ActionType("facilities.loan_edit", pgettext_lazy("audit", "edited the loan"), details=[FIELDS]),
    ActionType(
        "facilities.closed_day_add",
        pgettext_lazy("audit", "added a closed day"),
        details=[DATE, REASON],
    ),
    ActionType(
        "facilities.closed_day_change",
        pgettext_lazy("audit", "changed a closed day"),
        details=[CHANGES],
    ),
    ActionType(
        "facilities.closed_day_remove",
        pgettext_lazy("audit", "removed a closed day"),
        details=[DATE],
    ),
    ActionType(
        "facilities.opening_hours_set",
        pgettext_lazy("audit", "set the opening hours"),
        details=[CHANGES],
    ),
    ActionType("facilities.opening_hours_remove", pgettext_lazy("audit", "removed opening hours")),
    ActionType("facilities.room_create", pgettext_lazy("audit", "added a room")),
    ActionType(
        "facilities.room_update",
        pgettext_lazy("audit", "changed the room's rules"),
        details=[CHANGES],
    ),
    ActionType("facilities.room_blocks_set", pgettext_lazy("audit", "set the room's time blocks")),
    ActionType(
        "facilities.settings_update",
        pgettext_lazy("audit", "changed the booking rules"),
        details=[CHANGES],
    ),
    ActionType("facilities.equipment_create", pgettext_lazy("audit", "added equipment")),
    ActionType(
        "facilities.equipment_update",
        pgettext_lazy("audit", "changed the equipment"),
        details=[CHANGES],
    ),
)

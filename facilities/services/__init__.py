"""Every change to rooms, bookings, loans and feeds goes through this package (views, admin,
commands, tests and the events app's office bookings alike). Each service is keyword-only and
atomic, writes its audit row in the same transaction, sends mail on commit, and raises
``BookingError`` (``BookingNotAllowed`` for "not you") with a message for the user.

The modules, by capability: ``bookings`` (check, book, cancel), ``changes`` (change a
booking) and ``change_checks`` (its dry run), ``series`` (recurring bookings), ``desk`` (staff
decisions, use, no-shows and their same-day undo, suspensions, walk-ins), ``history`` (past
bookings and walk-ins recorded in bulk, checked by ``history_checks``), ``loans`` (take-out
loans), ``calendars`` (private feeds), ``reminders``; for the admin, ``office`` (closed days,
opening hours, the office-wide rules), ``rooms`` (a room's rules and blocks, equipment) and
``details`` (a booking's or loan's details), whose ``*_check`` twins answer in the admin's
forms. Reads live in ``facilities.selectors``; the rules the services check live in
``facilities.rules``."""

from facilities.rules import (
    MAX_MONTHLY_REPEATS,
    MAX_WEEKLY_REPEATS,
    BookingError,
    BookingErrors,
    BookingNotAllowed,
    check_attendees,
)
from facilities.services.bookings import BookingCheck, booking_cancel, booking_check, booking_create
from facilities.services.calendars import (
    group_feed_create,
    group_feed_reset,
    group_feeds_create_bulk,
)
from facilities.services.change_checks import ChangeCheck, booking_change_check
from facilities.services.changes import booking_change
from facilities.services.desk import (
    booking_approve,
    booking_mark_no_show,
    booking_record_usage,
    booking_reject,
    suspension_lift,
    walk_in_adjust,
    walk_in_set,
)
from facilities.services.history import PastBooking, bookings_record_bulk, walk_ins_record_bulk
from facilities.services.loans import (
    loan_approve,
    loan_cancel,
    loan_create,
    loan_hand_out,
    loan_reject,
    loan_return,
)
from facilities.services.reminders import reminders_send
from facilities.services.series import SeriesResult, series_create

__all__ = [
    "MAX_MONTHLY_REPEATS",
    "MAX_WEEKLY_REPEATS",
    "BookingCheck",
    "BookingError",
    "BookingErrors",
    "BookingNotAllowed",
    "ChangeCheck",
    "PastBooking",
    "SeriesResult",
    "booking_approve",
    "booking_cancel",
    "booking_change",
    "booking_change_check",
    "booking_check",
    "booking_create",
    "booking_mark_no_show",
    "booking_record_usage",
    "booking_reject",
    "bookings_record_bulk",
    "check_attendees",
    "group_feed_create",
    "group_feed_reset",
    "group_feeds_create_bulk",
    "loan_approve",
    "loan_cancel",
    "loan_create",
    "loan_hand_out",
    "loan_reject",
    "loan_return",
    "reminders_send",
    "series_create",
    "suspension_lift",
    "walk_in_adjust",
    "walk_in_set",
    "walk_ins_record_bulk",
]

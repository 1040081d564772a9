"""The staff desk (受付): the day's bookings and loans, requests waiting, walk-in visitors.

Every desk action sends staff back to the row it came from (``#booking-<pk>``, ``#loan-<pk>``,
``#walk-ins``, ``#pending``) with its message shown in that row, not at the top of the page.
A no-show counts towards suspending a group, so it asks for confirmation first (a page of its
own, no JavaScript needed) and can be undone the same day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.fiscal import fiscal_year_of
from facilities import selectors, services
from facilities.forms import RejectForm, UsageForm, WalkInForm, parse_iso_date
from facilities.models import Booking, EquipmentLoan, FacilitySettings
from facilities.permissions import require_desk
from facilities.services import BookingError
from facilities.services.desk import booking_no_show_undo

ROW_TAG = "desk-row:"


def _desk_day(request) -> tuple[dt.date, str | None]:
    raw = request.GET.get("date") or request.POST.get("date")
    today = timezone.localdate()
    if not raw:
        return today, None
    try:
        return parse_iso_date(raw), None
    except ValueError:
        return today, _("The date could not be read (expected e.g. 2026-05-01): showing today.")


def _say(request, level, text: str, row: str) -> None:
    """A desk message for one row: shown in that row when the desk comes back."""
    messages.add_message(request, level, text, extra_tags=f"{ROW_TAG}{row}")


def _run(request, row: str, done, step) -> None:
    """One desk action: ``step()`` (a service call), then its refusal or ``done`` in the row."""
    try:
        step()
    except BookingError as exc:
        _say(request, messages.ERROR, str(exc), row)
    else:
        _say(request, messages.SUCCESS, done, row)


def _desk_messages(request) -> tuple[list, dict[str, list]]:
    """The page's messages: those of a row (shown in it) and the rest (shown at the top)."""
    general, rows = [], defaultdict(list)
    for message in messages.get_messages(request):
        tag = next((t for t in message.extra_tags.split() if t.startswith(ROW_TAG)), None)
        if tag:
            rows[tag.removeprefix(ROW_TAG)].append(message)
        else:
            general.append(message)
    return general, rows


@login_required
def desk(request):
    require_desk(request.user)
    day, problem = _desk_day(request)
    general, row_messages = _desk_messages(request)
    today = timezone.localdate()
    bookings = list(selectors.desk_bookings(day))
    for booking in bookings:
        booking.usage_form = UsageForm(
            initial={
                "headcount": booking.actual_headcount
                if booking.actual_headcount is not None
                else booking.attendees,
                "printing_masters": booking.printing_masters,
                "printing_sheets": booking.printing_sheets,
            },
            prefix=f"b{booking.pk}",
        )
        booking.row_messages = row_messages.get(f"booking-{booking.pk}", [])
        # The undo button is offered on the day the no-show was recorded (the service checks
        # the audit row; the booking's last change is the no-show at the desk).
        booking.no_show_undoable = (
            booking.status == Booking.Status.NO_SHOW
            and timezone.localdate(booking.updated_at) == today
        )
    loans = selectors.desk_loans(day)
    for group in (loans.overdue, loans.pickups, loans.returns, loans.pending):
        for loan in group:
            loan.row_messages = row_messages.get(f"loan-{loan.pk}", [])
    pending = list(selectors.pending_requests()[:100])
    for booking in pending:
        booking.request_messages = row_messages.get(f"request-{booking.pk}", [])
    return render(
        request,
        "facilities/desk.html",
        {
            "messages": general,
            "walk_in_messages": row_messages.get("walk-ins", []),
            "pending_messages": row_messages.get("pending", []),
            "loans_messages": row_messages.get("loans", []),
            "day": day,
            "today": today,
            "problem": problem,
            "bookings": bookings,
            "pending": pending,
            "walk_ins": selectors.walk_ins_on(day),
            "loans": loans,
            "reject_form": RejectForm(),
            "now": timezone.now(),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
        },
    )


def _back_to_desk(request, day: dt.date | None = None, *, row: str = ""):
    url = reverse("facilities:desk")
    if day and day != timezone.localdate():
        url += f"?date={day.isoformat()}"
    return redirect(f"{url}#{row}" if row else url)


def _desk_booking(request, pk) -> Booking:
    require_desk(request.user)
    return get_object_or_404(Booking.objects.select_related("room", "group"), pk=pk)


@require_POST
@login_required
def desk_record(request, pk):
    booking = _desk_booking(request, pk)
    day = timezone.localdate(booking.start)
    row = f"booking-{booking.pk}"
    form = UsageForm(request.POST, prefix=f"b{booking.pk}")
    if not form.is_valid():
        _say(request, messages.ERROR, _("Enter the headcount as a whole number (0 or more)."), row)
        return _back_to_desk(request, day, row=row)
    headcount = form.cleaned_data["headcount"]
    _run(
        request,
        row,
        _("Recorded %(n)d people for %(booking)s.") % {"n": headcount, "booking": booking},
        lambda: services.booking_record_usage(
            actor=request.user,
            booking=booking,
            headcount=headcount,
            printing_masters=form.cleaned_data.get("printing_masters") or 0,
            printing_sheets=form.cleaned_data.get("printing_sheets") or 0,
        ),
    )
    return _back_to_desk(request, day, row=row)


@login_required
def desk_no_show(request, pk):
    """GET (the desk's link) or POST without ``confirm``: the confirmation page, which says what
    a no-show means for the group; POST with ``confirm``: record it."""
    booking = _desk_booking(request, pk)
    day = timezone.localdate(booking.start)
    row = f"booking-{booking.pk}"
    if request.method == "POST" and request.POST.get("confirm"):
        _run(
            request,
            row,
            _("Recorded a no-show for %(booking)s. Undo it today if it was a mistake.")
            % {"booking": booking},
            lambda: services.booking_mark_no_show(actor=request.user, booking=booking),
        )
        return _back_to_desk(request, day, row=row)
    counted = booking.group is not None and booking.kind == Booking.Kind.GROUP
    year = fiscal_year_of(booking.start)
    return render(
        request,
        "facilities/desk_no_show.html",
        {
            "booking": booking,
            "counted": counted,
            "no_shows": selectors.no_shows_in_fiscal_year(booking.group, year) if counted else 0,
            "limit": FacilitySettings.load().no_show_limit,
            "back": _back_to_desk(request, day, row=row)["Location"],
        },
    )


@require_POST
@login_required
def desk_no_show_undo(request, pk):
    booking = _desk_booking(request, pk)
    row = f"booking-{booking.pk}"
    _run(
        request,
        row,
        _("The no-show of %(booking)s is undone: the booking is confirmed again.")
        % {"booking": booking},
        lambda: booking_no_show_undo(actor=request.user, booking=booking),
    )
    return _back_to_desk(request, timezone.localdate(booking.start), row=row)


@require_POST
@login_required
def desk_decide(request, pk):
    booking = _desk_booking(request, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.booking_approve(actor=request.user, booking=booking)
            done = _("Approved %(booking)s.") % {"booking": booking}
        elif decision == "reject":
            form = RejectForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.booking_reject(actor=request.user, booking=booking, reason=reason)
            done = _("Declined %(booking)s.") % {"booking": booking}
        else:
            _say(request, messages.ERROR, _("Choose approve or decline."), f"request-{pk}")
            return _back_to_desk(request, _desk_day(request)[0], row=f"request-{pk}")
    except BookingError as exc:
        _say(request, messages.ERROR, str(exc), f"request-{pk}")
        return _back_to_desk(request, _desk_day(request)[0], row=f"request-{pk}")
    # The request has left the list: back to the list's heading, the message with it.
    _say(request, messages.SUCCESS, done, "pending")
    return _back_to_desk(request, _desk_day(request)[0], row="pending")


def _desk_loan(request, pk) -> EquipmentLoan:
    require_desk(request.user)
    return get_object_or_404(EquipmentLoan.objects.select_related("group"), pk=pk)


def _desk_loan_step(request, pk, step, done: str):
    """One click at the desk: ``step`` (a loan service) on the loan, then back to its row."""
    loan = _desk_loan(request, pk)
    row = f"loan-{loan.pk}"
    _run(request, row, done % {"loan": loan}, lambda: step(actor=request.user, loan=loan))
    return _back_to_desk(request, _desk_day(request)[0], row=row)


@require_POST
@login_required
def desk_loan_hand_out(request, pk):
    return _desk_loan_step(request, pk, services.loan_hand_out, _("Handed out: %(loan)s."))


@require_POST
@login_required
def desk_loan_return(request, pk):
    return _desk_loan_step(request, pk, services.loan_return, _("Returned: %(loan)s."))


@require_POST
@login_required
def desk_loan_decide(request, pk):
    loan = _desk_loan(request, pk)
    decision = request.POST.get("decision")
    row = f"loan-{loan.pk}"
    try:
        if decision == "approve":
            services.loan_approve(actor=request.user, loan=loan)
            _say(request, messages.SUCCESS, _("Approved %(loan)s.") % {"loan": loan}, row)
        elif decision == "refuse":
            services.loan_reject(
                actor=request.user, loan=loan, reason=request.POST.get("reason", "")
            )
            _say(request, messages.SUCCESS, _("Declined %(loan)s.") % {"loan": loan}, "loans")
            row = "loans"
        else:
            _say(request, messages.ERROR, _("Choose approve or decline."), row)
    except BookingError as exc:
        _say(request, messages.ERROR, str(exc), row)
    return _back_to_desk(request, _desk_day(request)[0], row=row)


@require_POST
@login_required
def desk_walk_in(request):
    require_desk(request.user)
    day, problem = _desk_day(request)
    row = "walk-ins"
    if problem:
        _say(request, messages.ERROR, problem, row)
        return _back_to_desk(request, row=row)
    form = WalkInForm(request.POST)
    if not form.is_valid() or (
        form.cleaned_data.get("delta") is None and form.cleaned_data.get("count") is None
    ):
        _say(request, messages.ERROR, _("Enter the number of visitors as a whole number."), row)
        return _back_to_desk(request, day, row=row)
    try:
        if form.cleaned_data.get("count") is not None:
            result = services.walk_in_set(
                actor=request.user, day=day, count=form.cleaned_data["count"]
            )
        else:
            result = services.walk_in_adjust(
                actor=request.user, day=day, delta=form.cleaned_data["delta"]
            )
    except BookingError as exc:
        _say(request, messages.ERROR, str(exc), row)
    else:
        _say(
            request,
            messages.SUCCESS,
            _("Walk-in visitors on %(date)s: %(n)d.")
            % {"date": f"{day:%Y-%m-%d}", "n": result.count},
            row,
        )
    return _back_to_desk(request, day, row=row)

"""The staff desk (窓口): the day's bookings and loans, requests waiting, walk-in visitors.

Every desk action sends staff back to the row it came from (``#booking-<pk>``, ``#loan-<pk>``,
``#walk-ins``, ``#pending``) with its message shown in that row, not at the top of the page.
A no-show counts towards suspending a group, so it asks for confirmation first (a page of its
own, no JavaScript needed) and can be undone the same day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import dates
from core.fiscal import fiscal_year_of
from core.viewercache import viewer_page
from facilities import selectors, selectors_members, services
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


PK_MARK = 987654321
PENDING_SHOWN = 100


def _url_for_pk(name: str):
    """``reverse(name, pk=…)`` for many rows at the cost of one (a pk is digits only)."""
    head, tail = reverse(name, kwargs={"pk": PK_MARK}).split(str(PK_MARK))
    return lambda pk: f"{head}{pk}{tail}"


class _Input:
    """One field of a row's usage form as the template reads it: ``{{ field }}`` (the widget's
    own HTML, safe: only a pk and a number were put in) and ``{{ field.id_for_label }}``."""

    __slots__ = ("html", "id_for_label")

    def __init__(self, html: str, id_for_label: str):
        self.html = html
        self.id_for_label = id_for_label

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


class _UsageInputs:
    """The usage form's inputs of every row, each field rendered once through its widget with
    marks for the row's prefix and value, then filled in per row (a hundred rows' widgets
    through the template engine were most of the desk's time). Same HTML as ``UsageForm(
    initial=…, prefix=f"b{pk}")``: a pk and a whole number need no escaping."""

    ROW = "__row__"
    VALUE = "__value__"
    FIELDS = ("headcount", "printing_masters", "printing_sheets")

    def __init__(self):
        self._html: dict[tuple[str, bool], str] = {}
        self._ids = {
            name: UsageForm(prefix=f"b{self.ROW}")[name].id_for_label for name in self.FIELDS
        }

    def _widget(self, name: str, empty: bool) -> str:
        key = (name, empty)
        if key not in self._html:
            form = UsageForm(initial={name: None if empty else self.VALUE}, prefix=f"b{self.ROW}")
            self._html[key] = str(form[name])
        return self._html[key]

    def form(self, pk: int, initial: dict) -> dict[str, _Input]:
        row = str(pk)
        fields = {}
        for name in self.FIELDS:
            value = initial[name]
            html = self._widget(name, value is None).replace(self.ROW, row)
            if value is not None:
                html = html.replace(self.VALUE, str(int(value)))
            fields[name] = _Input(mark_safe(html), self._ids[name].replace(self.ROW, row))
        return fields


def _people(n: int) -> str:
    """「8人」: a number of people with its unit (the expected and the recorded headcount)."""
    return ngettext("%(n)s person", "%(n)s people", n) % {"n": n}


class _RowCells:
    """The cells of the desk's booking rows that every row has, built here (issue #20): a
    hundred rows through the template language were most of the desk's time. The markup is
    the one the template had (``desk.html`` keeps the rows' rare parts: a change's old and new
    times, a row's messages)."""

    def __init__(self, csrf_token: str, now: dt.datetime):
        self.now = now
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        )
        self.label = {
            key: escape(text)
            for key, text in {
                "room": _("Room"),
                "group": _("Group"),
                "purpose": _("Purpose"),
                "expected": _("Expected"),
                "status": _("Status"),
                "people": _("People"),
                "masters": _("Masters"),
                "sheets": _("Sheets"),
                "record_use": _("Record use"),
                "no_show": _("No-show…"),
                "not_started": _("not started yet"),
                "change": _("Change"),
                "undo": _("Undo the no-show"),
                "no_show_kept": _(
                    "No-show recorded (can be undone only on the day it was recorded)"
                ),
                "awaiting": _("Awaiting approval"),
                "decision": _("Decision"),
                "approve": _("Approve"),
                "reason": _("Reason"),
                "decline": _("Decline"),
            }.items()
        }

    def cells(self, booking) -> str:
        """The room, group, purpose, expected and status cells."""
        label = self.label
        group = booking.group.name if booking.group_id and booking.group.name else ""
        purpose = escape(booking.purpose)
        if booking.equipment_text:
            purpose += f'<br><span class="meta">{escape(booking.equipment_text)}</span>'
        status = escape(booking.status_label)
        if booking.status == Booking.Status.USED:
            status = _("%(status)s: %(used)s") % {
                "status": status,
                "used": escape(booking.used_label),
            }
        expected = escape(_people(booking.attendees))
        return mark_safe(
            f'<td class="desk-room" data-label="{label["room"]}">{escape(booking.room.name)}</td>\n'
            f'    <td data-label="{label["group"]}">{escape(group or booking.kind_label)}</td>\n'
            f'    <td data-label="{label["purpose"]}">{purpose}</td>\n'
            f'    <td class="num" data-label="{label["expected"]}">{expected}</td>\n'
            f'    <td data-label="{label["status"]}">{status}</td>'
        )

    def record(self, booking) -> str:
        """The record cell after the row's messages: the usage form, or why there is none."""
        label = self.label
        where = f"{escape(booking.room.name)} {booking.start_time}"
        if booking.kind == Booking.Kind.MAINTENANCE:
            html = "—"
        elif booking.status == Booking.Status.NO_SHOW:
            if booking.no_show_undoable:
                html = (
                    f'<form method="post" action="{booking.undo_url}">{self.csrf}'
                    f'<button type="submit" class="button--secondary">{label["undo"]}'
                    f'<span class="visually-hidden"> {where}</span></button></form>'
                )
            else:
                html = f'<span class="meta">{label["no_show_kept"]}</span>'
        elif booking.status == Booking.Status.REQUESTED:
            html = label["awaiting"]
        elif booking.start > self.now:
            html = f'<span class="meta">{label["not_started"]}</span>'
            if booking.status == Booking.Status.CONFIRMED and not booking.change_start:
                # A group that phones to change its booking: the change page, from the row.
                html += (
                    f'<p><a class="button button--secondary" href="{booking.change_url}">'
                    f'{label["change"]}<span class="visually-hidden"> {where}</span></a></p>'
                )
        else:
            form = booking.usage_form
            no_show = ""
            if booking.status in (Booking.Status.CONFIRMED, Booking.Status.USED):
                no_show = (
                    f'<p class="desk-no-show"><a class="button button--danger" '
                    f'href="{booking.no_show_url}">{label["no_show"]}'
                    f'<span class="visually-hidden"> {where}</span></a></p>'
                )
            fields = (
                f'<div><label for="{form["headcount"].id_for_label}">{label["people"]}'
                f'<span class="visually-hidden"> {where}</span></label>'
                f"{form['headcount']}</div>\n        "
                f'<div><label for="{form["printing_masters"].id_for_label}">'
                f"{label['masters']}</label>{form['printing_masters']}</div>\n        "
                f'<div><label for="{form["printing_sheets"].id_for_label}">'
                f"{label['sheets']}</label>{form['printing_sheets']}</div>"
            )
            html = (
                f'\n      <form method="post" action="{booking.record_url}">{self.csrf}'
                f"\n        \n        {fields}\n        \n        "
                f'<button type="submit">{label["record_use"]}</button>\n      </form>'
                f"\n      {no_show}\n    "
            )
        return mark_safe(html)

    def request_cells(self, booking) -> str:
        """A request's room, group, purpose and expected cells."""
        label = self.label
        purpose = escape(booking.purpose)
        if booking.equipment_text:
            purpose += f'<br><span class="meta">{escape(booking.equipment_text)}</span>'
        group = booking.group.name if booking.group_id and booking.group.name else "—"
        expected = escape(_people(booking.attendees))
        return mark_safe(
            f'<td class="desk-room" data-label="{label["room"]}">{escape(booking.room.name)}</td>'
            f'<td data-label="{label["group"]}">{escape(group)}</td>\n'
            f'    <td data-label="{label["purpose"]}">{purpose}</td>\n'
            f'    <td class="num" data-label="{label["expected"]}">{expected}</td>'
        )

    def decision(self, booking) -> str:
        """A request's two forms: approve, or decline with a reason."""
        label = self.label
        name = escape(str(booking))
        url = booking.decide_url
        return mark_safe(
            f'\n      <form method="post" action="{url}">{self.csrf}<button type="submit" '
            f'name="decision" value="approve">{label["approve"]}<span class="visually-hidden"> '
            f"{name}</span></button></form>\n"
            f'      <form method="post" action="{url}">{self.csrf}<div><label '
            f'for="reason-{booking.pk}">{label["reason"]}</label><input '
            f'id="reason-{booking.pk}" type="text" name="reason" maxlength="300"></div>'
            f'<button type="submit" name="decision" value="reject" class="button--danger">'
            f'{label["decline"]}<span class="visually-hidden"> {name}</span></button></form>\n'
            "    "
        )


@viewer_page("facilities:desk")
@login_required
def desk(request):
    """The day's desk. Reads (issue #20): the rooms, the day's bookings, the loans, the pending
    requests and the walk-ins, once each whatever the number of rows (``selectors_members``)."""
    require_desk(request.user)
    day, problem = _desk_day(request)
    general, row_messages = _desk_messages(request)
    now = timezone.now()
    today = timezone.localdate(now)
    rooms = selectors_members.rooms_by_id()
    bookings = selectors_members.desk_bookings(day, rooms)
    inputs = _UsageInputs()
    cells = _RowCells(get_token(request), now)
    record_url = _url_for_pk("facilities:desk_record")
    no_show_url = _url_for_pk("facilities:desk_no_show")
    undo_url = _url_for_pk("facilities:desk_no_show_undo")
    change_url = _url_for_pk("facilities:booking_change")
    days: dict = {}
    for booking in bookings:
        selectors_members.when_labels(booking, days)
        booking.usage_form = inputs.form(
            booking.pk,
            {
                "headcount": booking.actual_headcount
                if booking.actual_headcount is not None
                else booking.attendees,
                "printing_masters": booking.printing_masters,
                "printing_sheets": booking.printing_sheets,
            },
        )
        booking.record_url = record_url(booking.pk)
        booking.no_show_url = no_show_url(booking.pk)
        booking.undo_url = undo_url(booking.pk)
        booking.change_url = change_url(booking.pk)
        if booking.status == Booking.Status.USED:
            booking.used_label = _people(booking.actual_headcount)
        booking.row_messages = row_messages.get(f"booking-{booking.pk}", [])
        # The undo button is offered on the day the no-show was recorded (the service checks
        # the audit row; the booking's last change is the no-show at the desk).
        booking.no_show_undoable = (
            booking.status == Booking.Status.NO_SHOW
            and timezone.localdate(booking.updated_at) == today
        )
        booking.cells = cells.cells(booking)
        booking.record = cells.record(booking)
    loans = selectors_members.desk_loans(day, now)
    for group in (loans.overdue, loans.pickups, loans.returns, loans.pending):
        for loan in group:
            loan.row_messages = row_messages.get(f"loan-{loan.pk}", [])
    pending = selectors_members.pending_requests(rooms, PENDING_SHOWN, now)
    decide_url = _url_for_pk("facilities:desk_decide")
    for booking in pending:
        selectors_members.when_labels(booking, days)
        booking.decide_url = decide_url(booking.pk)
        booking.cells = cells.request_cells(booking)
        booking.decision = cells.decision(booking)
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
            "now": now,
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
            _("Walk-in visitors on %(date)s: %(n)d.") % {"date": dates.day(day), "n": result.count},
            row,
        )
    return _back_to_desk(request, day, row=row)

"""Changing a booking (予約の変更): the form, then a confirmation page that shows the booking
before and after the change, and only that page's POST changes it (as a new booking goes
book → book_confirm). The same view serves members (until the cancellation deadline) and staff
(at any time).

The answers travel to the confirmation page and back in a signed token bound to the user, the
booking and the booking as the page showed it: should the booking change meanwhile (staff, or
another member of the group), the final POST changes nothing and shows the form again. The
final POST calls ``services.booking_change``, which checks every rule again under its locks."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from facilities import selectors, services
from facilities.forms import BookingChangeForm, add_problems
from facilities.models import Booking, Equipment, Room
from facilities.permissions import booking_for_member, can_cancel_booking
from facilities.rules import error_list, local_time
from facilities.services import BookingError, BookingNotAllowed
from facilities.views import FORM_ONLY, _form_data

CHANGE_TOKEN_SALT = "facilities.booking_change.confirm"


def _shown(booking: Booking, form: BookingChangeForm) -> str:
    """The booking as the form starts from (room, day, times, attendees, purpose, equipment:
    the form's initial values, read already) and its status, in a few characters: the token
    carries it, so that the final POST knows whether the booking changed meanwhile."""
    text = repr((booking.status, sorted((k, str(v)) for k, v in form.initial.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _token_for(request, booking: Booking, form: BookingChangeForm) -> str:
    fields = {key: form.data.getlist(key) for key in form.data if key not in FORM_ONLY}
    payload = {"u": request.user.pk, "b": booking.pk, "v": _shown(booking, form), "f": fields}
    return signing.dumps(payload, salt=CHANGE_TOKEN_SALT)


def _payload_from_token(request, booking: Booking) -> dict | None:
    """The confirmation page's token, when it is this user's for this booking."""
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=CHANGE_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("u") != request.user.pk or payload.get("b") != booking.pk:
        return None
    return payload


def _change_arguments(form: BookingChangeForm) -> dict | None:
    """What the form says, as ``booking_change`` arguments (None while the time is unknown); a
    field the form refused is left as the booking has it (the form says what is wrong)."""
    data = form.cleaned_data
    if "start" not in data or "room" not in data:
        return None
    return {
        "room": data["room"],
        "start": data["start"],
        "end": data["end"],
        "attendees": data.get("attendees"),
        "purpose": data.get("purpose"),
        "equipment": form.equipment_all(),
    }


def _check(request, booking: Booking, form: BookingChangeForm):
    """Every problem at once: the form's own and the change's (``booking_change_check``, the
    dry run) beside them. Returns the check, or None while the time is unknown."""
    form.is_valid()
    arguments = _change_arguments(form)
    if arguments is None:
        return None
    check = services.booking_change_check(actor=request.user, booking=booking, **arguments)
    if check.forbidden:
        raise PermissionDenied(str(check.forbidden))
    problems = check.errors
    if form.errors:  # "nothing was changed" is no news beside the form's own errors
        problems = [p for p in problems if p.code != "unchanged"]
    if "attendees" in form.errors:  # the field says it already, in its own words
        problems = [p for p in problems if p.code not in ("attendees", "capacity")]
    add_problems(form, problems)
    if problems:
        messages.error(
            request, _("The booking was not changed: it stays as it was. See the reasons below.")
        )
    return check


def _equipment_lines(form: BookingChangeForm, quantities: dict) -> list[tuple[Equipment, int]]:
    return [(item, quantities[item.pk]) for item in form.equipment if quantities.get(item.pk)]


def _confirm_page(request, booking: Booking, form: BookingChangeForm, check):
    data = form.cleaned_data
    room, start, end = data["room"], local_time(data["start"]), local_time(data["end"])
    now_start, now_end = local_time(booking.start), local_time(booking.end)
    before_equipment = _equipment_lines(
        form,
        {item.pk: form.initial.get(f"equipment_{item.pk}") or 0 for item in form.equipment},
    )
    after_equipment = _equipment_lines(
        form, {item.pk: quantity for item, quantity in form.equipment_all().items()}
    )
    return render(
        request,
        "facilities/booking_change_confirm.html",
        {
            "booking": booking,
            "before": {
                "room": booking.room,
                "start": now_start,
                "end": now_end,
                "attendees": booking.attendees,
                "purpose": booking.purpose,
                "equipment": before_equipment,
            },
            "after": {
                "room": room,
                "start": start,
                "end": end,
                "attendees": data["attendees"],
                "purpose": data["purpose"].strip(),
                "equipment": after_equipment,
            },
            "changed": {
                "day": start.date() != now_start.date(),
                "time": (start.time(), end.time()) != (now_start.time(), now_end.time()),
                "room": room.pk != booking.room_id,
                "equipment": after_equipment != before_equipment,
                "attendees": data["attendees"] != booking.attendees,
                "purpose": data["purpose"].strip() != booking.purpose,
            },
            "deadline": start - dt.timedelta(hours=room.cancel_deadline_hours),
            "staff": is_office_staff(request.user),
            "needs_approval": check.needs_approval,
            "stays_requested": not check.needs_approval
            and check.status == Booking.Status.REQUESTED,
            "warnings": check.warnings,
            "token": _token_for(request, booking, form),
        },
    )


def _change(request, booking: Booking, form: BookingChangeForm):
    """The final POST: the change the confirmation page showed, every rule checked again
    under the locks. Returns the redirect, or None with the reasons on the form."""
    data = form.cleaned_data
    try:
        result = services.booking_change(
            actor=request.user,
            booking=booking,
            room=data["room"],
            start=data["start"],
            end=data["end"],
            attendees=data["attendees"],
            purpose=data["purpose"],
            equipment=form.equipment_all(),
        )
    except BookingNotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except BookingError as exc:
        add_problems(form, error_list(exc))
        messages.error(
            request,
            _("The booking was not changed: it stays as it was. See the reasons below."),
        )
        return None
    if result.pk != booking.pk:
        messages.success(
            request,
            _(
                "Your change was sent to the office for approval. Until staff decide, "
                "your booking stays as it was."
            ),
        )
    else:
        messages.success(request, _("Changed: %(booking)s.") % {"booking": result})
    if is_office_staff(request.user):
        # Staff change a group's booking from the desk: back to the desk of its (new) day.
        day = timezone.localdate(result.start)
        return redirect(f"{reverse('facilities:desk')}?date={day.isoformat()}#booking-{result.pk}")
    return redirect("facilities:bookings")


@login_required
def booking_change(request, pk):
    """Change an upcoming booking (予約の変更): the form (GET, and "back" from the
    confirmation with what was typed), the confirmation page (the form's POST, when the change
    can be made), the change itself (the confirmation page's POST)."""
    booking = booking_for_member(pk, request.user)
    rooms = Room.objects.active().prefetch_related("blocks").order_by("order", "name")
    if not is_office_staff(request.user):
        rooms = rooms.filter(online_booking=True)
    equipment = Equipment.objects.order_by("pk")
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    payload = None
    if action in ("change_confirmed", "back"):
        payload = _payload_from_token(request, booking)
        if payload is None:
            messages.error(
                request, _("The change could not be read back. Please fill in the form again.")
            )
            return redirect("facilities:booking_change", pk=booking.pk)
        data = _form_data(payload)
    form = BookingChangeForm(data, booking=booking, rooms=rooms, equipment=equipment)
    if action == "change_confirmed":
        if payload.get("v") != _shown(booking, form):
            messages.warning(
                request,
                _(
                    "The booking was changed meanwhile, by the office or another member of "
                    "your group, and your change was not made. Please check it again against "
                    "the booking as it is now."
                ),
            )
        elif form.is_valid():
            response = _change(request, booking, form)
            if response is not None:
                return response
    elif data is not None and action != "back":
        check = _check(request, booking, form)
        if check is not None and not form.errors:
            return _confirm_page(request, booking, form, check)
    return render(
        request,
        "facilities/booking_change.html",
        {
            "booking": booking,
            "form": form,
            "pending": selectors.pending_change(booking),
            "in_time": can_cancel_booking(request.user, booking) and booking.is_open,
            "deadline": booking.start - dt.timedelta(hours=booking.room.cancel_deadline_hours),
        },
    )

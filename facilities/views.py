from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_office_staff
from core import dates
from core.pagecache import public_page
from core.viewercache import viewer_page
from facilities import feeds, selectors, selectors_members, services
from facilities.forms import (
    REPEAT_NONE,
    BookingForm,
    CancelForm,
    LoanCancelForm,
    LoanForm,
    add_problems,
    parse_iso_date,
)
from facilities.models import (
    Booking,
    EquipmentLoan,
    FacilitySettings,
    GroupCalendarFeed,
    Room,
)
from facilities.permissions import (
    bookable_group,
    bookable_groups,
    booking_for_member,
    can_cancel_booking,
    can_cancel_loan_in_time,
    can_manage_loan,
    can_reset_feed,
    can_use_loan_form,
    group_for_booking,
    group_from_slug,
    loan_for_member,
    room_for_booking,
)
from facilities.rules import error_list
from facilities.services import BookingError, BookingNotAllowed
from groups.permissions import memberships_with_groups


@public_page("facilities:index")
def index(request):
    rooms = selectors.today_overview()
    return render(
        request,
        "facilities/index.html",
        {
            "rooms": rooms,
            "equipment": selectors.equipment_now(),
            "today": timezone.localdate(),
            # Anonymous visitors get the cached page, which never offers the loan form.
            "can_borrow": can_use_loan_form(request.user),
        },
    )


@public_page("facilities:day")
def day_view(request, day):
    try:
        day = parse_iso_date(day)
    except ValueError as exc:
        raise Http404 from exc
    viewer = selectors.viewer_for(request.user)
    grid = selectors.day_grid(day, viewer)
    return render(
        request,
        "facilities/day.html",
        {
            "day": day,
            "grid": grid,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "viewer": viewer,
        },
    )


BOOK_TOKEN_SALT = "facilities.book.confirm"
FORM_ONLY = ("csrfmiddlewaretoken", "action", "token")


def _token_for(request, data, answers: dict | None = None) -> str:
    """The booking form's answers, signed for the confirmation step (and bound to the user:
    a token copied to another account is refused). ``answers``: the same answers as the form
    checked them (``_checked_answers``), so that the final POST books without the form."""
    fields = {key: data.getlist(key) for key in data if key not in FORM_ONLY}
    payload = {"u": request.user.pk, "f": fields}
    if answers is not None:
        payload["a"] = answers
    return signing.dumps(payload, salt=BOOK_TOKEN_SALT)


def _payload_from_token(request) -> dict | None:
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=BOOK_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != request.user.pk:
        return None
    return payload


def _form_data(payload: dict) -> QueryDict:
    """The form's fields as the member filled them in (to show the form again)."""
    data = QueryDict(mutable=True)
    for key, values in payload.get("f", {}).items():
        data.setlist(key, [str(v) for v in values])
    return data


def _checked_answers(room, form) -> dict:
    """A single booking's answers as the form cleaned them (the confirmation page shows them),
    for its token: the final POST books from them without building and cleaning the form again
    (issue #20: the form was a sixth of that request). They are this project's own signed
    values, and ``booking_create`` checks every rule again under its locks."""
    data = form.cleaned_data
    group = data.get("group")
    return {
        "r": room.pk,
        "s": data["start"].isoformat(),
        "e": data["end"].isoformat(),
        "g": group.pk if group is not None else None,
        "k": str(data.get("kind") or Booking.Kind.GROUP),
        "n": data["attendees"],
        "p": data["purpose"],
        "q": [[item.pk, quantity] for item, quantity in form.equipment_wanted().items()],
    }


def _confirmed_arguments(request, room, groups, answers) -> dict | None:
    """``booking_create``'s arguments from a token's checked answers; None when the token
    holds none (signed before they rode along) or names another room. A group the user may
    no longer book for is refused (403), as the form would."""
    if not isinstance(answers, dict) or answers.get("r") != room.pk:
        return None
    try:
        start = dt.datetime.fromisoformat(answers["s"])
        end = dt.datetime.fromisoformat(answers["e"])
        group_id = answers["g"]
        equipment = {int(pk): int(quantity) for pk, quantity in answers["q"]}
        arguments = {
            "actor": request.user,
            "room": room,
            "start": start,
            "end": end,
            "group": None,
            "attendees": int(answers["n"]),
            "equipment": equipment,
            "kind": str(answers["k"]),
            "purpose": str(answers["p"]),
        }
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.is_naive(start) or timezone.is_naive(end):
        return None
    if group_id is not None:
        arguments["group"] = bookable_group(groups, group_id)
    return arguments


def _booking_arguments(request, room, form) -> dict | None:
    """What the form says so far, as ``booking_check`` arguments; None while the time is
    unknown."""
    data = form.cleaned_data
    if "start" not in data or "end" not in data:
        return None
    kind = data.get("kind") or Booking.Kind.GROUP
    return {
        "actor": request.user,
        "room": room,
        "start": data["start"],
        "end": data["end"],
        "group": data.get("group"),
        "attendees": data.get("attendees") or 0,
        "equipment": form.equipment_wanted(),
        "kind": kind,
    }


def _check_form(request, room, form, *, purpose=True):
    """Every problem at once: the form's own errors and, when the time can be read, the booking
    rules' answers (``booking_check``) beside them. Returns the check (None without a time)."""
    form.is_valid()
    arguments = _booking_arguments(request, room, form)
    if arguments is None:
        return None
    if "attendees" in form.errors:
        arguments["attendees"] = None
    check = services.booking_check(
        purpose=form.cleaned_data.get("purpose", "") if purpose else None, **arguments
    )
    if check.forbidden:
        raise PermissionDenied(str(check.forbidden))
    problems = check.errors
    if "attendees" in form.errors:  # the field says it already, in its own words
        problems = [p for p in problems if p.code not in ("attendees", "capacity")]
    add_problems(form, problems)
    return check


@login_required
def book(request, slug):
    staff = is_office_staff(request.user)
    memberships = None
    if not staff:
        # All the member's memberships with their groups, once: whether they may use the form
        # and may book for the chosen group are then answered without more reads (issue #20).
        memberships = memberships_with_groups(request.user)
    room = room_for_booking(slug, request.user, memberships)
    groups = bookable_groups(request.user, memberships)
    preview = None
    if request.method == "POST":
        action = request.POST.get("action")
        data = request.POST
        problems = None
        if action in ("book_confirmed", "back"):
            payload = _payload_from_token(request)
            if payload is None:
                messages.error(
                    request,
                    _("The booking could not be read back. Please fill in the form again."),
                )
                return redirect("facilities:book", slug=room.slug)
            data = _form_data(payload)
            if action == "book_confirmed":
                arguments = _confirmed_arguments(request, room, groups, payload.get("a"))
                if arguments is not None:
                    outcome = _book_confirmed(request, arguments)
                    if not isinstance(outcome, list):
                        return outcome
                    problems = outcome  # the form is shown again with them
        form = BookingForm(data, room=room, groups=groups, staff=staff)
        _refuse_crafted_group(form)
        if action == "back":
            form.is_valid()
            form = BookingForm(initial=_initial_from(form), room=room, groups=groups, staff=staff)
        elif action == "book_confirmed":
            if problems is None:  # a token without its checked answers: through the form
                problems = _book_confirmed_form(request, room, form)
                if not isinstance(problems, list):
                    return problems
            form.is_valid()
            add_problems(form, problems)
        elif data.get("repeat", REPEAT_NONE) == REPEAT_NONE:
            check = _check_form(request, room, form)
            if form.is_valid() and check is not None:
                return _confirm_page(request, room, form, check)
        elif form.is_valid():
            # A recurring booking: the preview answers for each date (a clash on one date
            # leaves the others bookable), so the rules are not asked for the first alone.
            response = _handle_series(request, room, form)
            if response is not None:
                return response
            preview = getattr(form, "preview", None)
    else:
        initial, problem = BookingForm.initial_from_query(room, request.GET)
        if problem:
            messages.warning(request, problem)
        if not staff:
            initial.setdefault("group", groups[0] if groups else None)
        form = BookingForm(initial=initial, room=room, groups=groups, staff=staff)
        if form.unknown_equipment:
            messages.warning(
                request,
                _(
                    "Some of the equipment in the link is not lent by the office. Please "
                    "choose the equipment below."
                ),
            )
    return render(
        request,
        "facilities/book.html",
        {"room": room, "form": form, "preview": preview, "staff": staff},
    )


def _refuse_crafted_group(form) -> None:
    """A group the user may not book for (a crafted id) is refused outright, before the form
    is answered: the form's choices are exactly the groups they may book for
    (``bookable_groups``, the set ``group_for_booking`` allows), so the form's own read of the
    chosen group is the only one (issue #20: the booking POST read it twice)."""
    form.is_valid()
    if form.data.get("group") not in (None, "") and "group" in form.errors:
        raise PermissionDenied


def _initial_from(form) -> dict:
    """A bound form's answers as initial values (back from the confirmation to correct)."""
    initial = {}
    for name in form.fields:
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if value is None:
            value = form.data.get(name)
        if name == "blocks":
            value = form.data.getlist("blocks")
        initial[name] = value
    return initial


def _confirm_page(request, room, form, check):
    data = form.cleaned_data
    start, end = data["start"], data["end"]
    return render(
        request,
        "facilities/book_confirm.html",
        {
            "room": room,
            "group": data.get("group"),
            "kind": data.get("kind"),
            "kind_label": dict(Booking.Kind.choices).get(data.get("kind") or Booking.Kind.GROUP),
            "staff": is_office_staff(request.user),
            "start": start,
            "end": end,
            "purpose": data["purpose"],
            "attendees": data["attendees"],
            "equipment": sorted(form.equipment_wanted().items(), key=lambda i: i[0].pk),
            "deadline": start - dt.timedelta(hours=room.cancel_deadline_hours),
            "needs_approval": check.needs_approval,
            "warnings": check.warnings,
            "token": _token_for(request, form.data, _checked_answers(room, form)),
        },
    )


def _book_confirmed_form(request, room, form):
    """The final POST of a token holding only the form's fields: read through the form.
    Returns the response, or the problems to show on the form."""
    if not form.is_valid() or form.cleaned_data["repeat"] != REPEAT_NONE:
        return []
    arguments = _booking_arguments(request, room, form)
    return _book_confirmed(request, {**arguments, "purpose": form.cleaned_data["purpose"]})


def _book_confirmed(request, arguments: dict):
    """The final POST: the booking made with the answers the confirmation page showed, every
    rule checked again. Returns the redirect, or the problems (a list) when it could not be
    made (the form is then shown again with them)."""
    try:
        booking = services.booking_create(**arguments)
    except BookingNotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except BookingError as exc:
        messages.error(
            request, _("The booking could not be made: please check the messages below.")
        )
        return error_list(exc)
    if booking.status == Booking.Status.REQUESTED:
        messages.success(request, _("Your request was sent. Staff will confirm it by e-mail."))
    else:
        messages.success(
            request,
            _("Booked: %(booking)s. A confirmation e-mail with a calendar file is on its way.")
            % {"booking": booking},
        )
    return redirect(_after_booking(request, booking))


def _handle_series(request, room, form):
    data = form.cleaned_data
    arguments = _booking_arguments(request, room, form)
    rule, count = data["repeat"], data["repeat_count"]
    try:
        if request.POST.get("action") == "confirm":
            chosen = []
            for raw in request.POST.getlist("dates"):
                try:
                    chosen.append(parse_iso_date(raw))
                except ValueError:
                    continue
            result = services.series_create(
                purpose=data["purpose"], rule=rule, count=count, dates=chosen, **arguments
            )
            if all(b.status == Booking.Status.REQUESTED for b in result.booked):
                # A room (or equipment) needing approval: nothing is booked until staff decide.
                text = _(
                    "Your request for %(n)d dates was sent. Staff will confirm it by e-mail."
                ) % {"n": len(result.booked)}
            else:
                text = _("Booked %(n)d dates.") % {"n": len(result.booked)}
            if result.skipped:
                text += " " + _("Not booked: %(dates)s.") % {
                    "dates": pgettext("list separator", ", ").join(
                        dates.day(o.date) for o in result.skipped
                    )
                }
            messages.success(request, text)
            return redirect(_after_booking(request, result.booked[0]))
        form.preview = selectors.series_preview(rule=rule, count=count, **arguments)
        return None
    except BookingNotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except BookingError as exc:
        add_problems(form, error_list(exc))
        return None


def _after_booking(request, booking) -> str:
    # Staff booking for a group (one that phoned) see it in the room's week: their own
    # "group's bookings" page lists only the groups they belong to.
    if is_office_staff(request.user):
        return booking.room.get_absolute_url() + f"?week={timezone.localdate(booking.start)}"
    return reverse("facilities:bookings")


PAST_PER_PAGE = 20
UPCOMING_SHOWN = 200
LOANS_UPCOMING_SHOWN = 100
LOANS_PAST_SHOWN = 20


@viewer_page("facilities:bookings")
@login_required
def my_bookings(request):
    """The user's groups' bookings and loans. Reads (issue #20): the groups with their feeds and
    the user's memberships, the rooms, the upcoming bookings, a page of past ones with their
    count, the loans: each once, whatever the number of rows (``selectors_members``)."""
    user = request.user
    staff = is_office_staff(user)
    now = timezone.now()
    groups = selectors_members.member_groups(user)
    rooms = selectors_members.rooms_by_id()
    loans = selectors_members.member_loans(
        groups, upcoming=LOANS_UPCOMING_SHOWN, past=LOANS_PAST_SHOWN
    )
    today = timezone.localdate(now)
    for loan in loans.upcoming:
        loan.can_cancel = (
            loan.is_open
            and can_manage_loan(user, loan)
            and (staff or can_cancel_loan_in_time(loan, today))
        )
        loan.overdue = loan.is_overdue(now)
    page = selectors_members.past_page(groups, rooms, now, request.GET.get("page"), PAST_PER_PAGE)
    upcoming = selectors_members.upcoming_bookings(groups, rooms, now, UPCOMING_SHOWN)
    for booking in upcoming:
        # Office events and office use name a group but are the office's to cancel.
        booking.office_held = booking.kind != Booking.Kind.GROUP
        booking.can_cancel = can_cancel_booking(user, booking, now)
    if staff:
        can_book = bookable_groups(user).exists()
    else:
        # A member books for their registered groups (``bookable_groups``), all read above.
        can_book = any(group.is_registered for group in groups)
    return render(
        request,
        "facilities/bookings.html",
        {
            "upcoming": upcoming,
            "page_obj": page,
            "feeds": [(g, g.feed, can_reset_feed(user, g)) for g in groups],
            "can_book": can_book,
            # Without a group the lists would all be empty: the page says how to get one.
            "no_group": not staff and not groups,
            "rooms": [r for r in rooms.values() if r.is_active and r.online_booking],
            "loans_upcoming": loans.upcoming,
            "loans_past": loans.past,
        },
    )


@login_required
def booking_cancel(request, pk):
    booking = booking_for_member(pk, request.user)
    in_series = bool(booking.series_id)
    form = CancelForm(request.POST or None, in_series=in_series)
    if request.method == "POST" and form.is_valid():
        following = form.cleaned_data.get("scope") == CancelForm.SCOPE_FOLLOWING
        try:
            cancelled = services.booking_cancel(
                actor=request.user,
                booking=booking,
                reason=form.cleaned_data["reason"],
                following=following,
            )
        except BookingNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Cancelled %(n)d booking(s).") % {"n": len(cancelled)},
            )
            return redirect("facilities:bookings")
    return render(
        request,
        "facilities/booking_cancel.html",
        {
            "booking": booking,
            "form": form,
            "in_time": can_cancel_booking(request.user, booking),
        },
    )


@login_required
def loan_new(request):
    if not can_use_loan_form(request.user):
        raise PermissionDenied
    groups = bookable_groups(request.user)
    equipment = selectors.loanable_equipment()
    if request.method == "POST":
        # A crafted group id is refused outright, before any form handling.
        group_for_booking(request.user, request.POST.get("group"))
        form = LoanForm(request.POST, groups=groups, equipment=equipment)
        if form.is_valid():
            data = form.cleaned_data
            try:
                loan = services.loan_create(
                    actor=request.user,
                    group=data["group"],
                    pickup_date=data["pickup_date"],
                    return_date=data["return_date"],
                    purpose=data["purpose"],
                    equipment=form.equipment_wanted(),
                )
            except BookingNotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                if loan.status == EquipmentLoan.Status.REQUESTED:
                    messages.success(
                        request, _("Your request was sent. Staff will confirm it by e-mail.")
                    )
                else:
                    messages.success(
                        request, _("Take-out loan confirmed: %(loan)s.") % {"loan": loan}
                    )
                return redirect("facilities:bookings")
    else:
        initial = {}
        if not is_office_staff(request.user):
            initial["group"] = groups.first()
        form = LoanForm(initial=initial, groups=groups, equipment=equipment)
    rules = FacilitySettings.load()
    return render(request, "facilities/loan_new.html", {"form": form, "rules": rules})


@login_required
def loan_cancel(request, pk):
    loan = loan_for_member(pk, request.user)
    staff = is_office_staff(request.user)
    form = LoanCancelForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_cancel(actor=request.user, loan=loan, reason=form.cleaned_data["reason"])
        except BookingNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Cancelled the take-out loan %(loan)s.") % {"loan": loan})
            return redirect("facilities:bookings")
    items = list(loan.items.select_related("equipment").order_by("equipment"))
    return render(
        request,
        "facilities/loan_cancel.html",
        {
            "loan": loan,
            "items": items,
            "form": form,
            "in_time": staff or can_cancel_loan_in_time(loan),
        },
    )


@require_GET
def room_today(request, slug):
    room = get_object_or_404(Room.objects.active().prefetch_related("blocks"), slug=slug)
    # The tablet at the door opens ?refresh=1: the page then reloads itself every minute (a
    # <meta> refresh, which the CSP allows) and offers a link to stop. Without it the page stays
    # still, so nobody reading it on another device is interrupted (WCAG 2.2.1).
    refresh = request.GET.get("refresh") == "1"
    return render(
        request,
        "facilities/room_today.html",
        {"today": selectors.room_today(room), "now": timezone.localtime(), "refresh": refresh},
    )


# --- calendars -------------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def room_feed(request, slug):
    room = get_object_or_404(Room.objects.active(), slug=slug)
    return _ics(feeds.room_calendar(room, request), f"{room.slug}.ics")


@require_GET
def group_feed(request, slug, token):
    group = group_from_slug(slug)
    feed = GroupCalendarFeed.objects.filter(group=group).first()
    if feed is None or not constant_time_compare(feed.token, token):
        raise Http404
    response = _ics(feeds.group_calendar(group, request), f"{group.slug}.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@login_required
def group_feed_reset(request, slug):
    group = group_from_slug(slug)
    if not can_reset_feed(request.user, group):
        raise PermissionDenied
    services.group_feed_reset(actor=request.user, group=group)
    messages.success(
        request,
        _("The calendar address of %(group)s was changed; the old address no longer works.")
        % {"group": group.name},
    )
    return redirect("facilities:bookings")

"""Take-out loans (持ち出し貸出): a group borrows equipment that may leave the building; staff
approve, hand out and take back. A loan locks the same equipment rows, in the same order, as a
room booking (see ``facilities.services.bookings``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import is_office_staff
from core.audit import log_action
from facilities import notifications
from facilities.calendar import OfficeCalendar
from facilities.models import Equipment, EquipmentLoan, EquipmentLoanItem, FacilitySettings
from facilities.permissions import can_cancel_loan_in_time, can_manage_loan
from facilities.rules import (
    BookingError,
    BookingNotAllowed,
    check_not_suspended,
    check_stock,
    fmt_date,
    loan_period,
    normalise_equipment,
)
from facilities.services._common import require_staff
from groups.models import Group
from groups.permissions import can_act_for


def _loan_items(equipment) -> dict[Equipment, int]:
    """The wanted equipment, each row locked (primary-key order, as room bookings lock them)."""
    items = normalise_equipment(equipment)
    if not items:
        raise BookingError(_("Choose at least one piece of equipment to borrow."), code="items")
    locked = Equipment.objects.select_for_update().filter(pk__in=[e.pk for e in items])
    locked = {e.pk: e for e in locked.order_by("pk")}
    return {locked[e.pk]: q for e, q in items.items()}


def _check_loan_dates(*, pickup: dt.date, back: dt.date, today: dt.date, staff: bool, rules):
    if back < pickup:
        raise BookingError(_("The return day cannot be before the pickup day."), code="order")
    if pickup < today:
        raise BookingError(_("The pickup day has already passed."), code="past")
    if staff:
        return
    days = (back - pickup).days + 1
    if days > rules.loan_max_days:
        raise BookingError(
            ngettext(
                "A take-out loan may last at most %(n)d day (pickup and return day included).",
                "A take-out loan may last at most %(n)d days (pickup and return day included).",
                rules.loan_max_days,
            )
            % {"n": rules.loan_max_days},
            code="length",
        )
    last = today + dt.timedelta(days=rules.loan_days_ahead)
    if pickup > last:
        raise BookingError(
            _(
                "Take-out loans can be asked at most %(n)d days ahead: choose a pickup day "
                "on or before %(date)s."
            )
            % {"n": rules.loan_days_ahead, "date": fmt_date(last)},
            code="window",
        )


def _check_loan_equipment(items: dict[Equipment, int], start, end) -> None:
    check_stock(
        items,
        start,
        end,
        usable=lambda e: e.is_active and e.may_leave_building,
        unusable=_("%(name)s cannot be taken out of the building."),
        short=lambda free: ngettext(
            "Only %(free)d × %(name)s is free for the whole of those days (room "
            "bookings and other loans included).",
            "Only %(free)d × %(name)s are free for the whole of those days (room "
            "bookings and other loans included).",
            free,
        ),
    )


def loan_create(
    *,
    actor,
    group: Group | None,
    pickup_date: dt.date,
    return_date: dt.date,
    purpose: str,
    equipment,
    now: dt.datetime | None = None,
) -> EquipmentLoan:
    """Ask to take ``equipment`` (Equipment or pk → quantity) out of the building for ``group``
    (``now``: when it was asked, for a replayed past step; the real time otherwise).

    Confirmed at once unless a piece needs staff approval (staff requests are confirmed at
    once). Members keep to the longest loan and how far ahead loans may be asked; staff may
    lend longer or further ahead for a group that asks at the desk.
    """
    if not (actor and getattr(actor, "is_authenticated", False)):
        raise BookingNotAllowed(_("Please log in to book."))
    if group is None:
        raise BookingError(_("Choose the group the booking is for."), code="group")
    if not can_act_for(actor, group):
        raise BookingNotAllowed(_("You cannot borrow equipment for this group."))
    if not group.is_registered:
        raise BookingError(_("Only registered groups can borrow equipment."), code="group")
    staff = is_office_staff(actor)
    if not staff:
        check_not_suspended(group)
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        raise BookingError(_("Please say what the equipment is for."), code="purpose")
    at, now = now, now or timezone.now()
    rules = FacilitySettings.load()
    _check_loan_dates(
        pickup=pickup_date, back=return_date, today=timezone.localdate(now), staff=staff,
        rules=rules,
    )  # fmt: skip
    cal = OfficeCalendar.load(pickup_date, return_date)
    start, end = loan_period(cal, pickup_date, return_date)
    with transaction.atomic():
        items = _loan_items(equipment)
        _check_loan_equipment(items, start, end)
        needs_approval = any(e.requires_approval for e in items) and not staff
        status = (
            EquipmentLoan.Status.REQUESTED if needs_approval else EquipmentLoan.Status.CONFIRMED
        )
        loan = EquipmentLoan.objects.create(
            group=group,
            requested_by=actor,
            purpose=purpose,
            pickup_date=pickup_date,
            return_date=return_date,
            start=start,
            end=end,
            status=status,
            decided_by=None if needs_approval else actor,
            decided_at=None if needs_approval else now,
            created_at=now,
        )
        EquipmentLoanItem.objects.bulk_create(
            EquipmentLoanItem(loan=loan, equipment=e, quantity=q) for e, q in items.items()
        )
        log_action(
            actor=actor,
            action="facilities.loan_create",
            target=loan,
            at=at,
            status=status,
            group=group.pk,
            equipment={e.name: q for e, q in items.items()},
        )
        event = "loan_received" if needs_approval else "loan_confirmed"
        transaction.on_commit(lambda: notifications.send_loan(event, loan))
    return loan


def _locked_loan(loan: EquipmentLoan) -> EquipmentLoan:
    return (
        EquipmentLoan.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=loan.pk)
    )


def _decide(loan: EquipmentLoan, actor, status: str, now, reason: str | None = None) -> None:
    loan.status = status
    loan.decided_by = actor
    loan.decided_at = now
    fields = ["status", "decided_by", "decided_at", "updated_at"]
    if reason is not None:
        loan.status_reason = reason
        fields.append("status_reason")
    loan.save(update_fields=fields)


def loan_approve(*, actor, loan: EquipmentLoan) -> EquipmentLoan:
    require_staff(actor)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be approved."), code="status")
        _decide(loan, actor, EquipmentLoan.Status.CONFIRMED, timezone.now())
        log_action(actor=actor, action="facilities.loan_approve", target=loan)
        transaction.on_commit(lambda: notifications.send_loan("loan_approved", loan))
    return loan


def _reason(reason: str) -> str:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise BookingError(_("Please give the reason; the group is told it."), code="reason")
    return reason


def loan_reject(*, actor, loan: EquipmentLoan, reason: str) -> EquipmentLoan:
    """Staff decline a request, with the reason the group is told (as ``booking_reject``). The
    status stays ``refused`` and the audit action ``facilities.loan_refuse``: rows already
    written keep their meaning."""
    require_staff(actor)
    reason = _reason(reason)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be declined."), code="status")
        _decide(loan, actor, EquipmentLoan.Status.REFUSED, timezone.now(), reason)
        log_action(actor=actor, action="facilities.loan_reject", target=loan, reason=reason)
        transaction.on_commit(lambda: notifications.send_loan("loan_refused", loan, reason=reason))
    return loan


def loan_cancel(*, actor, loan: EquipmentLoan, reason: str = "") -> EquipmentLoan:
    """The group cancels before the pickup day; staff at any time before hand-out, with a reason."""
    if not can_manage_loan(actor, loan):
        raise BookingNotAllowed(_("You cannot cancel this loan."))
    staff = is_office_staff(actor)
    reason = _reason(reason) if staff else (reason or "").strip()[:300]
    with transaction.atomic():
        loan = _locked_loan(loan)
        if not loan.is_open:
            raise BookingError(_("This loan can no longer be cancelled."), code="status")
        if not staff and not can_cancel_loan_in_time(loan):
            raise BookingError(
                _(
                    "A loan can be cancelled online until the day before pickup. "
                    "Please call the office."
                ),
                code="deadline",
            )
        _decide(loan, actor, EquipmentLoan.Status.CANCELLED, timezone.now(), reason)
        log_action(
            actor=actor, action="facilities.loan_cancel", target=loan, reason=reason, by_staff=staff
        )
        transaction.on_commit(
            lambda: notifications.send_loan("loan_cancelled", loan, reason=reason)
        )
    return loan


def loan_hand_out(*, actor, loan: EquipmentLoan, now: dt.datetime | None = None) -> EquipmentLoan:
    """Staff at the desk hand the equipment over (from the pickup day to the return day);
    ``now`` as in ``loan_create``."""
    require_staff(actor)
    at, now = now, now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.CONFIRMED:
            raise BookingError(_("Only confirmed loans can be handed out."), code="status")
        if not loan.pickup_date <= today <= loan.return_date:
            raise BookingError(
                _("This loan can be handed out from %(first)s to %(last)s.")
                % {"first": fmt_date(loan.pickup_date), "last": fmt_date(loan.return_date)},
                code="day",
            )
        loan.status = EquipmentLoan.Status.HANDED_OUT
        loan.handed_out_at = now
        loan.handed_out_by = actor
        loan.save(update_fields=["status", "handed_out_at", "handed_out_by", "updated_at"])
        log_action(actor=actor, action="facilities.loan_hand_out", target=loan, at=at)
    return loan


def loan_return(*, actor, loan: EquipmentLoan, now: dt.datetime | None = None) -> EquipmentLoan:
    """Staff take the equipment back; an early return frees it at once; ``now`` as in
    ``loan_create``."""
    require_staff(actor)
    at, now = now, now or timezone.now()
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.HANDED_OUT:
            raise BookingError(_("Only handed-out loans can be returned."), code="status")
        loan.status = EquipmentLoan.Status.RETURNED
        loan.returned_at = now
        loan.returned_by = actor
        loan.save(update_fields=["status", "returned_at", "returned_by", "updated_at"])
        log_action(
            actor=actor,
            action="facilities.loan_return",
            target=loan,
            late=loan.end < now,
            at=at,
        )
    return loan

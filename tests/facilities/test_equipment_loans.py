"""Take-out loans (持ち出し貸出): a registered group borrows equipment that may leave the
building, from the office's opening on the pickup day to its closing on the return day."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from facilities.models import ClosedDay, EquipmentLoan, EquipmentLoanItem
from facilities.selectors import equipment_in_use
from facilities.services import (
    BookingError,
    BookingNotAllowed,
    booking_create,
    loan_approve,
    loan_cancel,
    loan_create,
    loan_hand_out,
    loan_reject,
    loan_return,
)
from tests.facilities.factories import EquipmentFactory, at, make_booking, open_day

pytestmark = pytest.mark.django_db

DESK_QUERIES = 7
BOOKINGS_QUERIES = 14
FORM_QUERIES = 8


@pytest.fixture
def pa_set(db):
    return EquipmentFactory(name="ポータブルPAセット", quantity=2, may_leave_building=True)


@pytest.fixture
def screen(db):
    return EquipmentFactory(
        name="折りたたみスクリーン", quantity=1, may_leave_building=True, requires_approval=True
    )


@pytest.fixture
def printer(db):
    return EquipmentFactory(name="輪転機", quantity=1, may_leave_building=False)


def ask(actor, group, items, pickup=None, days=2, purpose="駅前での街頭キャンペーン"):
    pickup = pickup or open_day(after=5)
    back = pickup + dt.timedelta(days=days)
    while back.weekday() == 6 or ClosedDay.objects.filter(date=back).exists():
        back += dt.timedelta(days=1)
    return loan_create(
        actor=actor, group=group, pickup_date=pickup, return_date=back, purpose=purpose,
        equipment=items,
    )  # fmt: skip


def a_weekday_loan_span(days=2):
    """A pickup day from which the next ``days`` days are all working days."""
    pickup = open_day(after=5)
    while not all(
        (pickup + dt.timedelta(days=n)).weekday() != 6 and not _holiday(pickup + dt.timedelta(n))
        for n in range(days + 1)
    ):
        pickup += dt.timedelta(days=1)
    return pickup, pickup + dt.timedelta(days=days)


def _holiday(day):
    from tests.facilities.factories import is_open_day

    return not is_open_day(day)


# --- asking for a loan ---------------------------------------------------------------------------


def test_a_member_borrows_equipment_for_the_days_the_office_is_open(
    django_capture_on_commit_callbacks, member, representative, group, pa_set
):
    pickup, back = a_weekday_loan_span()
    with django_capture_on_commit_callbacks(execute=True):
        loan = loan_create(
            actor=member, group=group, pickup_date=pickup, return_date=back,
            purpose="夏祭りのステージ", equipment={pa_set: 1},
        )  # fmt: skip
    assert loan.status == EquipmentLoan.Status.CONFIRMED
    assert loan.start == at(pickup, "9:00")
    assert loan.end == at(back, "21:00")
    assert [(i.equipment, i.quantity) for i in loan.items.all()] == [(pa_set, 1)]
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"member@example.org", "rep@example.org"}
    assert "夏祭りのステージ" in mail.outbox[0].body
    assert AuditLog.objects.filter(action="facilities.loan_create").count() == 1


def test_equipment_that_needs_approval_waits_for_staff(
    django_capture_on_commit_callbacks, member, group, screen
):
    with django_capture_on_commit_callbacks(execute=True):
        loan = ask(member, group, {screen: 1})
    assert loan.status == EquipmentLoan.Status.REQUESTED
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("pickup_offset", "return_offset", "code"),
    [
        (-1, 1, "past"),
        (5, 4, "order"),
        (3, 3 + 7, "length"),
        (61, 62, "window"),
    ],
)
def test_rules_on_the_days_are_explained(member, group, pa_set, pickup_offset, return_offset, code):
    today = timezone.localdate()
    with pytest.raises(BookingError) as caught:
        loan_create(
            actor=member, group=group, pickup_date=today + dt.timedelta(days=pickup_offset),
            return_date=today + dt.timedelta(days=return_offset), purpose="清掃活動",
            equipment={pa_set: 1},
        )  # fmt: skip
    assert caught.value.code == code
    assert not EquipmentLoan.objects.exists()


def test_staff_may_lend_longer_and_further_ahead(staff, group, pa_set):
    pickup = open_day(after=70)
    back = open_day(after=(pickup - timezone.localdate()).days + 10)
    loan = loan_create(
        actor=staff, group=group, pickup_date=pickup, return_date=back, purpose="長期イベント",
        equipment={pa_set: 1},
    )  # fmt: skip
    assert loan.status == EquipmentLoan.Status.CONFIRMED


def test_a_closed_day_cannot_be_the_pickup_or_return_day(member, group, pa_set):
    pickup, back = a_weekday_loan_span()
    ClosedDay.objects.create(date=back, reason="館内整理日")
    with pytest.raises(BookingError) as caught:
        loan_create(
            actor=member, group=group, pickup_date=pickup, return_date=back, purpose="清掃活動",
            equipment={pa_set: 1},
        )  # fmt: skip
    assert caught.value.code == "closed"
    assert "館内整理日" in str(caught.value)


def test_equipment_that_must_stay_in_the_building_cannot_be_borrowed(member, group, printer):
    with pytest.raises(BookingError) as caught:
        ask(member, group, {printer: 1})
    assert caught.value.code == "equipment"
    assert not EquipmentLoan.objects.exists()


def test_inactive_equipment_cannot_be_borrowed(member, group, pa_set):
    pa_set.is_active = False
    pa_set.save()
    with pytest.raises(BookingError):
        ask(member, group, {pa_set: 1})


def test_nothing_chosen_or_no_purpose_is_refused(member, group, pa_set):
    with pytest.raises(BookingError):
        ask(member, group, {})
    with pytest.raises(BookingError):
        ask(member, group, {pa_set: 1}, purpose="  ")


# --- quantities: room bookings and loans count together --------------------------------------


def test_a_room_booking_during_the_loan_takes_from_the_same_stock(
    member, other_member, group, other_group, room, pa_set
):
    pickup, back = a_weekday_loan_span()
    middle = pickup + dt.timedelta(days=1)
    make_booking(
        room, at(middle, "13:00"), at(middle, "15:00"), group=other_group, equipment={pa_set: 1}
    )
    loan_create(
        actor=member, group=group, pickup_date=pickup, return_date=back, purpose="清掃活動",
        equipment={pa_set: 1},
    )  # fmt: skip
    with pytest.raises(BookingError) as caught:
        loan_create(
            actor=member, group=group, pickup_date=pickup, return_date=back, purpose="清掃活動",
            equipment={pa_set: 1},
        )  # fmt: skip
    assert "ポータブルPAセット" in str(caught.value) and "0" in str(caught.value)
    assert EquipmentLoan.objects.count() == 1
    assert equipment_in_use([pa_set.pk], at(pickup, "9:00"), at(back, "21:00")) == {pa_set.pk: 2}


def test_a_loan_takes_equipment_away_from_room_bookings(member, group, room, pa_set):
    pickup, back = a_weekday_loan_span()
    ask_loan = loan_create(
        actor=member, group=group, pickup_date=pickup, return_date=back, purpose="清掃活動",
        equipment={pa_set: 2},
    )  # fmt: skip
    assert ask_loan.pk
    with pytest.raises(BookingError) as caught:
        booking_create(
            actor=member, room=room, group=group, start=at(back, "10:00"), end=at(back, "12:00"),
            purpose="定例会", attendees=5, equipment={pa_set: 1},
        )  # fmt: skip
    assert caught.value.code == "equipment"
    # The day after the return day the equipment is free again.
    later = open_day(after=(back - timezone.localdate()).days + 1)
    booking_create(
        actor=member, room=room, group=group, start=at(later, "10:00"), end=at(later, "12:00"),
        purpose="定例会", attendees=5, equipment={pa_set: 1},
    )  # fmt: skip


def test_two_loans_beyond_the_stock_are_refused_and_a_cancelled_one_frees_it(member, group, pa_set):
    pickup, back = a_weekday_loan_span()
    first = loan_create(
        actor=member, group=group, pickup_date=pickup, return_date=back, purpose="清掃活動",
        equipment={pa_set: 2},
    )  # fmt: skip
    with pytest.raises(BookingError):
        loan_create(
            actor=member, group=group, pickup_date=back, return_date=back, purpose="別件",
            equipment={pa_set: 1},
        )  # fmt: skip
    loan_cancel(actor=member, loan=first)
    loan_create(
        actor=member, group=group, pickup_date=back, return_date=back, purpose="別件",
        equipment={pa_set: 2},
    )  # fmt: skip


def test_more_than_the_office_owns_is_refused(member, group, pa_set):
    with pytest.raises(BookingError) as caught:
        ask(member, group, {pa_set: 3})
    assert "2" in str(caught.value)


# --- who may ask ---------------------------------------------------------------------------------


def test_only_members_of_the_group_or_staff_may_ask(
    citizen, other_member, official, group, pa_set, staff
):
    for actor in (citizen, other_member, official):
        with pytest.raises(BookingNotAllowed):
            ask(actor, group, {pa_set: 1})
    assert ask(staff, group, {pa_set: 1}).status == EquipmentLoan.Status.CONFIRMED


def test_an_unregistered_group_cannot_borrow(member, group, pa_set):
    group.status = "pending"
    group.save()
    with pytest.raises((BookingError, BookingNotAllowed)):
        ask(member, group, {pa_set: 1})


# --- the lifecycle ---------------------------------------------------------------------------


def test_staff_approve_or_refuse_requests_and_the_group_hears(
    django_capture_on_commit_callbacks, member, group, screen, staff, representative
):
    first = ask(member, group, {screen: 1})
    with django_capture_on_commit_callbacks(execute=True):
        loan_approve(actor=staff, loan=first)
    first.refresh_from_db()
    assert first.status == EquipmentLoan.Status.CONFIRMED
    assert first.decided_by == staff
    assert "approved" in mail.outbox[-1].subject or "承認" in mail.outbox[-1].subject
    loan_cancel(actor=member, loan=first)
    second = ask(member, group, {screen: 1})
    with pytest.raises(BookingError):
        loan_reject(actor=staff, loan=second, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        loan_reject(actor=staff, loan=second, reason="点検中のため")
    second.refresh_from_db()
    assert second.status == EquipmentLoan.Status.REFUSED
    assert "点検中のため" in mail.outbox[-1].body
    with pytest.raises(BookingNotAllowed):
        loan_approve(actor=member, loan=second)


def test_handed_out_then_returned_at_the_desk(member, group, pa_set, staff):
    today = timezone.localdate()
    loan = EquipmentLoan.objects.create(
        group=group, purpose="清掃活動", pickup_date=today, return_date=today,
        start=timezone.now() - dt.timedelta(hours=1), end=timezone.now() + dt.timedelta(hours=1),
        status=EquipmentLoan.Status.CONFIRMED,
    )  # fmt: skip
    EquipmentLoanItem.objects.create(loan=loan, equipment=pa_set, quantity=1)
    with pytest.raises(BookingNotAllowed):
        loan_hand_out(actor=member, loan=loan)
    with pytest.raises(BookingError):
        loan_return(actor=staff, loan=loan)
    loan_hand_out(actor=staff, loan=loan)
    loan.refresh_from_db()
    assert (loan.status, loan.handed_out_by) == (EquipmentLoan.Status.HANDED_OUT, staff)
    with pytest.raises(BookingError):
        loan_cancel(actor=staff, loan=loan, reason="誤り")
    loan_return(actor=staff, loan=loan)
    loan.refresh_from_db()
    assert (loan.status, loan.returned_by) == (EquipmentLoan.Status.RETURNED, staff)
    assert loan.returned_at is not None
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"facilities.loan_hand_out", "facilities.loan_return"} <= actions


def test_a_loan_cannot_be_handed_out_before_its_pickup_day(staff, group, pa_set):
    loan = ask(staff, group, {pa_set: 1})
    with pytest.raises(BookingError) as caught:
        loan_hand_out(actor=staff, loan=loan)
    assert caught.value.code == "day"


def test_the_group_cancels_before_the_pickup_day_staff_later_with_a_reason(
    django_capture_on_commit_callbacks, member, representative, other_member, group, pa_set, staff
):
    loan = ask(member, group, {pa_set: 1})
    with pytest.raises(BookingNotAllowed):
        loan_cancel(actor=other_member, loan=loan)
    with django_capture_on_commit_callbacks(execute=True):
        loan_cancel(actor=representative, loan=loan, reason="雨天中止")
    loan.refresh_from_db()
    assert loan.status == EquipmentLoan.Status.CANCELLED
    assert "雨天中止" in mail.outbox[-1].body

    today = timezone.localdate()
    on_the_day = EquipmentLoan.objects.create(
        group=group, purpose="清掃活動", pickup_date=today, return_date=today,
        start=timezone.now(), end=timezone.now() + dt.timedelta(hours=2),
        status=EquipmentLoan.Status.CONFIRMED,
    )  # fmt: skip
    with pytest.raises(BookingError) as caught:
        loan_cancel(actor=member, loan=on_the_day)
    assert caught.value.code == "deadline"
    with pytest.raises(BookingError):
        loan_cancel(actor=staff, loan=on_the_day, reason="")
    loan_cancel(actor=staff, loan=on_the_day, reason="団体から電話")
    on_the_day.refresh_from_db()
    assert on_the_day.status_reason == "団体から電話"


# --- pages -----------------------------------------------------------------------------------


def test_the_facilities_page_links_to_the_loan_form_for_members_only(
    client_for, member, citizen, pa_set
):
    url = reverse("facilities:loan_new")
    assert url in client_for("member").get(reverse("facilities:index")).content.decode()
    assert url not in client_for("citizen").get(reverse("facilities:index")).content.decode()


def test_the_form_lists_only_equipment_that_may_leave(client_for, member, pa_set, printer):
    page = client_for("member").get(reverse("facilities:loan_new")).content.decode()
    assert "ポータブルPAセット" in page
    assert "輪転機" not in page


def test_the_form_books_and_lands_on_the_bookings_page(client_for, member, group, pa_set):
    pickup, back = a_weekday_loan_span()
    response = client_for("member").post(
        reverse("facilities:loan_new"),
        {"group": group.pk, "pickup_date": pickup.isoformat(), "return_date": back.isoformat(),
         "purpose": "駅前清掃", f"equipment_{pa_set.pk}": "1"},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse("facilities:bookings")
    page = response.content.decode()
    assert "駅前清掃" in page and "ポータブルPAセット ×1" in page


def test_a_broken_rule_shows_a_japanese_message_and_keeps_the_form(
    client_for, member, group, pa_set, ja
):
    pickup = open_day(after=5)
    response = client_for("member").post(
        reverse("facilities:loan_new"),
        {"group": group.pk, "pickup_date": pickup.isoformat(),
         "return_date": (pickup + dt.timedelta(days=20)).isoformat(),
         "purpose": "長すぎる貸出", f"equipment_{pa_set.pk}": "1"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "長すぎる貸出" in page
    assert "持ち出し貸出" in page and "日まで" in page
    assert not EquipmentLoan.objects.exists()


def test_a_crafted_group_is_refused(client_for, member, other_group, pa_set):
    response = client_for("member").post(
        reverse("facilities:loan_new"), {"group": other_group.pk, f"equipment_{pa_set.pk}": "1"}
    )
    assert response.status_code == 403


def test_members_cancel_from_the_bookings_page(client_for, member, group, pa_set):
    loan = ask(member, group, {pa_set: 1})
    client = client_for("member")
    cancel = reverse("facilities:loan_cancel", args=[loan.pk])
    assert cancel in client.get(reverse("facilities:bookings")).content.decode()
    assert client.get(cancel).status_code == 200
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == EquipmentLoan.Status.CANCELLED


def test_the_desk_shows_pickups_returns_and_overdue_loans(client_for, staff, group, pa_set):
    today = timezone.localdate()
    now = timezone.now()
    pickup = EquipmentLoan.objects.create(
        group=group, purpose="今日受け取り", pickup_date=today, return_date=today + dt.timedelta(1),
        start=now, end=now + dt.timedelta(days=1), status="confirmed",
    )  # fmt: skip
    overdue = EquipmentLoan.objects.create(
        group=group, purpose="返却遅れ", pickup_date=today - dt.timedelta(5),
        return_date=today - dt.timedelta(2), start=now - dt.timedelta(days=5),
        end=now - dt.timedelta(days=2), status="handed_out",
    )  # fmt: skip
    for loan in (pickup, overdue):
        EquipmentLoanItem.objects.create(loan=loan, equipment=pa_set, quantity=1)
    client = client_for("staff")
    page = client.get(reverse("facilities:desk")).content.decode()
    hand_out = reverse("facilities:desk_loan_hand_out", args=[pickup.pk])
    back = reverse("facilities:desk_loan_return", args=[overdue.pk])
    assert hand_out in page and back in page
    assert client.post(hand_out).status_code == 302
    assert client.post(back).status_code == 302
    pickup.refresh_from_db()
    overdue.refresh_from_db()
    assert pickup.status == "handed_out" and overdue.status == "returned"


def test_the_desk_approves_and_refuses(client_for, staff, member, group, screen):
    loan = ask(member, group, {screen: 1})
    client = client_for("staff")
    url = reverse("facilities:desk_loan_decide", args=[loan.pk])
    client.post(url, {"decision": "refuse", "reason": ""})
    loan.refresh_from_db()
    assert loan.status == "requested"
    client.post(url, {"decision": "approve"})
    loan.refresh_from_db()
    assert loan.status == "confirmed"


def test_the_admin_lists_filters_and_decides(client_for, staff_admin, member, group, screen):
    loan = ask(member, group, {screen: 1})
    client = client_for("staff")
    changelist = reverse("admin:facilities_equipmentloan_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist + "?status=requested&when=upcoming").status_code == 200
    assert (
        client.get(reverse("admin:facilities_equipmentloan_change", args=[loan.pk])).status_code
        == 200
    )
    asked = client.post(changelist, {"action": "refuse_selected", "_selected_action": [loan.pk]})
    assert asked.status_code == 200
    client.post(
        changelist,
        {
            "action": "refuse_selected",
            "_selected_action": [loan.pk],
            "apply": "1",
            "reason": "故障",
        },
    )
    loan.refresh_from_db()
    assert (loan.status, loan.status_reason) == ("refused", "故障")


@pytest.mark.parametrize("count", [1, 12])
def test_query_counts_do_not_grow_with_the_loans(
    client_for, staff, member, group, pa_set, count, django_assert_max_num_queries
):
    """The same limits hold with one loan and with a dozen (desk, bookings, request form)."""
    today = timezone.localdate()
    now = timezone.now()
    for n in range(count):
        loan = EquipmentLoan.objects.create(
            group=group, purpose=f"貸出{n}", pickup_date=today + dt.timedelta(days=n % 3),
            return_date=today + dt.timedelta(days=3), start=now, end=now + dt.timedelta(days=3),
            status=["confirmed", "requested", "handed_out"][n % 3],
        )  # fmt: skip
        EquipmentLoanItem.objects.create(loan=loan, equipment=pa_set, quantity=1)
    staff_client, member_client = client_for("staff"), client_for("member")
    for client, url in (
        (staff_client, reverse("facilities:desk")),
        (member_client, reverse("facilities:bookings")),
        (member_client, reverse("facilities:loan_new")),
    ):
        client.get(url)  # warm per-process caches
    with django_assert_max_num_queries(DESK_QUERIES):
        assert staff_client.get(reverse("facilities:desk")).status_code == 200
    with django_assert_max_num_queries(BOOKINGS_QUERIES):
        assert member_client.get(reverse("facilities:bookings")).status_code == 200
    with django_assert_max_num_queries(FORM_QUERIES):
        assert member_client.get(reverse("facilities:loan_new")).status_code == 200


def test_equipment_not_yet_returned_stays_out_until_staff_record_it(staff, member, group, pa_set):
    now = timezone.now()
    late = EquipmentLoan.objects.create(
        group=group, purpose="返却遅れ", pickup_date=timezone.localdate() - dt.timedelta(5),
        return_date=timezone.localdate() - dt.timedelta(2), start=now - dt.timedelta(days=5),
        end=now - dt.timedelta(days=2), status="handed_out",
    )  # fmt: skip
    EquipmentLoanItem.objects.create(loan=late, equipment=pa_set, quantity=2)
    next_week = now + dt.timedelta(days=7)
    assert equipment_in_use([pa_set.pk], next_week, next_week + dt.timedelta(hours=2)) == {
        pa_set.pk: 2
    }
    with pytest.raises(BookingError):
        ask(member, group, {pa_set: 1})
    loan_return(actor=staff, loan=late)
    assert equipment_in_use([pa_set.pk], next_week, next_week + dt.timedelta(hours=2)) == {}
    assert ask(member, group, {pa_set: 2}).status == EquipmentLoan.Status.CONFIRMED


def test_a_group_suspended_for_no_shows_asks_at_the_desk(staff, member, group, pa_set):
    from facilities.models import NoShowSuspension

    NoShowSuspension.objects.create(group=group, fiscal_year=2026, no_shows=3)
    with pytest.raises(BookingError) as refused:
        ask(member, group, {pa_set: 1})
    assert refused.value.code == "suspended"
    assert ask(staff, group, {pa_set: 1}).status == EquipmentLoan.Status.CONFIRMED

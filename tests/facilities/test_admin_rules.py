"""The office's rules changed in the admin go through the services (issue #14 part 3): closed
days, opening hours, a room's rules and blocks, the office-wide rules, walk-in counts and a
booking's or loan's details. A change that would strand a booking is refused with the service's
message and nothing is saved; a change that is allowed is audited with what changed."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditLog
from facilities.models import Booking, ClosedDay, FacilitySettings, OpeningHours, Room, WalkInCount
from tests.facilities.factories import at, make_booking, open_day


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())


@pytest.fixture
def admin(client_for, staff_admin):
    return client_for("staff")


@pytest.fixture
def booked_day(room, group):
    day = open_day(after=5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    return day


@pytest.mark.django_db
def test_a_closed_day_on_a_booked_day_is_refused_naming_the_booking(admin, room, group, booked_day):
    add = reverse("admin:facilities_closedday_add")
    response = admin.post(add, {"date": booked_day.isoformat(), "room": "", "reason": "研修"})
    assert response.status_code == 200
    assert group.name in _errors(response) and "10:00" in _errors(response)
    assert not ClosedDay.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="facilities.closed_day").exists()

    # Another day, or another room on that day, closes with an audit row.
    response = admin.post(
        add, {"date": (booked_day + dt.timedelta(days=1)).isoformat(), "room": "", "reason": "研修"}
    )
    assert response.status_code == 302
    closed = ClosedDay.objects.get()
    row = AuditLog.objects.get(action="facilities.closed_day_add")
    assert row.actor.email == "staff@example.org" and row.data["reason"] == "研修"

    # Moving it onto the booked day is refused too; removing it is audited.
    change = reverse("admin:facilities_closedday_change", args=[closed.pk])
    response = admin.post(change, {"date": booked_day.isoformat(), "room": "", "reason": "研修"})
    assert response.status_code == 200
    closed.refresh_from_db()
    assert closed.date == booked_day + dt.timedelta(days=1)
    delete = reverse("admin:facilities_closedday_delete", args=[closed.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert not ClosedDay.objects.exists()
    assert AuditLog.objects.filter(action="facilities.closed_day_remove").count() == 1


@pytest.mark.django_db
def test_a_cancelled_booking_does_not_keep_a_day_open(admin, room, group):
    day = open_day(after=5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="cancelled")
    response = admin.post(
        reverse("admin:facilities_closedday_add"),
        {"date": day.isoformat(), "room": room.pk, "reason": "床の工事"},
    )
    assert response.status_code == 302
    assert ClosedDay.objects.get().room == room


@pytest.mark.django_db
def test_opening_hours_that_would_strand_a_booking_are_refused(admin, room, group, booked_day):
    hours = OpeningHours.objects.get(weekday=booked_day.weekday())
    change = reverse("admin:facilities_openinghours_change", args=[hours.pk])
    response = admin.post(change, {"opens": "11:00", "closes": "21:00"})
    assert response.status_code == 200
    assert "10:00" in _errors(response)
    hours.refresh_from_db()
    assert hours.opens == dt.time(9)

    assert admin.post(change, {"opens": "10:00", "closes": "18:00"}).status_code == 302
    hours.refresh_from_db()
    assert (hours.opens, hours.closes) == (dt.time(10), dt.time(18))
    row = AuditLog.objects.get(action="facilities.opening_hours_set")
    assert row.data["changes"] == {"opens": ["09:00", "10:00"], "closes": ["21:00", "18:00"]}

    # The weekday cannot become a closing day while the booking holds; the delete says why.
    delete = reverse("admin:facilities_openinghours_delete", args=[hours.pk])
    response = admin.post(delete, {"post": "yes"}, follow=True)
    assert OpeningHours.objects.filter(pk=hours.pk).exists()
    assert group.name in response.content.decode()


@pytest.mark.django_db
def test_the_list_edit_of_opening_hours_checks_too(admin, room, group, booked_day):
    rows = list(OpeningHours.objects.order_by("pk"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "1"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = row.pk
        data[f"form-{i}-opens"] = "12:00" if row.weekday == booked_day.weekday() else "09:00"
        data[f"form-{i}-closes"] = "21:00"
    response = admin.post(reverse("admin:facilities_openinghours_changelist"), data)
    assert response.status_code == 200
    assert OpeningHours.objects.get(weekday=booked_day.weekday()).opens == dt.time(9)


@pytest.mark.django_db
def test_a_room_rule_change_is_checked_against_its_bookings_and_audited(admin, room, group):
    day = open_day(after=5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, attendees=10)
    make_booking(room, at(day, "12:15"), at(day, "14:00"), group=group, attendees=4)
    change = reverse("admin:facilities_room_change", args=[room.pk])

    def post(**values):
        data = {
            "name": room.name,
            "slug": room.slug,
            "capacity": room.capacity,
            "floor": "",
            "features": "",
            "notes": "",
            "order": 0,
            "is_active": "on",
            "online_booking": "on",
            "mode": room.mode,
            "slot_minutes": room.slot_minutes,
            "min_minutes": room.min_minutes,
            "max_minutes": room.max_minutes,
            "buffer_minutes": room.buffer_minutes,
            "window_kind": room.window_kind,
            "window_months": room.window_months,
            "cancel_deadline_hours": room.cancel_deadline_hours,
            "group_monthly_hours": "",
            "blocks-TOTAL_FORMS": "0",
            "blocks-INITIAL_FORMS": "0",
        }
        data.update(values)
        return admin.post(change, {k: v for k, v in data.items() if v is not None})

    assert "buffer" in "buffer"
    response = post(buffer_minutes=30)  # 12:00 → 12:15 leaves 15 minutes
    assert response.status_code == 200 and "12:15" in _errors(response)
    response = post(capacity=8)  # the 10:00 booking expects 10
    assert response.status_code == 200 and "10:00" in _errors(response)
    response = post(is_active=None)  # taken out of use with bookings to come
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.buffer_minutes, room.capacity, room.is_active) == (0, 12, True)
    assert not AuditLog.objects.filter(action="facilities.room_update").exists()

    assert post(buffer_minutes=15, capacity=10).status_code == 302
    room.refresh_from_db()
    assert (room.buffer_minutes, room.capacity) == (15, 10)
    row = AuditLog.objects.get(action="facilities.room_update")
    assert row.data["changes"] == {"buffer_minutes": [0, 15], "capacity": [12, 10]}


@pytest.mark.django_db
def test_closing_on_public_holidays_with_a_booking_on_one_is_refused(admin, room, group):
    import jpholiday

    rules = FacilitySettings.load()
    rules.close_on_public_holidays = False
    rules.save()
    day = open_day(after=5)
    while not jpholiday.is_holiday(day) or day.weekday() == 6:
        day += dt.timedelta(days=1)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    change = reverse("admin:facilities_facilitysettings_change", args=[rules.pk])
    data = {
        "close_on_public_holidays": "on",
        "close_year_end": "on",
        "no_show_limit": 3,
        "group_monthly_hours": "",
        "loan_max_days": 7,
        "loan_days_ahead": 60,
    }
    response = admin.post(change, data)
    assert response.status_code == 200
    rules.refresh_from_db()
    assert not rules.close_on_public_holidays
    response = admin.post(change, {**data, "close_on_public_holidays": "", "no_show_limit": 4})
    assert response.status_code == 302
    row = AuditLog.objects.get(action="facilities.settings_update")
    assert row.data["changes"] == {"no_show_limit": [3, 4]}


@pytest.mark.django_db
def test_a_walk_in_count_in_the_admin_is_the_desk_service(admin):
    day = dt.date.today() - dt.timedelta(days=1)
    response = admin.post(reverse("admin:facilities_walkincount_add"), {"date": day, "count": 7})
    assert response.status_code == 302
    assert WalkInCount.objects.get(date=day).count == 7
    assert AuditLog.objects.filter(action="facilities.walk_in_set").count() == 1
    future = dt.date.today() + dt.timedelta(days=3)
    response = admin.post(
        reverse("admin:facilities_walkincount_add"), {"date": future, "count": 7}, follow=True
    )
    assert not WalkInCount.objects.filter(date=future).exists()


@pytest.mark.django_db
def test_booking_details_in_the_admin_are_audited_and_the_headcount_waits_for_the_desk(
    admin, room, group
):
    day = open_day(after=5)
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, attendees=5)
    change = reverse("admin:facilities_booking_change", args=[booking.pk])
    data = {
        "purpose": "定例会（変更）",
        "attendees": 6,
        "actual_headcount": "",
        "printing_masters": 0,
        "printing_sheets": 0,
        "staff_notes": "電話で変更",
        "equipment_items-TOTAL_FORMS": "0",
        "equipment_items-INITIAL_FORMS": "0",
    }
    assert admin.post(change, data).status_code == 302
    booking.refresh_from_db()
    assert (booking.purpose, booking.attendees) == ("定例会（変更）", 6)
    row = AuditLog.objects.get(action="facilities.booking_edit")
    assert row.data["fields"] == ["attendees", "purpose", "staff_notes"]
    admin.post(change, {**data, "actual_headcount": 9}, follow=True)
    booking.refresh_from_db()
    assert booking.actual_headcount is None and booking.status == Booking.Status.CONFIRMED
    assert Room.objects.count() == 1


@pytest.mark.django_db
def test_fewer_projectors_than_a_booking_needs_are_refused(admin, room, group, projector):
    day = open_day(after=5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, equipment={projector: 2})
    change = reverse("admin:facilities_equipment_change", args=[projector.pk])
    data = {
        "name": projector.name,
        "slug": projector.slug,
        "quantity": 1,
        "notes": "",
        "order": 0,
        "is_active": "on",
    }
    response = admin.post(change, data)
    assert response.status_code == 200 and "10:00" in _errors(response)
    projector.refresh_from_db()
    assert projector.quantity == 2
    assert admin.post(change, {**data, "quantity": 3}).status_code == 302
    row = AuditLog.objects.get(action="facilities.equipment_update")
    assert row.data["changes"] == {"quantity": [2, 3]}

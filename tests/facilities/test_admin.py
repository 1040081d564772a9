"""Staff in the admin: a calendar-friendly list, bulk approval, CSV export, lifting suspensions."""

import csv
import io

import pytest
from django.urls import reverse

from facilities.models import Booking, NoShowSuspension
from tests.facilities.factories import at, make_booking, open_day

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:facilities_booking_changelist"


@pytest.fixture
def admin_client(client_for, staff_admin):
    return client_for("staff")


@pytest.fixture
def bookings(group, other_group, room, other_room, projector):
    day = open_day()
    return [
        make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="requested",
                     purpose="=HYPERLINK(evil)", equipment={projector: 1}),
        make_booking(other_room, at(day, "10:00"), at(day, "12:00"), group=other_group,
                     status="requested"),
        make_booking(room, at(day, "13:00"), at(day, "15:00"), group=group, status="confirmed"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "query",
    ["", "?status=requested", "?when=upcoming", "?when=today", "?kind=group", "?q=HYPERLINK"],
)
def test_the_booking_list_filters(admin_client, bookings, query):
    response = admin_client.get(reverse(CHANGELIST) + query)
    assert response.status_code == 200


def test_filter_by_room_and_group(admin_client, bookings, room, group):
    response = admin_client.get(reverse(CHANGELIST) + f"?room__id__exact={room.pk}")
    assert response.context["cl"].result_count == 2
    response = admin_client.get(reverse(CHANGELIST) + f"?group__id__exact={group.pk}")
    assert response.context["cl"].result_count == 2


def test_bulk_approve(admin_client, bookings):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [b.pk for b in bookings]},
    )
    assert response.status_code == 302
    assert sorted(Booking.objects.values_list("status", flat=True)) == ["confirmed"] * 3


def test_csv_export_opens_in_excel_and_defuses_formulas(admin_client, bookings):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": [b.pk for b in bookings]},
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4
    first = rows[1]
    assert "'=HYPERLINK(evil)" in first
    assert any("プロジェクター" in cell for cell in first)


def test_staff_cannot_add_bookings_that_bypass_the_rules_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:facilities_booking_add"))
    assert response.status_code == 403


def test_staff_lift_a_suspension(admin_client, group):
    suspension = NoShowSuspension.objects.create(group=group, fiscal_year=2026, no_shows=3)
    admin_client.post(
        reverse("admin:facilities_noshowsuspension_changelist"),
        {"action": "lift_selected", "_selected_action": [suspension.pk]},
    )
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None


@pytest.mark.parametrize(
    "model",
    ["room", "equipment", "openinghours", "closedday", "facilitysettings", "walkincount",
     "bookingseries", "noshowsuspension"],
)  # fmt: skip
def test_every_admin_list_opens(admin_client, model, room):
    response = admin_client.get(reverse(f"admin:facilities_{model}_changelist"))
    assert response.status_code == 200


def test_a_booking_opens_for_editing(admin_client, bookings):
    response = admin_client.get(reverse("admin:facilities_booking_change", args=[bookings[0].pk]))
    assert response.status_code == 200


def test_staff_add_a_room_with_a_photo_and_blocks(admin_client):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from facilities.models import Room

    buffer = BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="PNG")
    photo = SimpleUploadedFile("room.png", buffer.getvalue(), content_type="image/png")
    assert admin_client.get(reverse("admin:facilities_room_add")).status_code == 200
    data = {
        "name": "和室", "slug": "washitsu", "capacity": 15, "floor": "2階", "features": "畳",
        "notes": "", "order": 5, "is_active": "on", "online_booking": "on", "mode": "blocks",
        "slot_minutes": 30, "min_minutes": 60, "max_minutes": 240, "buffer_minutes": 0,
        "window_kind": "month_start", "window_months": 2, "cancel_deadline_hours": 72,
        "group_monthly_hours": "", "photo": photo,
        "blocks-TOTAL_FORMS": 2, "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0, "blocks-MAX_NUM_FORMS": 1000,
        "blocks-0-label": "午前", "blocks-0-starts": "09:00", "blocks-0-ends": "12:00",
        "blocks-1-label": "午後", "blocks-1-starts": "13:00", "blocks-1-ends": "17:00",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:facilities_room_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    room = Room.objects.get(slug="washitsu")
    assert room.photo and room.blocks.count() == 2


def test_a_reserved_room_slug_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:facilities_room_add"),
        {"name": "窓口", "slug": "desk", "capacity": 3, "mode": "slots", "slot_minutes": 30,
         "min_minutes": 30, "max_minutes": 60, "buffer_minutes": 0, "window_kind": "months_ahead",
         "window_months": 2, "cancel_deadline_hours": 24, "order": 1,
         "blocks-TOTAL_FORMS": 0, "blocks-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def change(admin_client, booking, **data):
    form = {
        "purpose": booking.purpose,
        "attendees": booking.attendees,
        "actual_headcount": "",
        "printing_masters": 0,
        "printing_sheets": 0,
        "staff_notes": "",
        "equipment_items-TOTAL_FORMS": 0,
        "equipment_items-INITIAL_FORMS": 0,
        **data,
    }
    return admin_client.post(reverse("admin:facilities_booking_change", args=[booking.pk]), form)


def test_staff_cannot_expect_more_attendees_than_the_room_holds(admin_client, bookings, ja):
    booking = bookings[2]  # ミーティングスペースA, capacity 12
    response = change(admin_client, booking, attendees=13)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["attendees"]
    assert errors == ["ミーティングスペースAの定員は12人です。"]
    booking.refresh_from_db()
    assert booking.attendees == 1
    response = change(admin_client, booking, attendees=12, staff_notes="電話で人数変更")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.attendees == 12


def test_an_older_booking_of_a_room_made_smaller_can_still_be_edited(admin_client, bookings):
    booking = bookings[2]
    booking.attendees = 12
    booking.save(update_fields=["attendees"])
    booking.room.capacity = 8
    booking.room.save(update_fields=["capacity"])
    response = change(admin_client, booking, staff_notes="定員変更前の予約")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.staff_notes == "定員変更前の予約"

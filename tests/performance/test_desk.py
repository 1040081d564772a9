"""The desk reads the same few times for a busy day as for a quiet one, and its rows read as the
template wrote them (issue #20: its rows' common cells and the usage form's inputs are built in
Python now)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from facilities.forms import UsageForm
from facilities.models import Booking, EquipmentLoan, EquipmentLoanItem, OpeningHours
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

# The session and the user; the rooms, the day's bookings (equipment as text), the changes
# waiting for them, the loans (equipment as text), the pending requests (equipment as text),
# the walk-ins (9 before issue #20, and a hundred rows took a third of a second to write).
DESK_QUERIES = 8


@pytest.fixture(autouse=True)
def office_hours(db):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )


def a_past_open_day() -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=7)
    return day - dt.timedelta(days=1) if day.weekday() == 6 else day


def busy_day(day: dt.date, rows: int):
    """``rows`` bookings of many groups in many rooms on ``day`` (used, no-show, confirmed,
    maintenance; some with equipment), loans picked up and returned that day, and requests
    waiting for a decision."""
    projector = EquipmentFactory(name="プロジェクター", quantity=50, order=1)
    screen = EquipmentFactory(name="スクリーン", quantity=50, order=2)
    for n in range(rows):
        room = RoomFactory(name=f"研修室{n}", slug=f"training-{n}")
        group = GroupFactory(name=f"会{n}", name_kana=f"かい{n}")
        kind, status, extra = Booking.Kind.GROUP, Booking.Status.CONFIRMED, {}
        if n % 5 == 1:
            status, extra = Booking.Status.USED, {"actual_headcount": n, "printing_sheets": 3}
        elif n % 5 == 2:
            status = Booking.Status.NO_SHOW
        elif n % 5 == 3:
            kind = Booking.Kind.MAINTENANCE
        make_booking(
            room, at(day, "10:00"), at(day, "12:00"), group=group, kind=kind, status=status,
            attendees=5, equipment={projector: 1, screen: 2} if n % 3 == 0 else {},
            **extra,
        )  # fmt: skip
        later = open_day(after=3 + n % 5)
        make_booking(
            room, at(later, "13:00"), at(later, "14:00"), group=group,
            status=Booking.Status.REQUESTED, equipment={screen: 1},
        )  # fmt: skip
        loan = EquipmentLoan.objects.create(
            group=group, purpose=f"貸出{n}", pickup_date=day, return_date=day,
            start=at(day, "9:00"), end=at(day, "21:00"), status="returned",
        )  # fmt: skip
        EquipmentLoanItem.objects.create(loan=loan, equipment=projector, quantity=1)


def reads(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_a_busy_day_reads_as_little_as_a_quiet_one(client_for):
    day = a_past_open_day()
    url = reverse("facilities:desk") + f"?date={day.isoformat()}"
    client = client_for("staff")
    quiet = RoomFactory(name="静かな部屋", slug="quiet")
    make_booking(quiet, at(day, "9:00"), at(day, "10:00"), group=GroupFactory())
    few, _html = reads(client, url)
    busy_day(day, rows=60)
    many, html = reads(client, url)
    assert many == few <= DESK_QUERIES
    # Confirmed or used and started: 36 of the 60, and the quiet day's booking.
    assert html.count('class="desk-no-show"') == 37
    assert "プロジェクター ×1、スクリーン ×2" in html


def test_each_rows_usage_inputs_are_the_forms_own(client_for):
    """The inputs filled in per row are exactly what the usage form renders for that row."""
    day = a_past_open_day()
    room = RoomFactory(name="研修室", slug="training")
    used = make_booking(
        room, at(day, "10:00"), at(day, "12:00"), group=GroupFactory(),
        status=Booking.Status.USED, attendees=4, actual_headcount=6, printing_masters=2,
        printing_sheets=120,
    )  # fmt: skip
    confirmed = make_booking(
        room, at(day, "13:00"), at(day, "15:00"), group=GroupFactory(), attendees=9
    )
    _reads, html = reads(client_for("staff"), reverse("facilities:desk") + f"?date={day}")
    for booking, headcount in ((used, 6), (confirmed, 9)):
        form = UsageForm(
            initial={
                "headcount": headcount,
                "printing_masters": booking.printing_masters,
                "printing_sheets": booking.printing_sheets,
            },
            prefix=f"b{booking.pk}",
        )
        for name in ("headcount", "printing_masters", "printing_sheets"):
            assert str(form[name]) in html
            assert f'<label for="{form[name].id_for_label}">' in html
        assert reverse("facilities:desk_record", kwargs={"pk": booking.pk}) in html
        assert reverse("facilities:desk_no_show", kwargs={"pk": booking.pk}) in html

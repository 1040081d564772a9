"""Issue #12, finding 10: events respect the office's closed days, and attendance waits for
the event's day.

An event in an office room on a closed day (the year end, a closure staff entered, a holiday)
is refused in the admin and in a group's proposal, with the reason; an outside venue may be used
on any day. Attendance and walk-ins are recorded from 00:00 (Asia/Tokyo) of the day the event
starts, never weeks before.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.fiscal import TOKYO
from events import services
from events.models import Event, Registration
from facilities.models import Booking, ClosedDay
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.office import event_room, open_office

S = Registration.Status
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)  # a Tuesday
OPEN_DAY = dt.date(2026, 12, 10)  # a Thursday
YEAR_END = dt.date(2027, 1, 2)  # a Saturday in the 年末年始 closure
CLOSURE = dt.date(2026, 12, 15)  # a Tuesday the office closes (館内整理日)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def office_hours(db):
    open_office()
    ClosedDay.objects.create(date=CLOSURE, reason="館内整理日")


@pytest.fixture
def room(db):
    return event_room("会議室", "kaigishitsu")


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


def admin_data(day, room, **data):
    return {
        "title": "事務局主催 NPO会計講座",
        "slug": "kaikei",
        "kind": "seminar",
        "status": "published",
        "organiser": "",
        "start_0": day.isoformat(),
        "start_1": "13:00:00",
        "end_0": day.isoformat(),
        "end_1": "15:00:00",
        "room": room.pk if room else "",
        "venue": "",
        "summary": "",
        "description": "",
        "fee_note": "",
        "capacity": "20",
        "max_party_size": "5",
        "guest_max_party_size": "2",
        "registration_opens_0": "",
        "registration_opens_1": "",
        "registration_closes_0": "",
        "registration_closes_1": "",
        "waiting_list": "on",
        "mode": "first_come",
        "draw_at_0": "",
        "draw_at_1": "",
        "staff_note": "",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        **data,
    }


def proposal(group, day, **data):
    return {
        "group": group.pk,
        "title": "子ども食堂 ボランティア説明会",
        "kind": "other",
        "start": f"{day.isoformat()}T13:00",
        "end": f"{day.isoformat()}T15:00",
        "at_office": "on",
        "venue": "",
        "summary": "",
        "description": "",
        "capacity": "15",
        "fee_note": "",
        **data,
    }


# --- Closed days


def test_admin_refuses_an_office_event_in_the_room_during_the_year_end_closure(client_for, room):
    response = client_for("staff").post(
        reverse("admin:events_event_add"), admin_data(YEAR_END, room)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "年末年始" in " ".join(errors["room"])
    assert not Event.objects.exists()
    assert not Booking.objects.exists()


def test_admin_refuses_a_day_staff_entered_as_closed(client_for, room):
    response = client_for("staff").post(
        reverse("admin:events_event_add"), admin_data(CLOSURE, room)
    )
    assert "館内整理日" in response.content.decode()
    assert not Event.objects.exists()


def test_admin_refuses_moving_a_room_event_onto_a_closed_day(client_for, room):
    client = client_for("staff")
    assert (
        client.post(reverse("admin:events_event_add"), admin_data(OPEN_DAY, room)).status_code
        == 302
    )
    event = Event.objects.get()
    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]), admin_data(YEAR_END, room)
    )
    assert response.status_code == 200
    assert "年末年始" in response.content.decode()
    event.refresh_from_db()
    assert event.start == at(OPEN_DAY, 13) and event.booking.start == at(OPEN_DAY, 13)


def test_booking_the_room_for_an_event_on_a_closed_day_is_refused(staff, room):
    event = EventFactory(start=at(YEAR_END, 13), end=at(YEAR_END, 15), venue="")
    with pytest.raises(services.EventError, match="年末年始"):
        services.event_book_room(actor=staff, event=event, room=room)
    assert not Booking.objects.exists()


def test_an_outside_venue_may_be_used_on_a_closed_day(client_for):
    response = client_for("staff").post(
        reverse("admin:events_event_add"),
        admin_data(YEAR_END, None, venue="市民会館 大ホール"),
    )
    assert response.status_code == 302
    assert Event.objects.get().venue == "市民会館 大ホール"


def test_a_proposal_at_the_office_on_a_closed_day_is_refused(client_for, member, group):
    client = client_for("member")
    page = client.post(reverse("events:propose"), proposal(group, YEAR_END))
    text = page.content.decode()
    assert "休館日" in text and "年末年始" in text
    page = client.post(reverse("events:propose"), proposal(group, CLOSURE))
    assert "館内整理日" in page.content.decode()
    assert not Event.objects.exists()


def test_a_proposal_at_the_office_on_an_open_day_or_outside_on_a_closed_day_is_taken(
    client_for, member, group
):
    client = client_for("member")
    page = client.post(reverse("events:propose"), proposal(group, OPEN_DAY), follow=True)
    assert "オフィスで内容を確認してから公開します" in page.content.decode()
    outside = proposal(group, YEAR_END, at_office="", venue="市民会館 大ホール", title="新年会")
    client.post(reverse("events:propose"), outside)
    assert Event.objects.count() == 2
    assert Event.objects.get(title="新年会").venue == "市民会館 大ホール"


def test_a_proposal_needs_the_office_or_a_venue(client_for, member, group):
    page = client_for("member").post(
        reverse("events:propose"), proposal(group, OPEN_DAY, at_office="")
    )
    assert "会場を入力してください" in page.content.decode()
    assert not Event.objects.exists()


def test_the_service_refuses_a_proposal_at_the_office_on_a_closed_day(member, group):
    with pytest.raises(services.EventError, match="館内整理日"):
        services.event_propose(
            actor=member,
            group=group,
            at_office=True,
            title="説明会",
            kind="other",
            start=at(CLOSURE, 13),
            end=at(CLOSURE, 15),
            venue="",
            capacity=10,
        )


# --- Attendance waits for the event's day


@pytest.fixture
def meeting(db):
    event = EventFactory(slug="meeting", start=at(OPEN_DAY, 13), end=at(OPEN_DAY, 15))
    RegistrationFactory(event=event, guest_name="参加 花子", people=2)
    return event


def test_attendance_cannot_be_recorded_weeks_before_the_event(client_for, meeting, clock):
    registration = meeting.registrations.get()
    client = client_for("staff")
    url = reverse("events:attendance", args=[meeting.slug])
    page = client.get(url).content.decode()
    assert "開催日" in page  # the page says when recording opens
    data = {f"came_{registration.pk}": "on", f"people_{registration.pk}": "2"}
    data[f"seen_{registration.pk}"] = "0"
    page = client.post(url, data)
    assert page.status_code == 200
    assert "12月10日" in page.content.decode() and "開催日" in page.content.decode()
    registration.refresh_from_db()
    assert not registration.attended
    # From 00:00 on the event's day (Tokyo) it is recorded.
    clock.move_to(dt.datetime.combine(OPEN_DAY, dt.time(0, 0), tzinfo=TOKYO))
    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert registration.attended and registration.attended_people == 2


def test_walk_ins_cannot_be_recorded_before_the_event_day(client_for, meeting, clock):
    client = client_for("staff")
    url = reverse("events:walk_in", args=[meeting.slug])
    page = client.post(url, {"people": "3", "name": "飛び入り"})
    assert page.status_code == 200
    assert "開催日" in page.content.decode()
    assert not Registration.objects.filter(is_walk_in=True).exists()
    with pytest.raises(services.EventError):
        services.walk_in_add(actor=None, event=meeting, people=1)
    clock.move_to(
        dt.datetime.combine(OPEN_DAY, dt.time(23, 59), tzinfo=TOKYO) - dt.timedelta(days=1)
    )
    with pytest.raises(services.EventError):
        services.walk_in_add(actor=None, event=meeting, people=1)
    clock.move_to(at(OPEN_DAY, 12))
    assert client.post(url, {"people": "3", "name": "飛び入り"}).status_code == 302
    assert Registration.objects.get(is_walk_in=True).attended_people == 3


def test_attendance_service_refuses_marks_before_the_day(meeting, staff):
    registration = meeting.registrations.get()
    with pytest.raises(services.EventError, match="開催日"):
        services.attendance_record(actor=staff, event=meeting, marks={registration.pk: 2})

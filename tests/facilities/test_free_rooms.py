"""Find a free room (空き状況検索, issue #16 part 2): /facilities/free/ on known data."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from core import registry
from facilities.models import Booking, ClosedDay, Room, TimeBlock
from facilities.selectors import booking_window_last_day, free_rooms
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day
from tests.security.fuzz import FORM_SETTINGS, assert_no_server_error, form_data

pytestmark = pytest.mark.django_db

FREE = reverse("facilities:free")


def search(client, day, start="10:00", end="12:00", people=None, equipment=()):
    query = f"?date={day.isoformat()}&from={start}&to={end}"
    if people is not None:
        query += f"&people={people}"
    query += "".join(f"&equipment={e.slug}" for e in equipment)
    return client.get(FREE + query)


def found(response) -> list[str]:
    search = response.context["search"]
    return [answer.room.slug for answer in search.matches]


def reasons(response) -> dict[str, str]:
    return {a.room.slug: a.reason for a in response.context["search"].others}


@pytest.fixture
def rooms(db):
    return {
        "small": RoomFactory(name="作業室", slug="small", capacity=6),
        "middle": RoomFactory(name="ミーティングスペース", slug="middle", capacity=12),
        "large": RoomFactory(name="会議室", slug="large", capacity=30, buffer_minutes=30),
    }


def test_the_free_rooms_are_listed_smallest_first_with_a_prefilled_booking_link(client, rooms):
    day = open_day()
    response = search(client, day, people=5)
    assert response.status_code == 200
    assert found(response) == ["small", "middle", "large"]
    page = response.content.decode()
    link = reverse("facilities:book", kwargs={"slug": "small"})
    assert f"{link}?start={day}T10%3A00&amp;end={day}T12%3A00&amp;attendees=5" in page, (
        "each room links to its prefilled booking form"
    )


def test_an_overlapping_booking_takes_the_room_out(client, rooms):
    day = open_day()
    make_booking(rooms["middle"], at(day, "11:00"), at(day, "13:00"))
    response = search(client, day)
    assert "middle" not in found(response)
    assert "予約" in reasons(response)["middle"]


def test_a_booking_that_only_touches_the_time_leaves_the_room_free(client, rooms):
    day = open_day()
    make_booking(rooms["middle"], at(day, "12:00"), at(day, "13:00"))
    make_booking(rooms["middle"], at(day, "9:00"), at(day, "10:00"))
    assert "middle" in found(search(client, day))


def test_the_tidy_up_buffer_counts(client, rooms):
    day = open_day()
    # The large room keeps 30 minutes free after each booking: one ending at 9:30 blocks 10:00?
    # No: 9:30 + 30 = 10:00 touches. One ending at 9:45 overlaps the buffer.
    make_booking(rooms["large"], at(day, "9:00"), at(day, "9:30"))
    assert "large" in found(search(client, day))
    make_booking(rooms["large"], at(day, "12:00"), at(day, "13:00"))
    response = search(client, day)
    assert "large" not in found(response)
    assert "30" in reasons(response)["large"]


def test_a_closed_day_finds_nothing_and_says_why(client, rooms):
    day = open_day()
    ClosedDay.objects.create(date=day, reason="施設点検")
    response = search(client, day)
    assert found(response) == []
    assert response.context["search"].closed_reason == "施設点検"
    assert "施設点検" in response.content.decode()


def test_a_room_closed_on_its_own_is_left_out(client, rooms):
    day = open_day()
    ClosedDay.objects.create(date=day, room=rooms["small"], reason="床の張り替え")
    response = search(client, day)
    assert found(response) == ["middle", "large"]
    assert "床の張り替え" in reasons(response)["small"]


def test_a_sunday_is_a_closing_day(client, rooms):
    sunday = open_day(weekday=5) + dt.timedelta(days=1)
    response = search(client, sunday)
    assert found(response) == []
    assert all(reasons(response).values())


@pytest.mark.parametrize(("start", "end"), [("8:00", "10:00"), ("20:00", "22:00")])
def test_outside_opening_hours_finds_nothing(client, rooms, start, end):
    response = search(client, open_day(), start, end)
    assert found(response) == []
    assert "9:00–21:00" in reasons(response)["small"]


def test_outside_the_booking_window_finds_nothing_but_staff_may(client, client_for, rooms):
    beyond = booking_window_last_day(rooms["small"], timezone.localdate()) + dt.timedelta(days=7)
    beyond = open_day(after=(beyond - timezone.localdate()).days)
    response = search(client, beyond)
    assert found(response) == []
    assert "予約受付" in reasons(response)["small"]
    assert "small" in found(search(client_for("staff"), beyond))


def test_the_past_finds_nothing(client, rooms):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = search(client, yesterday)
    assert found(response) == []


def test_capacity(client, rooms):
    response = search(client, open_day(), people=13)
    assert found(response) == ["large"]
    assert "12" in reasons(response)["middle"]


def test_the_length_rules_of_a_room(client, rooms):
    rooms["small"].max_minutes = 60
    rooms["small"].save()
    response = search(client, open_day())
    assert "small" not in found(response)
    assert "1時間" in reasons(response)["small"]


def test_a_time_off_the_grid_is_widened_to_the_slots(client, rooms):
    response = search(client, open_day(), "10:10", "11:50")
    answer = response.context["search"].matches[0]
    assert answer.time_text == "10:00–12:00"


def test_a_block_room_offers_the_block_that_covers_the_time(client, rooms):
    hall = RoomFactory(name="ホール", slug="hall", capacity=40, mode=Room.Mode.BLOCKS)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="午後", starts=dt.time(13), ends=dt.time(17))
    day = open_day()
    response = search(client, day, "10:00", "11:00", people=35)
    [answer] = response.context["search"].matches
    assert (answer.room.slug, answer.time_text, answer.blocks) == ("hall", "9:00–12:00", "午前")
    response = search(client, day, "11:00", "14:00", people=35)
    assert found(response) == []
    assert "午前" in reasons(response)["hall"]


def test_equipment_stock_at_that_time(client, rooms):
    projector = EquipmentFactory(name="プロジェクター", quantity=1)
    day = open_day()
    response = search(client, day, people=3, equipment=[projector])
    assert found(response) == ["small", "middle", "large"]
    page = response.content.decode()
    assert f"attendees=3&amp;equipment={projector.slug}" in page
    # Lent with a booking of another room at that time: no room can have it.
    make_booking(rooms["large"], at(day, "11:00"), at(day, "12:00"), equipment={projector: 1})
    response = search(client, day, people=3, equipment=[projector])
    assert found(response) == []
    assert "プロジェクター" in " ".join(response.context["search"].equipment_problems)
    # The rooms free without it are offered, with links that leave the equipment out.
    offered = response.context["search"].free_without_equipment
    assert [a.room.slug for a in offered] == ["small", "middle"]
    assert "equipment=" not in offered[0].book_url_plain


def test_two_of_a_piece_are_asked_by_naming_it_twice(client, rooms):
    projector = EquipmentFactory(name="プロジェクター", quantity=2)
    day = open_day()
    make_booking(rooms["large"], at(day, "9:00"), at(day, "17:00"), equipment={projector: 1})
    assert found(search(client, day, equipment=[projector])) == ["small", "middle"]
    response = search(client, day, equipment=[projector, projector])
    assert found(response) == []
    assert "1" in response.context["search"].equipment_problems[0]


def test_rooms_booked_through_the_office_only_are_not_offered(client, rooms):
    rooms["small"].online_booking = False
    rooms["small"].save()
    assert "small" not in found(search(client, open_day()))


def test_the_first_visit_shows_the_form_without_a_message(client, rooms):
    response = client.get(FREE)
    assert response.status_code == 200
    assert response.context["search"] is None and response.context["problem"] is None
    page = response.content.decode()
    assert 'name="date"' in page and 'name="from"' in page and 'name="people"' in page


BAD_QUERIES = [
    "?date=",
    "?date=2026-02-30&from=10:00&to=12:00",
    "?date=tomorrow&from=10:00&to=12:00",
    "?date=99999-01-01&from=10:00&to=12:00",
    "?date=1900-01-01&from=10:00&to=12:00",
    "?date=2026-05-04&from=25:00&to=26:00",
    "?date=2026-05-04&from=12:00&to=10:00",
    "?date=2026-05-04&from=10:00&to=10:00",
    "?date=2026-05-04&from=10:00",
    "?date=2026-05-04&from=10:00&to=12:00&people=0",
    "?date=2026-05-04&from=10:00&to=12:00&people=abc",
    "?date=2026-05-04&from=10:00&to=12:00&people=99999999999999999999",
    "?date=2026-05-04&from=10:00&to=12:00&equipment=zz",
    "?date=2026-05-04&from=10:00&to=12:00&equipment=999999",
    "?date=2026-05-04&from=10:00&to=12:00&equipment=-1",
    "?date=%00&from=%ff&to=<script>",
    "?from=10:00&to=12:00",
    "?people=5",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_missing_or_garbled_parameters_show_the_form_with_a_message(client, rooms, query):
    response = client.get(FREE + query)
    assert response.status_code == 200
    assert response.context["search"] is None
    assert response.context["problem"]
    assert 'role="alert"' in response.content.decode()
    assert "<script>" not in response.content.decode()


@FORM_SETTINGS
@given(data=form_data(["date", "from", "to", "people", "equipment"]))
def test_hostile_queries_never_cause_a_server_error(client, rooms, data):
    response = client.get(FREE, data)
    assert_no_server_error(response, data)


def test_fuzzed_queries_never_fail(client, rooms):
    import random

    rng = random.Random(16)
    parts = ["date", "from", "to", "people", "equipment", "x"]
    values = [
        "",
        "2026-05-04",
        "10:00",
        "-1",
        "0",
        "1e9",
        "%00",
        "2026-13-01",
        "9:30",
        "１０:００",
        "a" * 500,
    ]
    for _n in range(60):
        query = "&".join(
            f"{rng.choice(parts)}={rng.choice(values)}" for _i in range(rng.randint(1, 7))
        )
        response = client.get(f"{FREE}?{query}")
        assert response.status_code == 200, query


def test_a_fixed_number_of_queries_whatever_the_rooms_and_bookings(
    client, client_for, rooms, django_assert_max_num_queries
):
    projector = EquipmentFactory(name="プロジェクター", quantity=3)
    day = open_day()
    # One room of each kind from the start: a block room may widen the period, which costs a
    # second (fixed) look at the equipment.
    TimeBlock.objects.create(
        room=rooms["large"], label="午後", starts=dt.time(13), ends=dt.time(17)
    )
    rooms["large"].mode = Room.Mode.BLOCKS
    rooms["large"].save()

    def count(c) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = search(c, day, "13:00", "15:00", people=2, equipment=[projector])
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count(client)
    for n in range(12):
        room = RoomFactory(capacity=10 + n)
        if n % 3 == 0:
            TimeBlock.objects.create(room=room, label="午後", starts=dt.time(13), ends=dt.time(17))
            room.mode = Room.Mode.BLOCKS
            room.save()
        make_booking(room, at(day, "9:00"), at(day, "10:00"), equipment={projector: 1})
        make_booking(room, at(day, "17:00"), at(day, "18:00"))
    assert count(client) == few
    with django_assert_max_num_queries(few):
        search(client, day, "13:00", "15:00", people=2, equipment=[projector])
    member_client = client_for("member")
    assert count(member_client) <= few + 6  # the session, the user and the viewer's groups


def test_the_page_cache_keeps_a_search_by_its_parameters(rooms, settings):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    day = open_day()
    first = search(Client(), day)
    assert found(first) == ["small", "middle", "large"]
    make_booking(rooms["small"], at(day, "10:00"), at(day, "12:00"))
    with CaptureQueriesContext(connection) as captured:
        again = search(Client(), day)
    assert len(captured) == 1, "the same search is served from the page cache"
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", again.content.decode()) == csrf.sub("", first.content.decode())
    # Another search is another page; the parameters' order does not matter.
    assert "small" in found(search(Client(), day, "13:00", "15:00"))
    swapped = f"{FREE}?to=12:00&from=10:00&date={day.isoformat()}"
    with CaptureQueriesContext(connection) as captured:
        Client().get(swapped)
    assert len(captured) == 1
    # A repeated equipment parameter (two pieces) is served afresh and never kept.
    projector = EquipmentFactory(name="プロジェクター", quantity=2)
    for _n in range(2):
        response = search(Client(), day, "13:00", "15:00", equipment=[projector, projector])
        assert response.context is not None
    caches["pages"].clear()


def test_free_is_a_reserved_room_address():
    from django.core.exceptions import ValidationError

    room = Room(name="x", slug="free", capacity=5)
    with pytest.raises(ValidationError) as error:
        room.full_clean()
    assert "slug" in error.value.message_dict


def test_the_form_is_on_the_home_page_and_the_rooms_page(client, rooms):
    registry.forget("home")
    EquipmentFactory(name="プロジェクター", quantity=2)
    for url, equipment in ((reverse("home"), False), (reverse("facilities:index"), True)):
        page = client.get(url).content.decode()
        form = re.search(r'<form method="get" action="/facilities/free/".*?</form>', page, re.S)
        assert form, url
        for name in ("date", "from", "to", "people"):
            assert f'name="{name}"' in form.group(0), (url, name)
        # The home page's form is short: the equipment is chosen on the results page.
        assert ("プロジェクター" in form.group(0)) is equipment, url


def test_a_search_result_books_through_the_prefilled_form(client, client_for, group, rooms):
    projector = EquipmentFactory(name="プロジェクター", quantity=2)
    day = open_day()
    response = search(client, day, people=4, equipment=[projector, projector])
    link = response.context["search"].matches[0].book_url
    form = client_for("member").get(link).context["form"]
    assert form.initial["date"] == day
    assert form.initial["start_time"] == dt.time(10)
    assert form.initial["end_time"] == dt.time(12)
    assert form.initial["attendees"] == 4
    assert form.initial[f"equipment_{projector.pk}"] == 2
    # Anonymous: the login page, which comes back to the same prefilled form.
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and "attendees%3D4" in anonymous["Location"]


def test_free_rooms_selector_answers_without_a_request(rooms):
    day = open_day()
    make_booking(
        rooms["small"], at(day, "10:00"), at(day, "11:00"), status=Booking.Status.CANCELLED
    )
    result = free_rooms(day=day, start=dt.time(10), end=dt.time(11), people=1)
    assert [a.room.slug for a in result.matches] == ["small", "middle", "large"]


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("?date=2026-02-30&from=25:00&to=x&people=abc", []),
        ("?date=2026-05-04&from=9:30&to=12:00&people=１２", ["2026-05-04", "09:30", "12:00", "12"]),
    ],
)
def test_typed_inputs_get_back_only_values_they_accept(client, rooms, query, kept):
    """<input type=date value="2026-02-30"> is not valid HTML: a garbled value comes back empty
    beside its error, a readable one in the input's own format."""
    html = client.get(FREE + query).content.decode()
    typed = re.findall(r'<input type="(?:date|time|number)"[^>]*>', html)
    values = [re.search(r'value="([^"]*)"', tag) for tag in typed]
    assert [v.group(1) for v in values if v] == kept


def test_people_without_a_group_are_told_how_to_book_instead_of_a_dead_end(client_for, rooms):
    response = search(client_for("citizen"), open_day())
    assert found(response) == ["small", "middle", "large"]
    html = response.content.decode()
    assert "/book/" not in html
    assert "登録団体のメンバー" in html and reverse("groups:apply") in html
    member_html = search(client_for("member"), open_day()).content.decode()
    assert "/small/book/" in member_html and "メンバーへの追加" not in member_html

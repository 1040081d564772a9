"""Rows that the busiest pages now build in Python instead of the template language (issue #20:
the desk's rows, my bookings' equipment text, the directory's cards, the rooms' grids, the year
report's tables of rooms and groups) escape what
people typed exactly as the templates did: a group's name, a room's or equipment's name, a
booking's purpose never reach a page as markup."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.fiscal import fiscal_year_of
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GROUP = '<b onmouseover="alert(1)">会</b>'
ROOM = "<i>部屋</i>"
EQUIPMENT = "<u>機材</u>"
PURPOSE = "<script>alert(1)</script>"
MARKUP = (GROUP, ROOM, EQUIPMENT, PURPOSE)


@pytest.fixture
def typed(db):
    group = GroupFactory(name=GROUP, name_kana="かい", offers="子ども" + PURPOSE)
    user = UserFactory(email="typed@example.org")
    MembershipFactory(group=group, user=user, role="representative")
    room = RoomFactory(name=ROOM)
    day = open_day(after=5)
    make_booking(
        room,
        at(day, "10:00"),
        at(day, "12:00"),
        group=group,
        purpose=PURPOSE,
        equipment={EquipmentFactory(name=EQUIPMENT): 1},
    )
    return {"group": group, "user": user, "room": room, "day": day}


def pages(client_for, client, typed):
    rep = client
    rep.force_login(typed["user"])
    staff = client_for("staff")
    anonymous = client_for("anonymous")
    day = typed["day"].isoformat()
    return {
        "desk": staff.get(reverse("facilities:desk") + f"?date={day}"),
        "my bookings": rep.get(reverse("facilities:bookings")),
        "directory": anonymous.get(reverse("groups:directory") + "?q=子ども"),
        "group page": anonymous.get(reverse("groups:detail", kwargs={"slug": typed["group"].slug})),
        "week": rep.get(
            reverse("facilities:room", kwargs={"slug": typed["room"].slug}) + f"?week={day}"
        ),
        "day view": rep.get(reverse("facilities:day", kwargs={"day": day})),
        "year report": client_for("official").get(
            # The running year (every room is in its table, booked or not): a year that exists
            # on any day the suite runs.
            reverse("reports:annual_year", kwargs={"year": fiscal_year_of(timezone.now())})
        ),
    }


def test_what_people_typed_is_escaped_on_the_pages_built_in_python(client_for, client, typed):
    shown = {"desk": 0, "my bookings": 0}
    for name, response in pages(client_for, client, typed).items():
        assert response.status_code == 200, name
        page = response.content.decode()
        for markup in MARKUP:
            assert markup not in page, (name, markup)
        if name in shown:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name
            assert "&lt;u&gt;機材&lt;/u&gt;" in page, name
    answers = pages(client_for, client, typed)
    assert "&lt;i&gt;部屋&lt;/i&gt;" in answers["year report"].content.decode()  # the rooms' table
    directory = answers["directory"].content.decode()
    assert "&lt;b onmouseover=&quot;alert(1)&quot;&gt;会&lt;/b&gt;" in directory

"""The bookings page reads little and still shows each group's calendar feed (issue #20)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, EquipmentLoan, EquipmentLoanItem, GroupCalendarFeed
from groups.models import Membership
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_each_groups_feed_in_one_read_with_the_groups(
    client_for, representative, group, django_assert_max_num_queries
):
    second = GroupFactory(name="環境を守る会", name_kana="かんきょうをまもるかい")
    MembershipFactory(group=second, user=representative, role=Membership.Role.MEMBER)
    GroupCalendarFeed.objects.filter(group=second).delete()  # a group made before feeds were
    feed = GroupCalendarFeed.objects.get(group=group)
    client = client_for("representative")
    url = reverse("facilities:bookings")
    client.get(url)
    with django_assert_max_num_queries(BOOKINGS_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    feed_url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": feed.token})
    assert feed_url in html
    # The representative may make a new address for their group; of the other group, only its
    # representative can make one.
    assert reverse("facilities:group_feed_reset", kwargs={"slug": group.slug}) in html
    assert reverse("facilities:group_feed_reset", kwargs={"slug": second.slug}) not in html
    assert "環境を守る会" in html


# The bookings page's reads, whatever the number of bookings and loans (issue #20; 15 before):
# the session, the user, the header's roles; the user's groups with their feeds and the
# memberships, the rooms, the loans (both lists, their equipment as text), a page of the past
# bookings with their count, the upcoming bookings (their equipment as text).
BOOKINGS_QUERIES = 8


def _years_of_bookings(group, second, rooms, equipment, years: int):
    """``years`` of past bookings (about one a week per group), two months of upcoming ones
    with equipment, and take-out loans before and after today with their equipment."""
    today = timezone.localdate()
    for n in range(years * 52):
        day = today - dt.timedelta(days=7 * n + 1)
        for g, room, hour in ((group, rooms[0], "10:00"), (second, rooms[n % 3], "18:00")):
            make_booking(
                room,
                at(day, hour),
                at(day, hour) + dt.timedelta(hours=2),
                group=g,
                status=Booking.Status.USED,
                actual_headcount=7,
            )
    for n in range(20):
        day = open_day(after=2 + 3 * n)
        make_booking(
            rooms[n % 3],
            at(day, "13:00"),
            at(day, "15:00"),
            group=group if n % 2 else second,
            status=Booking.Status.CONFIRMED if n % 4 else Booking.Status.REQUESTED,
            equipment={equipment[0]: 1, equipment[1]: 2} if n % 3 == 0 else {equipment[1]: 1},
        )
    now = timezone.now()
    for n in range(-15, 15):
        pickup = today + dt.timedelta(days=3 * n)
        loan = EquipmentLoan.objects.create(
            group=group if n % 2 else second, purpose=f"貸出{n}", pickup_date=pickup,
            return_date=pickup + dt.timedelta(days=1), start=now, end=now + dt.timedelta(days=1),
            status="confirmed" if n >= 0 else "returned",
        )  # fmt: skip
        for item in equipment[: 1 + n % 2]:
            EquipmentLoanItem.objects.create(loan=loan, equipment=item, quantity=1)


def _count(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_same_few_reads_with_years_of_bookings_and_loans(client_for, representative, group):
    """A representative of two groups: the page reads as much with one booking as with ten
    years of them, dozens upcoming with equipment and thirty loans; the past stays paged (every
    page reachable) and the upcoming rows show their equipment in its order."""
    second = GroupFactory(name="環境を守る会", name_kana="かんきょうをまもるかい")
    MembershipFactory(group=second, user=representative, role=Membership.Role.MEMBER)
    rooms = [RoomFactory(name=f"研修室{n}", slug=f"training-{n}") for n in range(3)]
    equipment = [
        EquipmentFactory(name="プロジェクター", quantity=5, order=1),
        EquipmentFactory(name="スクリーン", quantity=5, order=2),
    ]
    client = client_for("representative")
    url = reverse("facilities:bookings")
    day = open_day()
    make_booking(rooms[0], at(day, "10:00"), at(day, "12:00"), group=group)
    past = timezone.localdate() - dt.timedelta(days=3)
    make_booking(rooms[0], at(past, "10:00"), at(past, "12:00"), group=group, status="used")
    few, _html = _count(client, url)
    _years_of_bookings(group, second, rooms, equipment, years=10)
    many, html = _count(client, url)
    assert many == few <= BOOKINGS_QUERIES
    assert "プロジェクター ×1、スクリーン ×2" in html  # the equipment's order, not the lines'
    pages = Booking.objects.filter(end__lte=timezone.now()).count() // 20 + 1
    last, last_html = _count(client, f"{url}?page={pages}")
    assert last == few
    assert f"{pages} ページ中 {pages} ページ目" in last_html
    # Beyond the end, the last page (a count and a second read); garbled, the first.
    beyond, beyond_html = _count(client, f"{url}?page={pages + 5}")
    assert beyond == few + 2
    assert f"{pages} ページ中 {pages} ページ目" in beyond_html
    _garbled, garbled_html = _count(client, f"{url}?page=abc")
    assert f"{pages} ページ中 1 ページ目" in garbled_html

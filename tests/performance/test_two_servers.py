"""Two app servers on one PostgreSQL stay consistent (issue #20, "Correctness first"; the README's
deployment: several gunicorns against one database, nothing kept per server).

Two real gunicorns (one worker each, two ports) on the test database; two members of different
groups in their own browsers, each signed in on one server. Bookings and reads interleave
between the servers:

- a grid one server built is kept in the database cache and served by the other (not rebuilt:
  its cache row is untouched), to members only whose grid it is;
- a booking made on A shows at once in the room's week and the day view on B, as "mine" to its
  group and without the group's name to the other member;
- the session made on A is valid on B, and a cancellation on B leaves A's grids at once;
- two members booking the same slot at the same moment, one on each server: exactly one gets it,
  the other the form's message (no error page), and both servers then show the winner's booking.

Transactional (the servers see only committed rows), without a serialized rollback (its flush
left the database without the migrations' rows for the transactional tests after it: see
tests/accounts/test_leaving_race.py's history). So the test makes its own opening hours.
"""

import datetime as dt
import re
import threading
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from facilities.models import Booking, FacilitySettings, OpeningHours
from tests.facilities.factories import RoomFactory, at, open_day
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.performance.servers import (
    Browser,
    Server,
    start_servers,
    stop_servers,
    wait_until_answering,
)

pytestmark = pytest.mark.slow

PASSWORD = "two-servers-2026"
BOOKED_CELL = re.compile(
    r'<td class="slot--booked([^"]*)"[^>]*><span class="slot__status">([^<]+)</span>(.*?)</td>'
)
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CANCEL_LINK = re.compile(r'href="(/facilities/bookings/(\d+)/cancel/)"')
CLASH = ("この時間は先ほど別の予約が入りました", "すでに予約が入っています")


@pytest.fixture
def servers(transactional_db, clock, tmp_path):
    """Servers A and B, started before the test builds its data (they boot meanwhile) and
    stopped before the database is flushed. Under a travelled clock they start at the test's
    present moment."""
    # A transactional test with a serialized rollback before this one leaves the database without
    # the rows the migrations' post_migrate signal makes (the Site, the roles): make them again.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    travel_to = time.time() if clock.at is not None else None
    started = start_servers(("A", "B"), log_dir=tmp_path, travel_to=travel_to)
    try:
        yield started
    finally:
        connection.close()
        stop_servers(started)


def member_of(group, email: str):
    """A member whose password the servers can check: they run the production settings, whose
    hasher is PBKDF2 (the tests' settings hash with MD5, which those do not accept)."""
    user = MembershipFactory(group=group, user=UserFactory(email=email)).user
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def booked(browser: Browser, server: Server, path: str) -> dict[str, tuple[bool, str]]:
    """The grid's booked cells as this person sees them on this server:
    {"10:00–12:00": (mine, what the cell says)}."""
    response = browser.get(server, path)
    assert response.status_code == 200, (browser.name, server.name, path, response.status_code)
    return {
        time_text: ("slot--mine" in classes, label)
        for classes, time_text, label in BOOKED_CELL.findall(response.text)
    }


def kept_grids() -> dict[str, dt.datetime]:
    """The grids kept in the database cache ("default", table portal_cache): key → expiry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key, expires FROM portal_cache WHERE cache_key LIKE %s", [":1:grid:%"]
        )
        return dict(cursor.fetchall())


def book_check(browser: Browser, server: Server, room, group, day, start, end) -> str:
    """The booking form's first step (the check) on ``server``: the confirmation's token."""
    path = f"/facilities/{room.slug}/book/"
    form = browser.get(server, path)
    assert form.status_code == 200, (browser.name, server.name, form.status_code)
    answer = browser.post(
        server,
        path,
        {
            "group": group.pk,
            "date": day.isoformat(),
            "start_time": start,
            "end_time": end,
            "purpose": "定例会",
            "attendees": 6,
            "repeat": "none",
            "action": "check",
        },
        page=form.text,
    )
    assert answer.status_code == 200, (browser.name, server.name, answer.status_code)
    match = TOKEN.search(answer.text)
    assert match, f"{browser.name} on {server.name}: no confirmation page\n{answer.text[:3000]}"
    return answer.text


def book_confirm(browser: Browser, server: Server, room, confirmation: str):
    """The final POST, from the confirmation page."""
    return browser.post(
        server,
        f"/facilities/{room.slug}/book/",
        {"token": TOKEN.search(confirmation).group(1), "action": "book_confirmed"},
        page=confirmation,
    )


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_on_one_database_show_the_same_bookings_at_once(servers, clock):
    server_a, server_b = servers
    # The office: Monday–Saturday 9:00–21:00, one room, two groups with a member each.
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    cache.clear()
    room = RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)
    kodomo = GroupFactory(name="子ども食堂ネットワーク", name_kana="こどもしょくどうねっとわーく")
    kankyo = GroupFactory(name="環境を守る会", name_kana="かんきょうをまもるかい")
    hanako = member_of(kodomo, "hanako@example.org")
    taro = member_of(kankyo, "taro@example.org")
    day = open_day(after=4)
    week = f"/facilities/{room.slug}/?week={day.isoformat()}"
    day_view = f"/facilities/day/{day.isoformat()}/"

    wait_until_answering(servers)
    hanako_browser, taro_browser = Browser("hanako"), Browser("taro")
    hanako_browser.sign_in(server_a, hanako.email, PASSWORD)
    taro_browser.sign_in(server_b, taro.email, PASSWORD)

    # A grid built on B is kept in the database and served by A as it is (A does not build
    # it again: the cache row keeps its expiry). Hanako's grids are others (her group's
    # bookings carry its name): the labels below show no one gets another's.
    assert kept_grids() == {}
    assert booked(taro_browser, server_b, week) == {}
    kept = kept_grids()
    assert len(kept) == 1, kept
    assert booked(taro_browser, server_a, week) == {}
    assert kept_grids() == kept, "server A built the grid again instead of reading B's"
    for browser in (hanako_browser, taro_browser):
        for server in servers:
            for path in (week, day_view):
                assert booked(browser, server, path) == {}

    # Hanako books 10:00–12:00 on A: B shows it at once, in the week and in the day view, as
    # hers to her (her session made on A is valid on B) and as "booked" to Taro.
    confirmation = book_check(hanako_browser, server_a, room, kodomo, day, "10:00", "12:00")
    made = book_confirm(hanako_browser, server_a, room, confirmation)
    assert made.status_code == 302, made.text[:3000]
    for path in (week, day_view):
        assert booked(hanako_browser, server_b, path) == {
            "10:00–12:00": (True, "子ども食堂ネットワーク")
        }, (path, "Hanako on B")
        assert booked(taro_browser, server_b, path) == {"10:00–12:00": (False, "予約済み")}, (
            path,
            "Taro on B",
        )
        assert booked(taro_browser, server_a, path) == {"10:00–12:00": (False, "予約済み")}
    # Both servers keep the new grids in the one cache: A's week for Taro is B's.
    kept = kept_grids()
    booked(taro_browser, server_a, week)
    assert kept_grids() == kept

    # Hanako cancels on B, from her bookings page there (signed in on A only): A's grids no
    # longer show it, for her nor for Taro.
    bookings = hanako_browser.get(server_b, "/facilities/bookings/")
    assert bookings.status_code == 200, "the session made on A is not valid on B"
    links = CANCEL_LINK.findall(bookings.text)
    assert len(links) == 1, links
    cancel_path = links[0][0]
    form = hanako_browser.get(server_b, cancel_path)
    assert form.status_code == 200
    cancelled = hanako_browser.post(
        server_b, cancel_path, {"scope": "one", "reason": "日程変更"}, page=form.text
    )
    assert cancelled.status_code == 302, cancelled.text[:3000]
    assert Booking.objects.get(pk=links[0][1]).status == Booking.Status.CANCELLED
    for path in (week, day_view):
        for browser in (hanako_browser, taro_browser):
            assert booked(browser, server_a, path) == {}, (path, browser.name, "on A")
            assert booked(browser, server_b, path) == {}, (path, browser.name, "on B")

    # The same slot, 14:00–16:00, booked by both at the same moment: Hanako on A, Taro on B.
    # Exactly one gets it; the other sees the form again with its message, not an error page.
    attempts = [
        (browser, server, book_check(browser, server, room, group, day, "14:00", "16:00"))
        for browser, server, group in (
            (hanako_browser, server_a, kodomo),
            (taro_browser, server_b, kankyo),
        )
    ]
    barrier = threading.Barrier(len(attempts))
    answers: dict[str, object] = {}

    def attempt(browser, server, confirmation):
        try:
            barrier.wait(timeout=20)
            answers[browser.name] = book_confirm(browser, server, room, confirmation)
        except Exception as exc:  # a timeout or a lost connection: reported below
            answers[browser.name] = exc

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = {name: getattr(answer, "status_code", answer) for name, answer in answers.items()}
    assert sorted(statuses.values(), key=str) == [200, 302], statuses
    winner = next(name for name, status in statuses.items() if status == 302)
    loser = next(name for name, status in statuses.items() if status == 200)
    refused = answers[loser].text
    assert "予約できませんでした" in refused, refused[:3000]
    assert any(message in refused for message in CLASH), refused[:3000]
    live = Booking.objects.filter(room=room, start=at(day, "14:00")).exclude(
        status=Booking.Status.CANCELLED
    )
    assert live.count() == 1
    assert live.get().group == (kodomo if winner == "hanako" else kankyo)
    for server in servers:
        for path in (week, day_view):
            assert booked(hanako_browser, server, path) == {
                "14:00–16:00": (
                    winner == "hanako",
                    "子ども食堂ネットワーク" if winner == "hanako" else "予約済み",
                )
            }, (server.name, path)
            assert booked(taro_browser, server, path) == {
                "14:00–16:00": (
                    winner == "taro",
                    "環境を守る会" if winner == "taro" else "予約済み",
                )
            }, (server.name, path)
    for server in servers:
        assert "Traceback" not in server.log.read_text(errors="replace"), server.describe()

"""The annual report built afresh and kept (issue #20): a fixed number of queries over years of
data, the running year's figures gathered again by one request while the others get the
previous ones, never by a crowd, and what the kept page shows is what a fresh gathering shows."""

import datetime as dt
import re
import threading
import time
import types
import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from reports import kpis
from tests.reports.factories import (
    attendance,
    booking,
    consultation,
    equipment_loan,
    event,
    issue,
    page_views,
    post,
    registered_group,
    room,
    subscriber,
    survey_response,
    tokyo,
    walk_ins,
)

D = dt.date
FIGURE = re.compile(r'<td class="num" data-key="([a-z_]+)"[^>]*>([^<]*)</td>')
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')


def office_years(first: int, last: int) -> None:
    """Every fiscal year from ``first`` to ``last``: groups joining and leaving, bookings used,
    cancelled and missed with equipment, walk-ins, exchange meetings and seminars with groups
    attending, a survey, consultations, newsletter issues and readers, bulletin posts and page
    views (collaboration is left out: its own tests make proposals through its services)."""
    rooms = [room(), room(), room()]
    for n, year in enumerate(range(first, last + 1)):
        groups = [registered_group(D(year, 5, 1 + i)) for i in range(3)]
        registered_group(D(year, 4, 10), withdrawn_on=D(year, 12, 1))
        for i, space in enumerate(rooms):
            used = booking(
                space,
                tokyo(year, 6, 1 + i, 10),
                tokyo(year, 6, 1 + i, 12),
                headcount=8 + n,
                group=groups[i],
            )
            equipment_loan(used, quantity=2)
            booking(
                space,
                tokyo(year, 6, 10 + i, 10),
                tokyo(year, 6, 10 + i, 12),
                status="cancelled",
                group=groups[i],
            )
            booking(
                space,
                tokyo(year, 7, 10 + i, 10),
                tokyo(year, 7, 10 + i, 12),
                status="no_show",
                group=groups[i],
            )
        walk_ins(D(year, 7, 1), 5 + n)
        meeting = event(tokyo(year, 8, 1, 18))
        attendance(meeting, 6, group=groups[0])
        seminar = event(tokyo(year, 9, 5, 14), kind="seminar")
        attendance(seminar, 3, group=groups[1])
        survey_response(tokyo(year, 9, 6, 10))
        consultation(D(year, 9, 1), channel="phone")
        consultation(D(year, 10, 1), channel="visit", group=groups[2])
        issue(D(year, 10, 1))
        subscriber(tokyo(year, 10, 2, 9))
        post(tokyo(year, 11, 1, 10), group=groups[0])
        page_views(D(year, 10, 1), 1000 * (n + 1))
        page_views(D(year, 11, 1), 500, section="groups")


@pytest.fixture
def clock(monkeypatch):
    """The figures' clock (``kpis.time``), moved by hand; sleeping and waiting stay real."""
    now = [time.time()]
    monkeypatch.setattr(
        kpis,
        "time",
        types.SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep),
    )
    return now


def figures(html: str) -> dict:
    return dict(FIGURE.findall(html))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_built_afresh_the_pages_keep_to_their_query_budgets(
    client_for, today, django_assert_max_num_queries
):
    official = client_for("official")
    office_years(2021, 2025)  # FY2025 is the running year (today: 15 January 2026)
    official.get("/reports/")  # the session, the user and the role read once
    cache.clear()
    # Every source, two years of it (the year's page) or every year (all years), the year
    # before to the same date for the running year, the breakdowns, the rooms and their
    # opening hours, the cache's reads, locks and writes, the session and the user.
    # One more wherever the cache counts its table (its first write in a process, then at most
    # once a minute: core/dbcache.py).
    with django_assert_max_num_queries(58 + 1):
        page(official, "/reports/annual/")
    cache.clear()
    # The year and the one before, the year before to the same date, the months, the rooms and
    # their opening hours, the breakdowns; collaboration, with nothing the year before, has its
    # earlier years read (two); the figures, the year before to the same date, the breakdowns
    # and the page kept, each with its lock (in a test's transaction a cache write is three
    # statements: a savepoint, the upsert and its release).
    with django_assert_max_num_queries(82 + 1):
        page(official, "/reports/annual/2025/")
    cache.clear()
    # A finished year: no "to the same date", but the year before's rooms (its rate compared).
    with django_assert_max_num_queries(70 + 1):
        page(official, "/reports/annual/2023/")
    page(official, "/reports/annual/")
    page(official, "/reports/annual/2025/")
    # Kept: the session, the user, the role, the figures, the targets and the kept page.
    with django_assert_max_num_queries(7):
        page(official, "/reports/annual/")
    with django_assert_max_num_queries(6):
        page(official, "/reports/annual/2025/")


@pytest.mark.django_db
def test_while_the_running_year_is_gathered_again_others_get_the_previous_figures(
    client_for, today, clock, monkeypatch
):
    first, second = client_for("official"), client_for("staff")
    office_years(2023, 2025)
    hall = room()
    url = "/reports/annual/2025/"
    before = figures(page(first, url))["facility_users"]
    booking(hall, tokyo(2025, 12, 1, 10), tokyo(2025, 12, 1, 12), headcount=40)
    clock[0] += 30
    assert figures(page(second, url))["facility_users"] == before  # kept for a minute

    gathered, meanwhile = [], []
    two_years = kpis.two_years

    def gathering(**kwargs):
        gathered.append(kwargs["year"])
        # Another request arrives while this one gathers the figures.
        meanwhile.append(page(second, url))
        return two_years(**kwargs)

    monkeypatch.setattr(kpis, "two_years", gathering)
    clock[0] += 31  # the figures are due
    after = figures(page(first, url))["facility_users"]
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 40
    assert gathered == [2025]  # the other request did not gather them too...
    assert figures(meanwhile[0])["facility_users"] == before  # ...it got the previous ones
    assert figures(page(second, url))["facility_users"] == after
    assert gathered == [2025]


@pytest.mark.django_db
def test_a_request_during_a_gathering_gets_the_previous_page_without_rendering_it(
    client_for, today, clock, monkeypatch
):
    """The year's page changes only with its figures (and targets): a request that gets the
    previous figures while another gathers new ones gets the page kept with them, and only the
    gatherer renders (issue #20: two renders of the heaviest page at the same moment)."""
    from reports import annual

    first, second = client_for("official"), client_for("staff")
    office_years(2023, 2025)
    url = "/reports/annual/2025/"
    before = page(first, url)
    rendered = []
    compress = annual.zlib.compress
    monkeypatch.setattr(
        annual,
        "zlib",
        types.SimpleNamespace(
            compress=lambda data, level: rendered.append(1) or compress(data, level),
            decompress=annual.zlib.decompress,
        ),
    )
    meanwhile = []
    two_years = kpis.two_years

    def gathering(**kwargs):
        meanwhile.append(page(second, url))
        return two_years(**kwargs)

    monkeypatch.setattr(kpis, "two_years", gathering)
    clock[0] += 61  # the running year's figures and the page built from them are due
    page(first, url)
    assert figures(meanwhile[0]) == figures(before)
    assert len(rendered) == 1  # the gatherer's page, with the new figures


@pytest.mark.django_db
def test_the_kept_pages_show_what_a_fresh_gathering_shows(client_for, today):
    official = client_for("official")
    office_years(2022, 2025)
    urls = ["/reports/annual/", "/reports/annual/2025/", "/reports/annual/2024/"]
    for url in urls:
        page(official, url)  # gathered and kept
    kept = {url: VOLATILE.sub("", page(official, url)) for url in urls}
    cache.clear()  # every figure gathered afresh
    fresh = {url: VOLATILE.sub("", page(official, url)) for url in urls}
    for url in urls[1:]:
        assert figures(kept[url]) and figures(kept[url]) == figures(fresh[url]), url
    for url in urls:
        assert kept[url] == fresh[url], url


def _crowd(call, people: int = 4) -> list:
    """``call()`` from ``people`` threads at once (each with its own database connection)."""
    results, start = [None] * people, threading.Barrier(people)

    def one(n):
        try:
            start.wait()
            results[n] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_a_crowd_finding_nothing_kept_gathers_the_figures_once(clock):
    key, gathered, arrived = f"crowd:{uuid.uuid4().hex}", [], []

    def compute():
        gathered.append(1)
        deadline = time.monotonic() + 10
        while len(arrived) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # the others find the lock taken and wait for these figures
        return "figures"

    def request():
        arrived.append(1)
        return kpis.remember(key, compute, 60)

    try:
        assert _crowd(request) == ["figures"] * 4
        assert len(gathered) == 1
    finally:
        cache.delete(f"reports:v{kpis.CACHE_VERSION}:{key}")


@pytest.mark.django_db(transaction=True)
def test_a_crowd_finding_the_figures_due_gets_the_previous_ones_while_one_gathers(clock):
    key, gathered, answered = f"due:{uuid.uuid4().hex}", [], []
    others_answered = threading.Event()
    try:
        assert kpis.remember(key, lambda: "previous", 60) == "previous"
        clock[0] += 61

        def compute():
            gathered.append(1)
            # Gathering lasts until the three others have their answer (or ten seconds).
            others_answered.wait(10)
            return "new"

        def request():
            value = kpis.remember(key, compute, 60)
            answered.append(value)
            if answered.count("previous") == 3:
                others_answered.set()
            return value

        results = _crowd(request)
        assert sorted(results) == ["new", "previous", "previous", "previous"]
        assert len(gathered) == 1
        assert kpis.remember(key, compute, 60) == "new"
        assert len(gathered) == 1
    finally:
        cache.delete(f"reports:v{kpis.CACHE_VERSION}:{key}")


def test_finished_years_stay_kept_while_the_running_year_is_kept_minutes(settings):
    today = D(2026, 1, 15)
    assert kpis.keep_seconds(2024, today) >= 30 * 24 * 3600
    assert kpis.keep_seconds(2025, today) == kpis.live_seconds() + kpis.STALE_SECONDS
    assert kpis.cache_seconds(2024, today) == 600 and kpis.cache_seconds(2025, today) == 60

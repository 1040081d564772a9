"""Website accesses the city can trust: page views and daily unique visitors, robots and scripts
left out, one visitor's repeated views of a page counted once, written in batches."""

import datetime as dt
import os
import re
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.fiscal import FiscalYear
from reports import kpis, middleware
from reports.middleware import (
    BUFFER,
    PageViewBuffer,
    PageViewMiddleware,
    daily_salt,
    flush_page_views,
    section_of,
    write_counts,
)
from reports.models import PageViewCounter, VisitorCounter, VisitorOfDay
from tests.reports.factories import page_views

JST = ZoneInfo("Asia/Tokyo")
NOON = dt.datetime(2026, 1, 15, 12, 0, tzinfo=JST)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SH-51E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def browser(user_agent=IPHONE, address="203.0.113.7", **extra) -> dict:
    """The headers a browser sends when it asks for a page."""
    return {
        "HTTP_USER_AGENT": user_agent,
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "HTTP_ACCEPT_LANGUAGE": "ja-JP,ja;q=0.9",
        "REMOTE_ADDR": address,
        **extra,
    }


def views_of(section=None) -> int:
    qs = PageViewCounter.objects.all()
    if section:
        qs = qs.filter(section=section)
    return sum(qs.values_list("views", flat=True))


def visitors_of(day=None) -> int:
    qs = VisitorCounter.objects.all()
    if day:
        qs = qs.filter(day=day)
    return sum(qs.values_list("visitors", flat=True))


@pytest.fixture(autouse=True)
def fresh_counting(settings, tmp_path):
    """A frozen clock, an empty buffer and no salt or remembered views from other tests; the
    buffer is written only when a test flushes it (unless the test lowers the limits)."""
    settings.PAGE_VIEWS_FLUSH_SECONDS = 10**9
    settings.PAGE_VIEWS_FLUSH_HITS = 10**9
    settings.PAGE_VIEWS_SALT_DIR = str(tmp_path)
    with time_machine.travel(NOON, tick=False) as traveller:
        BUFFER.discard()
        middleware._local_store.clear()
        yield traveller
        BUFFER.discard()


@pytest.mark.django_db
def test_browser_page_views_add_up_in_one_row_per_day_and_section(client):
    for address in ("203.0.113.7", "198.51.100.20", "192.0.2.33"):
        assert client.get("/", **browser(address=address)).status_code == 200
    client.get("/groups/", **browser())
    flush_page_views()
    assert PageViewCounter.objects.count() == 2
    assert views_of("home") == 3
    assert views_of("groups") == 1
    assert visitors_of(NOON.date()) == 3


@pytest.mark.django_db
def test_a_script_without_a_browsers_headers_adds_nothing(client):
    # 30 requests with a browser's user agent but not a browser's other headers.
    for n in range(30):
        client.get("/", HTTP_USER_AGENT=IPHONE, REMOTE_ADDR=f"203.0.113.{n}")
    # Accept without text/html, or no Accept-Language.
    client.get("/", **browser(HTTP_ACCEPT="application/json"))
    client.get("/", **browser(HTTP_ACCEPT_LANGUAGE=""))
    flush_page_views()
    assert views_of() == 0
    assert visitors_of() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/125.0 Safari/537.36",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
    ],
)
def test_known_crawlers_are_not_counted_even_with_a_browsers_headers(client, user_agent):
    client.get("/", **browser(user_agent=user_agent))
    flush_page_views()
    assert views_of() == 0
    assert visitors_of() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("user_agent", [IPHONE, ANDROID])
def test_real_browsers_are_counted(client, user_agent):
    client.get("/", **browser(user_agent=user_agent))
    flush_page_views()
    assert (views_of(), visitors_of()) == (1, 1)


@pytest.mark.django_db
def test_one_browser_reloading_a_page_30_times_in_5_minutes_is_one_view(client, fresh_counting):
    for _ in range(30):
        client.get("/events/", **browser())
        fresh_counting.shift(10)
    flush_page_views()
    assert (views_of("events"), visitors_of()) == (1, 1)
    # Other pages are other views; the same page again after half an hour is a new view.
    client.get("/groups/", **browser())
    fresh_counting.shift(31 * 60)
    client.get("/events/", **browser())
    flush_page_views()
    assert (views_of("events"), views_of("groups"), visitors_of()) == (2, 1, 1)


@pytest.mark.django_db
def test_two_browsers_are_two_visitors(client):
    client.get("/", **browser(user_agent=IPHONE))
    client.get("/", **browser(user_agent=ANDROID))  # same address: a family's two phones
    client.get("/", **browser(user_agent=IPHONE, address="198.51.100.20"))
    flush_page_views()
    assert (views_of(), visitors_of(NOON.date())) == (3, 3)


@pytest.mark.django_db
def test_the_salt_changes_with_the_day_and_the_days_visitors_are_then_forgotten(
    client, fresh_counting
):
    evening = dt.datetime(2026, 1, 15, 23, 59, tzinfo=JST)
    fresh_counting.move_to(evening)
    client.get("/", **browser())
    first_salt = daily_salt(evening.date())
    flush_page_views()
    fresh_counting.move_to(evening + dt.timedelta(minutes=2))  # the next day
    client.get("/", **browser())  # within 30 minutes, but a new day: a new view and visitor
    second_salt = daily_salt(evening.date() + dt.timedelta(days=1))
    flush_page_views()
    assert first_salt != second_salt
    assert [(c.day.day, c.visitors) for c in VisitorCounter.objects.order_by("day")] == [
        (15, 1),
        (16, 1),
    ]
    # The hashes of the two days differ: the same visitor cannot be followed across days.
    assert VisitorOfDay.objects.values("visitor").distinct().count() == 2
    # An hour after the day ended its hashes are deleted at the next flush; the count stays.
    fresh_counting.move_to(dt.datetime(2026, 1, 16, 1, 5, tzinfo=JST))
    client.get("/groups/", **browser())
    flush_page_views()
    assert sorted(VisitorOfDay.objects.values_list("day", flat=True)) == [dt.date(2026, 1, 16)]
    assert visitors_of(dt.date(2026, 1, 15)) == 1
    assert visitors_of(dt.date(2026, 1, 16)) == 1


@pytest.mark.django_db
def test_the_salt_is_never_written_to_the_database(client):
    for address in ("203.0.113.7", "198.51.100.20"):
        client.get("/", **browser(address=address))
        client.get("/events/", **browser(address=address))
    salt = daily_salt(NOON.date())
    flush_page_views()
    assert VisitorOfDay.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN "
            "('text', 'character varying', 'character', 'bytea', 'jsonb', 'json')"
        )
        columns = cursor.fetchall()
        assert len(columns) > 50  # every app's tables, the cache tables included
        found = []
        for table, column, data_type in columns:
            qn = connection.ops.quote_name
            text = f"encode({qn(column)}, 'hex')" if data_type == "bytea" else f"{qn(column)}::text"
            cursor.execute(
                f"SELECT count(*) FROM {qn(table)} WHERE {text} ILIKE %s OR {text} ILIKE %s",
                [f"%{salt}%", f"%{salt[:16]}%"],
            )
            if cursor.fetchone()[0]:
                found.append((table, column))
    assert found == []


@pytest.mark.django_db
def test_nothing_about_the_visitor_is_stored(client):
    client.get("/", **browser(address="203.0.113.7"))
    flush_page_views()
    assert {f.column for f in PageViewCounter._meta.concrete_fields} == {
        "id",
        "day",
        "section",
        "views",
    }
    assert {f.column for f in VisitorCounter._meta.concrete_fields} == {"id", "day", "visitors"}
    assert {f.column for f in VisitorOfDay._meta.concrete_fields} == {"id", "day", "visitor"}
    with connection.cursor() as cursor:
        rows = []
        for model in (PageViewCounter, VisitorCounter, VisitorOfDay):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            rows += cursor.fetchall()
    assert len(rows) == 3
    assert "203.0.113" not in repr(rows)
    assert "Mozilla" not in repr(rows)
    assert re.fullmatch(r"[0-9a-f]{32}", VisitorOfDay.objects.get().visitor)


@pytest.mark.django_db
def test_a_request_writes_nothing_until_the_buffer_is_flushed(client):
    def writes(queries):
        """Writes of the counters (the pages themselves may fill the cache)."""
        return [
            q["sql"]
            for q in queries
            if re.search(r"\b(INSERT INTO|UPDATE|DELETE FROM)\b", q["sql"])
            and "reports_" in q["sql"]
        ]

    with CaptureQueriesContext(connection) as during_requests:
        for address in ("203.0.113.7", "198.51.100.20"):
            assert client.get("/", **browser(address=address)).status_code == 200
            assert client.get("/events/", **browser(address=address)).status_code == 200
    assert writes(during_requests.captured_queries) == []
    assert views_of() == 0
    with CaptureQueriesContext(connection) as at_flush:
        flush_page_views()
    # One multi-row upsert of the views, one of the visitors (with their day's count).
    assert len(writes(at_flush.captured_queries)) == 2
    assert (views_of("home"), views_of("events"), visitors_of()) == (2, 2, 2)


@pytest.mark.django_db
def test_the_buffer_is_written_after_so_many_views_or_seconds(client, settings, fresh_counting):
    settings.PAGE_VIEWS_FLUSH_HITS = 3
    client.get("/", **browser())
    client.get("/events/", **browser())
    assert views_of() == 0
    client.get("/groups/", **browser())  # the third view: written with its response
    assert views_of() == 3
    settings.PAGE_VIEWS_FLUSH_HITS = 10**9
    settings.PAGE_VIEWS_FLUSH_SECONDS = 30
    BUFFER.since -= 31  # half a minute since the last flush
    client.get("/news/", **browser())
    assert views_of() == 4


@pytest.mark.django_db
def test_workers_flush_their_own_buffers_and_a_visitor_counts_once():
    day = NOON.date()
    workers = [PageViewBuffer(), PageViewBuffer()]
    for worker in workers:
        worker.add(day=day, section="home", visitor="a" * 32, new_view=True)
        worker.add(day=day, section="events", visitor="b" * 32, new_view=True)
    for worker in workers:
        worker.flush()
    assert (views_of("home"), views_of("events"), visitors_of(day)) == (2, 2, 2)


@pytest.mark.django_db
def test_admin_files_errors_redirects_and_posts_are_not_counted(client, client_for):
    staff = client_for("staff")
    staff.get("/admin/", **browser())
    client.get("/static/css/site.css", **browser())
    client.get("/healthz", **browser())
    client.get("/no-such-page/", **browser())  # 404
    client.get("/reports/annual/", **browser())  # 302 to the login page
    client.post("/", **browser())
    client.head("/", **browser())
    client.get("/", **browser(HTTP_SEC_PURPOSE="prefetch"))
    flush_page_views()
    assert (views_of(), visitors_of()) == (0, 0)


def test_non_html_responses_are_not_counted():
    middleware_ = PageViewMiddleware(lambda request: JsonResponse({"ok": True}))
    middleware_(RequestFactory().get("/events/feed.json", **browser()))
    assert BUFFER.take() == (Counter(), set())


def test_sections_are_a_fixed_list():
    assert section_of("/") == "home"
    assert section_of("/groups/kodomo/") == "groups"
    assert section_of("/facilities/rooms/a/") == "facilities"
    assert section_of("/accounts/login/") == "accounts"
    # Unknown or made-up paths share one row: the table cannot be flooded.
    assert section_of("/wp-login.php") == "other"
    assert section_of("/home/") == "other"
    assert section_of("/i18n/setlang/") == "other"


@pytest.mark.django_db
def test_the_day_is_tokyos_and_the_views_go_to_that_fiscal_year(fresh_counting):
    middleware_ = PageViewMiddleware(lambda request: HttpResponse("<p>hi</p>"))
    rf = RequestFactory()
    fresh_counting.move_to(dt.datetime(2026, 3, 31, 23, 50, tzinfo=JST))
    middleware_(rf.get("/", **browser()))
    fresh_counting.move_to(dt.datetime(2026, 4, 1, 0, 10, tzinfo=JST))  # 15:10 UTC on 31 March
    middleware_(rf.get("/", **browser()))
    middleware_(rf.get("/", **browser(address="198.51.100.20")))
    flush_page_views()
    figures = kpis.yearly(first=2025, last=2026, sources=["website"])
    assert (figures[2025]["page_views"], figures[2025]["daily_visitors"]) == (1, 1)
    assert (figures[2026]["page_views"], figures[2026]["daily_visitors"]) == (2, 2)


@pytest.mark.django_db
def test_page_views_and_visitors_per_year_month_and_section():
    page_views(dt.date(2025, 3, 31), 5)
    page_views(dt.date(2025, 4, 1), 100)
    page_views(dt.date(2025, 4, 1), 30, section="groups")
    page_views(dt.date(2025, 12, 31), 70, section="events")
    page_views(dt.date(2026, 3, 31), 1)
    for day, n in [(dt.date(2025, 4, 1), 40), (dt.date(2025, 4, 2), 35), (dt.date(2026, 1, 5), 9)]:
        VisitorCounter.objects.create(day=day, visitors=n)
    figures = kpis.yearly(first=2024, last=2025, sources=["website"])
    assert figures[2024]["page_views"] == 5
    assert figures[2024]["daily_visitors"] == 0
    assert figures[2025]["page_views"] == 201
    assert figures[2025]["daily_visitors"] == 84
    assert figures[2025]["page_views.section.groups"] == 30
    assert figures[2025]["page_views.section.events"] == 70
    months = kpis.monthly(FiscalYear(2025), sources=["website"])
    assert months[dt.date(2025, 4, 1)]["page_views"] == 130
    assert months[dt.date(2025, 4, 1)]["daily_visitors"] == 75
    assert months[dt.date(2025, 12, 1)]["page_views"] == 70
    assert months[dt.date(2026, 1, 1)]["daily_visitors"] == 9
    assert months[dt.date(2026, 3, 1)]["page_views"] == 1


@pytest.mark.django_db
def test_the_annual_report_shows_page_views_and_visitors(client_for, today):
    page_views(dt.date(2025, 6, 1), 1234)
    VisitorCounter.objects.create(day=dt.date(2025, 6, 1), visitors=567)
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    cells = dict(re.findall(r'<td class="num" data-key="([a-z_]+)"[^>]*>([^<]*)</td>', html))
    assert cells["page_views"] == "1,234"
    assert cells["daily_visitors"] == "567"
    assert "ホームページアクセス数" in html
    assert "ホームページ訪問者数" in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_flushes_all_add_up_in_one_row():
    threads, per_thread, errors = 8, 25, []
    day = dt.date(2026, 1, 15)

    def flush_often():
        try:
            for n in range(per_thread):
                write_counts(
                    views=Counter({(day, "events"): 1}),
                    visitors={(day, f"{n:032x}")},
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=flush_often) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert PageViewCounter.objects.get().views == threads * per_thread
    assert VisitorCounter.objects.get().visitors == per_thread


@pytest.mark.django_db
def test_staff_read_the_daily_visitors_in_the_admin_but_never_the_hashes(client_for):
    VisitorCounter.objects.create(day=NOON.date(), visitors=42)
    staff = client_for("staff")
    response = staff.get("/admin/reports/visitorcounter/")
    assert response.status_code == 200
    assert "42" in response.content.decode()
    assert staff.get("/admin/reports/visitorcounter/add/").status_code == 403
    assert VisitorOfDay not in admin.site._registry


@pytest.mark.django_db
def test_the_workers_of_a_server_share_the_days_salt_in_memory_only(
    client, fresh_counting, settings, tmp_path
):
    client.get("/", **browser())
    middleware._local_store.clear()  # another worker: nothing in its own memory
    client.get("/groups/", **browser())
    flush_page_views()
    assert visitors_of(NOON.date()) == 1
    salt_file = tmp_path / f"kyodo-visitors-{os.getuid()}-2026-01-15"
    first_salt = salt_file.read_text()
    assert first_salt == daily_salt(NOON.date())
    assert salt_file.stat().st_mode & 0o077 == 0  # readable by the portal's user only
    # The next day's salt replaces the file of the day before.
    fresh_counting.move_to(NOON + dt.timedelta(days=1))
    client.get("/", **browser())
    assert [p.name for p in tmp_path.iterdir()] == [f"kyodo-visitors-{os.getuid()}-2026-01-16"]
    # Without such a folder each process makes its own.
    settings.PAGE_VIEWS_SALT_DIR = ""
    middleware._local_store.clear()
    fresh_counting.move_to(NOON)
    assert daily_salt(NOON.date()) != first_salt
    assert [p.name for p in tmp_path.iterdir()] == [f"kyodo-visitors-{os.getuid()}-2026-01-16"]

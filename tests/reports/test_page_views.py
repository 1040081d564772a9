"""Website accesses: the portal counts page views per day and section, and nothing else."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from core.fiscal import FiscalYear
from reports import kpis
from reports.middleware import PageViewMiddleware, count_page_view, section_of
from reports.models import PageViewCounter
from tests.reports.factories import page_views

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def views_of(section=None) -> int:
    qs = PageViewCounter.objects.all()
    if section:
        qs = qs.filter(section=section)
    return sum(qs.values_list("views", flat=True))


@pytest.mark.django_db
def test_browser_page_views_add_up_in_one_row_per_day_and_section(client):
    for _ in range(3):
        assert client.get("/", HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get("/groups/", HTTP_USER_AGENT=BROWSER)
    assert PageViewCounter.objects.count() == 2
    assert views_of("home") == 3
    assert views_of("groups") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/125.0 Safari/537.36",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
    ],
)
def test_robots_and_scripts_are_not_counted(client, user_agent):
    client.get("/", HTTP_USER_AGENT=user_agent)
    assert views_of() == 0


@pytest.mark.django_db
def test_admin_files_errors_redirects_and_posts_are_not_counted(client, client_for):
    staff = client_for("staff")
    staff.get("/admin/", HTTP_USER_AGENT=BROWSER)
    client.get("/static/css/site.css", HTTP_USER_AGENT=BROWSER)
    client.get("/healthz", HTTP_USER_AGENT=BROWSER)
    client.get("/no-such-page/", HTTP_USER_AGENT=BROWSER)  # 404
    client.get("/reports/annual/", HTTP_USER_AGENT=BROWSER)  # 302 to the login page
    client.post("/", HTTP_USER_AGENT=BROWSER)
    client.head("/", HTTP_USER_AGENT=BROWSER)
    client.get("/", HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert views_of() == 0


def test_non_html_responses_are_not_counted(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.middleware.count_page_view", calls.append)
    middleware = PageViewMiddleware(lambda request: JsonResponse({"ok": True}))
    middleware(RequestFactory().get("/events/feed.json", HTTP_USER_AGENT=BROWSER))
    assert calls == []


@pytest.mark.django_db
def test_one_query_per_counted_request_and_none_for_others(django_assert_num_queries):
    rf = RequestFactory()
    middleware = PageViewMiddleware(lambda request: HttpResponse("<p>hi</p>"))
    with django_assert_num_queries(1):
        middleware(rf.get("/events/", HTTP_USER_AGENT=BROWSER))
    with django_assert_num_queries(0):
        middleware(rf.get("/events/", HTTP_USER_AGENT="Googlebot/2.1"))
    assert views_of("events") == 1


@pytest.mark.django_db
def test_nothing_about_the_visitor_is_stored(client):
    client.get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    columns = {f.column for f in PageViewCounter._meta.concrete_fields}
    assert columns == {"id", "day", "section", "views"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PageViewCounter._meta.db_table}")
        row_text = repr(cursor.fetchall())
    assert "203.0.113.7" not in row_text
    assert "Mozilla" not in row_text


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
def test_the_day_is_tokyo_and_the_count_goes_to_that_days_row():
    count_page_view("/", day=dt.date(2026, 3, 31))
    count_page_view("/", day=dt.date(2026, 4, 1))
    count_page_view("/", day=dt.date(2026, 4, 1))
    figures = kpis.yearly(first=2025, last=2026, sources=["website"])
    assert figures[2025]["page_views"] == 1
    assert figures[2026]["page_views"] == 2


@pytest.mark.django_db
def test_page_views_per_year_month_and_section():
    page_views(dt.date(2025, 3, 31), 5)
    page_views(dt.date(2025, 4, 1), 100)
    page_views(dt.date(2025, 4, 1), 30, section="groups")
    page_views(dt.date(2025, 12, 31), 70, section="events")
    page_views(dt.date(2026, 3, 31), 1)
    figures = kpis.yearly(first=2024, last=2025, sources=["website"])
    assert figures[2024]["page_views"] == 5
    assert figures[2025]["page_views"] == 201
    assert figures[2025]["page_views.section.groups"] == 30
    assert figures[2025]["page_views.section.events"] == 70
    months = kpis.monthly(FiscalYear(2025), sources=["website"])
    assert months[dt.date(2025, 4, 1)]["page_views"] == 130
    assert months[dt.date(2025, 12, 1)]["page_views"] == 70
    assert months[dt.date(2026, 3, 1)]["page_views"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted_in_one_row():
    threads, per_thread, errors = 8, 25, []

    def visit():
        try:
            for _ in range(per_thread):
                count_page_view("/events/", day=dt.date(2026, 1, 15))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert PageViewCounter.objects.count() == 1
    assert PageViewCounter.objects.get().views == threads * per_thread

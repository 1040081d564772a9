"""Website accesses (ホームページアクセス数), counted by the portal itself.

Each HTML page served with 200 to a browser adds one to the counter of its day (Asia/Tokyo) and
section of the site, with a single ``INSERT ... ON CONFLICT DO UPDATE``: one row per day and
section, never a row per request, and nothing about the visitor (no IP address, no user, no
cookie, no user agent) is stored.

Not counted: robots and scripts (known user-agent patterns, or no user agent at all), the admin,
static and media files, the health check, prefetches, requests other than GET, and any response
that is not a 200 HTML page (redirects, errors, downloads, charts, feeds).
"""

from __future__ import annotations

import logging
import re

from django.db import DatabaseError, connection
from django.utils import timezone

from reports.models import PageViewCounter

logger = logging.getLogger(__name__)

SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/healthz", "/favicon.ico", "/robots.txt")

# Robots, crawlers, link previewers, monitors, HTTP libraries and headless browsers.
BOT_PATTERN = re.compile(
    r"bot\b|bot/|bot-|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"monitor|pingdom|uptime|lighthouse|headless|phantomjs|curl|wget|httpie|python|"
    r"aiohttp|httpx|go-http-client|java/|okhttp|libwww|perl|ruby|php/|scrapy|feedfetcher|"
    r"mediapartners|bingpreview|yandex|baidu|petalsearch|semrush|ahrefs|mj12|dotbot|"
    r"gptbot|ccbot|claudebot|bytespider|applebot|duckduckbot|sogou|exabot|seznam",
    re.IGNORECASE,
)

SECTIONS = {choice.value for choice in PageViewCounter.Section}


def section_of(path: str) -> str:
    """The site section a path belongs to: its first segment if it is a known one."""
    first = path.lstrip("/").split("/", 1)[0]
    if first == "":
        return PageViewCounter.Section.HOME
    if first in SECTIONS and first not in {"home", "other"}:
        return first
    return PageViewCounter.Section.OTHER


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def should_count(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if request.path.startswith(SKIP_PREFIXES):
        return False
    # Browsers' speculative prefetches are not views.
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    return not is_bot(request.headers.get("User-Agent", ""))


def _upsert_sql() -> str:
    meta = PageViewCounter._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    day, section, views = (qn(meta.get_field(name).column) for name in ("day", "section", "views"))
    return (
        f"INSERT INTO {table} ({day}, {section}, {views}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({day}, {section}) DO UPDATE SET {views} = {table}.{views} + 1"
    )


def count_page_view(path: str, day=None) -> None:
    """Add one view to the counter of ``day`` (today in Tokyo) for ``path``'s section."""
    day = day or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [day, section_of(path)])


class PageViewMiddleware:
    """Counts page views per day and section (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if should_count(request, response):
            try:
                count_page_view(request.path)
            except DatabaseError:
                # Counting must never cost a visitor their page.
                logger.warning("page view not counted", exc_info=True)
        return response

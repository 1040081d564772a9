"""Website accesses (ホームページアクセス数) the city can trust, counted by the portal itself.

Two figures per day (Asia/Tokyo): **page views** per section of the site and **unique visitors**.

Who is a visitor: ``hash(daily salt, client address, user agent)`` (BLAKE2b keyed with the salt).
The salt is 32 random bytes from ``secrets``, made on the day's first counted request, kept only
in memory (the ``visitors`` cache, see ``visitor_store``) and dropped when the day ends, never
written to the database; so a hash cannot be turned back into an address, and hashes of two days
cannot be linked. Nothing else about the visitor is kept.

What counts once: one visitor's views of one page (path) within ``REPEAT_WINDOW_SECONDS`` (30
minutes) are one page view, so reloading or a script hammering a page adds one.

What is not counted:

- robots: a known crawler's user agent, from the maintained list of the ``crawler-user-agents``
  package (monperrus/crawler-user-agents, >1,500 patterns) plus ``EXTRA_BOT_PATTERN``, or no user
  agent at all;
- requests lacking the headers every browser sends with a page: ``Accept`` naming ``text/html``
  and ``Accept-Language``. (Only these two: Sec-Fetch-* and client hints are missing from older
  Safari and from in-app browsers the office's visitors use);
- the admin, static and media files, the health check, prefetches, requests other than GET, and
  any response that is not a 200 HTML page (redirects, errors, downloads, charts, feeds).

In batches: a request writes nothing to the database. ``PageViewMiddleware`` adds its view to this
process's ``BUFFER`` (thread-safe); the buffer is written with one multi-row upsert per table
every ``PAGE_VIEWS_FLUSH_SECONDS`` (30) or ``PAGE_VIEWS_FLUSH_HITS`` (500) counted views, by the
request that crosses the limit after its response is made; under gunicorn also by a timer thread
of each worker when the time is up and no request comes (``start_flush_timer``, started by the
``post_worker_init`` hook of ``gunicorn.conf.py``), and when the worker exits (its ``worker_exit``
hook, and ``atexit`` as a last resort). The upserts add to what is there, so any number of
workers and app servers each flush their own buffer. A worker that crashes loses its unflushed
views (at most half a minute's).

Unique visitors: each flush inserts the day's new visitor hashes into ``VisitorOfDay`` (ON
CONFLICT DO NOTHING) and adds the number of rows actually inserted to ``VisitorCounter`` in the
same statement, so a visitor seen by two workers is counted once. ``VisitorOfDay`` rows are
deleted an hour after their day has ended (the hour lets late buffers of the day still find
them); the daily count stays.

Several workers or servers must share the salt and the repeated-view keys, or a visitor whose
requests land on two workers counts in each: configure a ``visitors`` cache in ``CACHES`` on a
memory store they share (memcached or Redis). Without one, the workers of one server share the
salt through a file in a memory-backed folder (``/dev/shm``, see ``_shared_salt``), so visitors
are exact on one server, and each process remembers repeated views itself (a visitor's reload
that lands on another worker within 30 minutes counts again). The database and file caches are
refused for ``visitors``: the salt would be written down.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from functools import lru_cache

import crawleruseragents
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from core.clientip import client_ip
from reports.models import PageViewCounter, VisitorCounter, VisitorOfDay

logger = logging.getLogger(__name__)

SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/healthz", "/favicon.ico", "/robots.txt")

# What the maintained list leaves out or spells differently: generic robot words, HTTP libraries,
# headless browsers and monitors (checked case-insensitively).
EXTRA_BOT_PATTERN = re.compile(
    r"bot\b|bot/|bot-|crawl|spider|slurp|archiver|preview|monitor|uptime|lighthouse|headless|"
    r"phantomjs|curl|wget|httpie|python|aiohttp|httpx|go-http-client|java/|okhttp|libwww|perl|"
    r"ruby|php/|scrapy|yandex|baidu",
    re.IGNORECASE,
)

REPEAT_WINDOW_SECONDS = 30 * 60
VISITOR_CACHE_ALIAS = "visitors"
SECTIONS = {choice.value for choice in PageViewCounter.Section}


def section_of(path: str) -> str:
    """The site section a path belongs to: its first segment if it is a known one."""
    first = path.lstrip("/").split("/", 1)[0]
    if first == "":
        return PageViewCounter.Section.HOME
    if first in SECTIONS and first not in {"home", "other"}:
        return first
    return PageViewCounter.Section.OTHER


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """A robot's user agent (the list has 1,500 patterns: answers are kept per user agent)."""
    if not user_agent.strip():
        return True
    return bool(EXTRA_BOT_PATTERN.search(user_agent)) or crawleruseragents.is_crawler(user_agent)


def looks_like_a_browser(request) -> bool:
    """The headers every browser sends when it asks for a page: Accept naming text/html (or
    anything, */*) and Accept-Language."""
    accept = request.headers.get("Accept", "")
    if "text/html" not in accept and "*/*" not in accept:
        return False
    return bool(request.headers.get("Accept-Language", "").strip())


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
    if is_bot(request.headers.get("User-Agent", "")):
        return False
    return looks_like_a_browser(request)


# --- Visitors: a salted hash, the salt in memory only -------------------------------------------

_local_store = LocMemCache("kyodo-visitors", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def visitor_store() -> BaseCache:
    """The ``visitors`` cache if the settings name one (shared by all workers), else this
    process's memory. Never a cache that writes to the database or to disk."""
    if VISITOR_CACHE_ALIAS not in settings.CACHES:
        return _local_store
    backend = settings.CACHES[VISITOR_CACHE_ALIAS]["BACKEND"]
    if backend.endswith(("DatabaseCache", "FileBasedCache")):
        raise ImproperlyConfigured(
            "The 'visitors' cache keeps the day's salt: use memory (locmem, memcached, Redis)."
        )
    return caches[VISITOR_CACHE_ALIAS]


def _seconds_left_in(day: dt.date) -> int:
    midnight = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), timezone.get_current_timezone()
    )
    return max(1, int((midnight - timezone.now()).total_seconds()) + 1)


def _shared_salt(day: dt.date) -> str | None:
    """The day's salt from a file in a memory-backed folder (``PAGE_VIEWS_SALT_DIR``, by
    default ``/dev/shm`` where it exists), so the workers of one server share it without a
    shared cache; made by the first worker (written beside, then linked: readers never see half
    a salt); earlier days' files are deleted then. None where there is no such folder."""
    folder = getattr(settings, "PAGE_VIEWS_SALT_DIR", "/dev/shm")
    if not folder or not os.path.isdir(folder):
        return None
    prefix = f"kyodo-visitors-{os.getuid()}-"
    path = os.path.join(folder, f"{prefix}{day.isoformat()}")
    try:
        with open(path) as file:
            return file.read()
    except FileNotFoundError:
        pass
    draft = f"{path}.{os.getpid()}.{threading.get_ident()}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another worker made it first: use theirs
    finally:
        os.unlink(draft)
    for name in os.listdir(folder):
        if name.startswith(prefix) and name < f"{prefix}{day.isoformat()}":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))
    with open(path) as file:
        return file.read()


def daily_salt(day: dt.date) -> str:
    """The salt of ``day``: random, made once, gone when the day ends; kept in the ``visitors``
    cache if there is one, else in a memory-backed file all workers of the server share (see
    ``_shared_salt``), else in this process's memory."""
    store, key = visitor_store(), f"pageviews:salt:{day.isoformat()}"
    salt = store.get(key)
    if salt is None:
        made = None if VISITOR_CACHE_ALIAS in settings.CACHES else _shared_salt(day)
        store.add(key, made or secrets.token_hex(32), timeout=_seconds_left_in(day))
        salt = store.get(key)
    return salt


def visitor_hash(*, day: dt.date, address: str, user_agent: str) -> str:
    key = bytes.fromhex(daily_salt(day))
    data = f"{address}\n{user_agent}".encode()
    return hashlib.blake2b(data, key=key, digest_size=16).hexdigest()


def first_view_in_window(*, visitor: str, path: str) -> bool:
    """True for a visitor's first view of ``path`` within REPEAT_WINDOW_SECONDS."""
    digest = hashlib.blake2b(f"{visitor}\n{path}".encode(), digest_size=16).hexdigest()
    return visitor_store().add(f"pageviews:seen:{digest}", 1, timeout=REPEAT_WINDOW_SECONDS)


# --- The buffer and its flush ---------------------------------------------------------------------


def _quoted(model, *names):
    qn = connection.ops.quote_name
    return (qn(model._meta.db_table), *(qn(model._meta.get_field(n).column) for n in names))


def _placeholders(rows: int, columns: int) -> str:
    one = "(" + ", ".join(["%s"] * columns) + ")"
    return ", ".join([one] * rows)


def write_counts(*, views: Counter, visitors: set[tuple[dt.date, str]]) -> None:
    """Add ``views`` ({(day, section): n}) and the new ones of ``visitors`` ({(day, hash)}) to
    the database: one additive upsert per table, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if views:
            table, day, section, n = _quoted(PageViewCounter, "day", "section", "views")
            cursor.execute(
                f"INSERT INTO {table} ({day}, {section}, {n}) VALUES "
                f"{_placeholders(len(views), 3)} ON CONFLICT ({day}, {section}) "
                f"DO UPDATE SET {n} = {table}.{n} + EXCLUDED.{n}",
                [value for (d, s), count in sorted(views.items()) for value in (d, s, count)],
            )
        if visitors:
            seen, seen_day, seen_hash = _quoted(VisitorOfDay, "day", "visitor")
            counter, day, n = _quoted(VisitorCounter, "day", "visitors")
            cursor.execute(
                f"WITH new AS (INSERT INTO {seen} ({seen_day}, {seen_hash}) VALUES "
                f"{_placeholders(len(visitors), 2)} ON CONFLICT DO NOTHING "
                f"RETURNING {seen_day} AS day) "
                f"INSERT INTO {counter} ({day}, {n}) SELECT day, count(*) FROM new GROUP BY day "
                f"ON CONFLICT ({day}) DO UPDATE SET {n} = {counter}.{n} + EXCLUDED.{n}",
                [value for pair in sorted(visitors) for value in pair],
            )


def forget_finished_days() -> int:
    """Delete visitor hashes of days that ended more than an hour ago (their count stays)."""
    last_needed = timezone.localdate(timezone.now() - dt.timedelta(hours=1))
    deleted, _ = VisitorOfDay.objects.filter(day__lt=last_needed).delete()
    return deleted


class PageViewBuffer:
    """This process's page views and visitors not yet written (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reset()
        self._forgotten_through: dt.date | None = None

    def _reset(self) -> None:
        self.views: Counter = Counter()
        self.visitors: set[tuple[dt.date, str]] = set()
        self.hits = 0
        self.since = time.monotonic()

    def add(self, *, day: dt.date, section: str, visitor: str, new_view: bool) -> bool:
        """Add a request; True when the buffer is due to be flushed."""
        with self._lock:
            self.visitors.add((day, visitor))
            if new_view:
                self.views[(day, section)] += 1
                self.hits += 1
            limit = getattr(settings, "PAGE_VIEWS_FLUSH_HITS", 500)
            seconds = getattr(settings, "PAGE_VIEWS_FLUSH_SECONDS", 30)
            return self.hits >= limit or time.monotonic() - self.since >= seconds

    def due(self) -> bool:
        """Something is waiting and it has waited PAGE_VIEWS_FLUSH_SECONDS (the timer's test)."""
        with self._lock:
            if not (self.views or self.visitors):
                return False
            seconds = getattr(settings, "PAGE_VIEWS_FLUSH_SECONDS", 30)
            return time.monotonic() - self.since >= seconds

    def take(self) -> tuple[Counter, set]:
        with self._lock:
            views, visitors = self.views, self.visitors
            self._reset()
        return views, visitors

    def discard(self) -> None:
        self.take()

    def flush(self) -> None:
        views, visitors = self.take()
        if not (views or visitors):
            return
        write_counts(views=views, visitors=visitors)
        today = timezone.localdate()
        if self._forgotten_through != today and timezone.localtime().hour >= 1:
            forget_finished_days()
            self._forgotten_through = today


BUFFER = PageViewBuffer()


def flush_page_views() -> None:
    """Write this process's buffered page views and visitors now."""
    BUFFER.flush()


def flush_if_due() -> bool:
    """Flush the buffer if its time is up (what the timer does); True when it wrote."""
    if not BUFFER.due():
        return False
    BUFFER.flush()
    return True


_timer: threading.Thread | None = None
_timer_lock = threading.Lock()


def _timer_loop(interval: float) -> None:  # pragma: no cover - runs in gunicorn's workers
    while True:
        time.sleep(interval)
        try:
            flush_if_due()
        except Exception:
            logger.warning("buffered page views lost", exc_info=True)
        finally:
            connection.close()  # this thread's own connection: none is kept open between rounds


def start_flush_timer(interval: float | None = None) -> threading.Thread:
    """Start this process's timer (once): every ``interval`` seconds (by default a third of
    PAGE_VIEWS_FLUSH_SECONDS) it writes a buffer whose time is up, so the last views of a quiet
    hour are not left waiting for the next visitor. A daemon thread: it never holds up exit."""
    global _timer
    with _timer_lock:
        if _timer is None or not _timer.is_alive():
            if interval is None:
                interval = max(1.0, getattr(settings, "PAGE_VIEWS_FLUSH_SECONDS", 30) / 3)
            _timer = threading.Thread(
                target=_timer_loop, args=(interval,), name="page-view-flush", daemon=True
            )
            _timer.start()
        return _timer


@atexit.register
def _flush_at_exit() -> None:  # pragma: no cover - runs when the worker exits
    try:
        BUFFER.flush()
    except Exception:
        logger.warning("page views of this worker lost at exit", exc_info=True)


def count(request) -> bool:
    """Count a request that ``should_count``; True when the buffer is due to be flushed."""
    day = timezone.localdate()
    visitor = visitor_hash(
        day=day, address=client_ip(request), user_agent=request.headers.get("User-Agent", "")
    )
    return BUFFER.add(
        day=day,
        section=section_of(request.path),
        visitor=visitor,
        new_view=first_view_in_window(visitor=visitor, path=request.path),
    )


class PageViewMiddleware:
    """Counts page views and visitors in this process's buffer (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if should_count(request, response):
            # Counting must never cost a visitor their page.
            try:
                due = count(request)
            except Exception:
                logger.warning("page view not counted", exc_info=True)
                return response
            if due:
                try:
                    BUFFER.flush()
                except Exception:
                    logger.warning("buffered page views lost", exc_info=True)
        return response

"""Signed-in pages kept whole, per viewer session, under the portal's data version (issue #20).

Anonymous visitors get the busiest public pages from ``core.pagecache``; a signed-in member's page
differs by who looks (their group's name on the grid, "mine", links to book), so it cannot be
shared. Most of a signed-in page's cost is not its queries but building it: the layout alone is
a few milliseconds of template work, a day's grid of 36 rooms far more. Members come back to the
same pages (their room's week, their bookings, My Page) many times between two changes of
anything, so each viewer's page is kept whole, in the "pages" cache (the database: shared by
every app server), and served again while nothing in the database has changed.

**The data version.** One short random token (``DATA_VERSION_KEY``), renewed after the commit of
every save or delete of any model (and every many-to-many change), whatever made it: a member, the
desk, the admin, a management command, a background job. Models that never show on a page
(sessions, the page-view counters, the task queue's rows) do not renew it. A kept page holds the
version it was built under, and is served only while that is still the version. The session, the
page and the version are read with one statement (``core.sessions.SessionStore.load_with``).

Why after commit, and not inside the writer's transaction: a version written inside it would hold
that one cache row locked until the writer commits, so every write of the portal would queue
behind every other (and two writers could deadlock through their other row locks). Written after
commit, a reader can read the old version only between the writer's commit and its callback, both
inside the writer's request: once the writer's request has returned (its redirect, its message),
no one is served a page from before its change. A page built from data newer than the version it
was stored under is harmless (the next renewal makes it stale anyway). The token is random, never
a counter, so two writers can never end on the same version.

**Who looks.** The key holds the session cookie (hashed), the language, the path and the known
query parameters (as ``core.pagecache``, so a flood of made-up query strings stores nothing): all
known before the session is read, so the session and the page come in one read. The entry holds
who its session said the viewer was (user id, the session's password hash, the backend; hashed)
and is served only to a live session that says the same. Nothing kept for one session is ever
served to another. A user's password change, deactivation, role or group change saves a model,
renews the version and so ends every kept page (and the next fresh page signs a stale session out
as usual).

**What is not kept.** A request with pending messages, a view that wrote the session or added a
message, a response that is not a plain 200 (or that sets a cookie or says private/no-store).
The CSRF token and the one-time submission tokens are stored as placeholders and made afresh when
a kept page is served, as ``core.pagecache`` does; it goes out gzip-compressed to those who accept
it, the tokens uncompressed and a random-length file name in the gzip header (BREACH, see there).

**Time.** A page is kept at most ``VIEWER_PAGE_CACHE_SECONDS`` (60 in production; 0 = off): pages
that depend on the clock (a slot turning past, a registration closing) are at most that late to
show it, and every booking or registration is checked again when it is made. A view whose page
turns stale at a known moment says so with ``kept_until(moment)`` (the rooms' grids do: their
next free slot to start), and the page is kept no longer than that.

Changes that reach the database without a model's save or delete (a queryset ``update``,
``bulk_create``, raw SQL) do not renew the version: the portal's write paths that do so renew it
themselves (``renew_data_version``); the expiry bounds anything else.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import caches
from django.db import router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from core import dbcache, pagecache

CACHE_ALIAS = pagecache.CACHE_ALIAS
DATA_VERSION_KEY = "viewer:data-version"
# Kept entries are dicts of bytes, str and numbers only; a release that changes their shape
# raises this (2: the body in gzip-ready pieces, core.pagecache).
FORMAT = 2

# Models whose rows never show on a page: their writes leave kept pages alone.
IGNORED_MODELS = frozenset(
    {
        "sessions.session",
        "contenttypes.contenttype",
        "reports.pageviewcounter",
        "reports.visitorcounter",
        "reports.visitorofday",
    }
)
IGNORED_APPS = frozenset({"procrastinate"})

# The query parameters of the pages only signed-in people see (URL name → names); the public
# pages' are core.pagecache.PAGE_PARAMETERS.
VIEWER_PAGE_PARAMETERS: dict[str, frozenset[str]] = {
    "my_account": frozenset(),
    "facilities:bookings": frozenset({"page"}),
    "facilities:desk": frozenset({"date"}),
    "reports:annual_year": frozenset(),
}

_until: contextvars.ContextVar[float | None] = contextvars.ContextVar("viewer_page_until")


def _seconds() -> int:
    return getattr(settings, "VIEWER_PAGE_CACHE_SECONDS", 0)


# --- The data version.
def renew_data_version(using: str = "default") -> None:
    """Make every kept signed-in page stale once the current transaction commits (at once when
    there is none). Called for every model save and delete; callable by a write path that goes
    around them. Several writes in one transaction renew it once, in the one statement that
    writes the transaction's cache versions after its commit (``core.dbcache.set_after_commit``:
    the grids' too)."""
    dbcache.set_after_commit(CACHE_ALIAS, {DATA_VERSION_KEY: uuid.uuid4().hex}, None, using)


def _renew_for(sender, **kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only once the change is made
    instance = kwargs.get("instance")
    using = kwargs.get("using") or router.db_for_write(sender, instance=instance)
    renew_data_version(using)


def connect() -> None:
    """Renew the version on every save, delete and many-to-many change (core.apps).

    Connected model by model, not for every sender: a model with a delete receiver loses
    Django's fast delete (its rows are fetched to send the signal), which the ignored ones
    (sessions cleared by the thousand, the page-view counters) keep."""
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
            continue
        uid = f"core.viewercache.{meta.label_lower}"
        post_save.connect(_renew_for, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_renew_for, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(_renew_for, dispatch_uid="core.viewercache.m2m")


# --- What the view says about its page.
def kept_until(moment: dt.datetime | None) -> None:
    """The page being built turns stale at ``moment`` (aware): keep it no longer."""
    if moment is None:
        return
    current = _until.get(None)
    stamp = moment.timestamp()
    if current is None or stamp < current:
        _until.set(stamp)


# --- Serving.
def _key(name: str, request, parameters) -> str | None:
    """The kept page's key, from what the request says before its session is read (the session
    cookie, language, path, query): the session and the page are then read in one statement
    (``core.sessions``). Who the session says the viewer is goes into the entry (``_viewer``)."""
    if request.method != "GET" or "messages" in request.COOKIES:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    query = request.GET
    if set(query) - parameters or any(len(values) > 1 for _n, values in query.lists()):
        return None
    normal = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    if len(normal) > pagecache.MAX_KEPT_QUERY:
        return None
    raw = "\n".join([session_key, get_language() or "", request.path, normal])
    return f"viewer:{FORMAT}:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def _viewer(request) -> str | None:
    """Who the (loaded) session says the viewer is: user, password hash, backend, digested. None
    when no kept page may be served: no live session under the cookie, or messages waiting."""
    session = request.session
    if not session.session_key or session.get("_messages"):
        return None
    raw = "\n".join(
        str(session.get(name, "")) for name in (SESSION_KEY, HASH_SESSION_KEY, BACKEND_SESSION_KEY)
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _read(request, cache, names: list[str]) -> dict:
    """``cache.get_many(names)``, with the session read in the same statement when it can be."""
    load_with = getattr(request.session, "load_with", None)
    return load_with(cache, names) if load_with else cache.get_many(names)


def _current_version(cache, found: dict) -> str:
    version = found.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(DATA_VERSION_KEY)
    return version


def _kept_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def serve_or_build(name: str, parameters, request, view, args, kwargs):
    """The page for a signed-in (or session-holding) viewer: kept, or built and kept."""
    seconds = _seconds()
    key = _key(name, request, parameters) if seconds > 0 else None
    if not key:
        return view(request, *args, **kwargs)
    cache = caches[CACHE_ALIAS]
    found = _read(request, cache, [DATA_VERSION_KEY, key])
    viewer = _viewer(request)
    if viewer is None:
        return view(request, *args, **kwargs)  # as anonymous, or with messages to show
    version = _current_version(cache, found)
    kept = found.get(key)
    if (
        isinstance(kept, dict)
        and kept.get("format") == FORMAT
        and kept.get("version") == version
        and kept.get("viewer") == viewer
        and time.time() < kept.get("until", 0)
    ):
        # pad: a member's page, Django's BREACH mitigation (core.pagecache explains).
        return pagecache._serve(request, kept, pad=True)
    token = _until.set(None)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        until = time.time() + seconds
        said = _until.get(None)
        if said is not None:
            until = min(until, said)
    finally:
        _until.reset(token)
    if (
        pagecache._storable(response)
        and not request.session.modified
        and not _kept_messages(request)
        and until > time.time()
    ):
        stored = pagecache.storable_copy(response)
        stored.update(format=FORMAT, version=version, until=until, viewer=viewer)
        cache.set(key, stored, max(1, int(until - time.time()) + 1))
        pagecache.send_compressed(request, response, stored, pad=True)
    return response


def viewer_page(name: str, parameters: frozenset[str] | None = None):
    """Keep the decorated view's page per signed-in viewer (see above). For pages only signed-in
    people see; public pages get the same through ``core.pagecache.public_page``. The query
    parameters the page understands are ``VIEWER_PAGE_PARAMETERS[name]`` unless given."""
    if parameters is None:
        parameters = VIEWER_PAGE_PARAMETERS.get(name)
    if parameters is None:
        raise KeyError(f"say which query parameters {name!r} understands in VIEWER_PAGE_PARAMETERS")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = serve_or_build(name, parameters, request, view, args, kwargs)
            pagecache.vary_on_encoding(response)
            return response

        return wrapper

    return decorator

"""A short-lived cache of public pages as anonymous visitors see them (micro-caching).

Most of the portal's traffic is people who are not signed in reading the same public pages: the
home page, the group directory, a room's week, the event list. ``public_page`` keeps the page
that such a visitor got for ``PUBLIC_PAGE_CACHE_SECONDS`` (60 in production, 0 = off) in the
"pages" cache, per path, per language and per query, so that every app server answers the
next visitors without rebuilding it.

Which queries: each kept page names the parameters it understands (``PAGE_PARAMETERS``). The key
holds those, sorted; a request with any other parameter, a repeated one or a very long query is
served afresh and never kept, so a flood of made-up query strings stores nothing. Distinct values
of known parameters (``?q=…``) can still fill the "pages" table: it has its own ``MAX_ENTRIES``
(``PUBLIC_PAGE_CACHE_MAX_ENTRIES``) and is culled on its own, never touching the rate-limit
counters in "default" (issue #12).

Who gets a cached page: only a GET from a visitor with no session and no pending messages, so
nothing personal is ever stored or shown (a page never depends on anything else of an anonymous
request). Signed-in people (anyone with a session) get their own page, kept per viewer session
by ``core.viewercache`` under the portal's data version. Forms on such pages carry a CSRF token
and a one-time submission token per visitor: the stored page holds placeholders in their place,
and each visitor gets tokens of their own (and the CSRF cookie) when it is served.

What is stale: an anonymous visitor may see a change up to that many seconds late. The people who
make the change are signed in and see it at once, and every booking or registration is checked
again when it is made.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
import zlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Values that must differ for each visitor: the CSRF token, and the one-time submission token
# that recognises a form posted twice (groups.forms.OnceMixin). Stored as placeholders.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
ONCE_FIELD = re.compile(rb'(name="submission_token" value=")[0-9a-f-]{36}(")')
ONCE_PLACEHOLDER = b"\x00submission-token\x00"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link", "X-Robots-Tag")

CACHE_ALIAS = "pages"
# The query parameters each kept page understands (its URL name → names). Anything else in the
# query means the page is built afresh and not kept; a page that learns a parameter adds it here.
PAGE_PARAMETERS: dict[str, frozenset[str]] = {
    "home": frozenset(),
    "groups:directory": frozenset({"q", "field", "area", "looking_for", "sort", "page"}),
    "groups:detail": frozenset(),
    "events:list": frozenset({"kind", "organiser", "month", "page"}),
    "events:detail": frozenset(),
    "news:list": frozenset({"page"}),
    "news:detail": frozenset(),
    "facilities:index": frozenset(),
    "facilities:room": frozenset({"week", "day"}),
    "facilities:free": frozenset({"date", "from", "to", "people", "equipment"}),
    "facilities:day": frozenset(),
    "newsletter:list": frozenset({"year"}),
    "newsletter:detail": frozenset(),
    "bulletin:list": frozenset({"category", "page"}),
    "bulletin:detail": frozenset(),
    "groups:recent_activities": frozenset({"page"}),
    "search": frozenset({"q"}),
}
# A longer query (a search of 100 characters fits easily) is never kept.
MAX_KEPT_QUERY = 300


def _seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(name: str, request) -> str | None:
    """The page's key: path, language and the known parameters, sorted; None = do not keep."""
    query = request.GET
    if set(query) - PAGE_PARAMETERS[name]:
        return None
    if any(len(values) > 1 for _name, values in query.lists()):
        return None
    normal = urlencode(sorted(query.items()))
    if len(normal) > MAX_KEPT_QUERY:
        return None
    where = hashlib.sha256(f"{request.path}?{normal}".encode()).hexdigest()[:32]
    return f"page:{name}:{get_language()}:{where}"


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def storable_copy(response) -> dict:
    """The page's body with placeholders for the tokens each visitor gets anew, and its headers.
    The body is kept compressed: HTML shrinks to a tenth or less (the day view's 250 kB grid of
    every room to 13 kB), and every read of a kept page carries it out of the database."""
    body = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    body = ONCE_FIELD.sub(rb"\1" + ONCE_PLACEHOLDER + rb"\2", body)
    headers = {h: response[h] for h in KEPT_HEADERS if h in response}
    return {"zbody": zlib.compress(body, 1), "headers": headers}


def _serve(request, stored: dict) -> HttpResponse:
    body = zlib.decompress(stored["zbody"]) if "zbody" in stored else stored["body"]
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    while ONCE_PLACEHOLDER in body:
        body = body.replace(ONCE_PLACEHOLDER, str(uuid.uuid4()).encode(), 1)
    response = HttpResponse(body)
    for header, value in stored["headers"].items():
        response[header] = value
    # A page built afresh varies on the session cookie (the session middleware says so when the
    # page reads the user); one served from here must say the same, or a shared proxy could
    # give this anonymous page to someone signed in.
    patch_vary_headers(response, ("Cookie",))
    return response


def public_page(name: str):
    """Serve the decorated view's page to anonymous visitors from the cache (see above)."""
    if name not in PAGE_PARAMETERS:
        raise KeyError(f"say which query parameters {name!r} understands in PAGE_PARAMETERS")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "GET" and settings.SESSION_COOKIE_NAME in request.COOKIES:
                # Someone with a session (signed in, mostly): their own kept page, if any.
                from core import viewercache

                parameters = PAGE_PARAMETERS[name]
                return viewercache.serve_or_build(name, parameters, request, view, args, kwargs)
            seconds = _seconds()
            if seconds <= 0 or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(name, request)
            if key is None:
                return view(request, *args, **kwargs)
            cache = caches[CACHE_ALIAS]
            stored = cache.get(key)
            if stored is not None:
                response = _serve(request, stored)
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if _storable(response):
                    cache.set(key, storable_copy(response), seconds)
            return response

        return wrapper

    return decorator

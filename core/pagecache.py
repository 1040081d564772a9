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
import secrets
import struct
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
# In the keys: entries of another shape (a release before or after) are never read.
FORMAT = 2
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
    return f"page:{FORMAT}:{name}:{get_language()}:{where}"


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


# --- Kept bodies, sent gzip-compressed to those who accept it (issue #20).
# A kept body is sent as it is stored, without decompressing it: the day view's 250 kB of HTML as
# 13 kB of gzip. Its per-visitor tokens cannot be written into compressed bytes, so the body is
# stored in pieces cut at its tokens, each piece compressed on its own (raw deflate ending on a
# byte boundary, ``Z_SYNC_FLUSH``); a visitor's answer is the pieces with each token between them
# as an uncompressed (stored) deflate block, inside a gzip header and trailer. The trailer's CRC
# is combined from the pieces' CRCs kept with them (``_crc_shift``), so no byte of the page is
# read again. Those who do not accept gzip get the same stream decompressed.
#
# BREACH: a page's compressed length must not tell an attacker who can put text into it (a search
# query) anything about a secret on it. The CSRF and submission tokens are never compressed: no
# piece is compressed with them or with another piece, so nothing on the page can match them.
# Members' pages also show what only they may see (their bookings, their details on My Page),
# compressed with what a query puts on the page: theirs get Django's own mitigation as
# GZipMiddleware applies it since 4.2 ("Heal the BREACH": a file name of random length in the gzip
# header, up to 100 bytes), new for every answer. Anonymous pages hold nothing of anyone's.
PIECE_LEVEL = 1  # zlib's fastest, as before: storing is done by the request that built it
CSRF_HOLE, ONCE_HOLE = "c", "o"
_HOLES = re.compile(re.escape(CSRF_PLACEHOLDER) + b"|" + re.escape(ONCE_PLACEHOLDER))
# mtime 0, no flags, OS unknown; with FNAME (0x08) when a random file name follows.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_GZIP_HEADER_NAMED = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"
RANDOM_NAME_BYTES = 100  # django.middleware.gzip.GZipMiddleware.max_random_bytes

# CRC-32 arithmetic (zlib's crc32_combine, in Python's zlib only from 3.14 on): the CRC of
# A + B is crc(B) xor crc(A) times x^(8·len(B)) modulo zlib's polynomial (bits reflected).
_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    m = 1 << 31
    p = 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


_X2N = [1 << 30]  # x^(2^k)
for _k in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def _crc_shift(length: int) -> int:
    """x^(8·length) modulo the polynomial: kept with each piece, so that joining costs one
    multiplication (zlib's crc32_combine_gen)."""
    p, k = 1 << 31, 3
    while length:
        if length & 1:
            p = _multmodp(_X2N[k & 31], p)
        length >>= 1
        k += 1
    return p


def storable_copy(response) -> dict:
    """The page's body in compressed pieces cut at the tokens each visitor gets anew (see
    above), and its headers. HTML shrinks to a tenth or less (the day view's 250 kB grid of
    every room to 13 kB), and every read of a kept page carries it out of the database."""
    body = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    body = ONCE_FIELD.sub(rb"\1" + ONCE_PLACEHOLDER + rb"\2", body)
    parts = _HOLES.split(body)
    holes = "".join(
        CSRF_HOLE if found.group() == CSRF_PLACEHOLDER else ONCE_HOLE
        for found in _HOLES.finditer(body)
    )
    pieces = []
    for number, part in enumerate(parts):
        compressor = zlib.compressobj(PIECE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        last = number == len(parts) - 1
        pieces.append(
            compressor.compress(part)
            + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
        )
    headers = {h: response[h] for h in KEPT_HEADERS if h in response}
    return {
        "pieces": pieces,
        "holes": holes,
        "crcs": [zlib.crc32(part) for part in parts],
        "shifts": [_crc_shift(len(part)) for part in parts[1:]],
        "size": sum(map(len, parts)),
        "headers": headers,
    }


def is_kept_copy(stored) -> bool:
    return isinstance(stored, dict) and "pieces" in stored


_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")  # RFC 9110 12.4.2


@functools.lru_cache(maxsize=64)  # browsers send a handful of distinct headers
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip: named (or x-gzip) with a q above 0, or
    not named while ``*`` is (RFC 9110 12.5.3). A malformed q counts as a refusal."""
    named = anything = None
    for item in accept_encoding.split(","):
        coding, *parameters = item.split(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.fullmatch(value) else 0.0
        if coding == "*":
            anything = max(anything or 0.0, quality)
        else:
            named = max(named or 0.0, quality)
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _wants_gzip(request) -> bool:
    return accepts_gzip(request.headers.get("Accept-Encoding", ""))


def _stream(request, stored: dict) -> tuple[list[bytes], list[bytes]]:
    """The page's raw deflate stream (in parts) with this visitor's tokens, and the tokens."""
    tokens = []
    csrf = None
    for hole in stored["holes"]:
        if hole == CSRF_HOLE:
            csrf = csrf or get_token(request).encode()
            tokens.append(csrf)
        else:
            tokens.append(str(uuid.uuid4()).encode())
    pieces = stored["pieces"]
    stream = [pieces[0]]
    for token, piece in zip(tokens, pieces[1:], strict=True):
        # A stored (uncompressed) block: header byte (not final, type 0), LEN, NLEN, the bytes.
        stream += (b"\x00", struct.pack("<HH", len(token), len(token) ^ 0xFFFF), token, piece)
    return stream, tokens


def _body(request, stored: dict, *, gzip: bool, pad: bool) -> bytes:
    stream, tokens = _stream(request, stored)
    if not gzip:
        return zlib.decompress(b"".join(stream), -zlib.MAX_WBITS)
    crcs = stored["crcs"]
    crc = crcs[0]
    for token, piece_crc, shift in zip(tokens, crcs[1:], stored["shifts"], strict=True):
        crc = _multmodp(shift, zlib.crc32(token, crc)) ^ piece_crc
    size = stored["size"] + sum(map(len, tokens))
    if pad:
        name = b"a" * secrets.randbelow(RANDOM_NAME_BYTES) + b"\x00"  # as Django's
        stream[:0] = (_GZIP_HEADER_NAMED, name)
    else:
        stream.insert(0, _GZIP_HEADER)
    stream.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(stream)


def _serve(request, stored: dict, *, pad: bool = False) -> HttpResponse:
    gzip = _wants_gzip(request)
    response = HttpResponse(_body(request, stored, gzip=gzip, pad=pad))
    for header, value in stored["headers"].items():
        response[header] = value
    if gzip:
        response["Content-Encoding"] = "gzip"
    # A page built afresh varies on the session cookie (the session middleware says so when the
    # page reads the user); one served from here must say the same, or a shared proxy could
    # give this anonymous page to someone signed in.
    patch_vary_headers(response, ("Cookie",))
    return response


def send_compressed(request, response, stored: dict, *, pad: bool = False) -> None:
    """A page just built and kept goes out as a kept one would, compressed when accepted (the
    pieces are at hand). Its own response object stays: headers and attributes it carries."""
    if _wants_gzip(request):
        response.content = _body(request, stored, gzip=True, pad=pad)
        response["Content-Encoding"] = "gzip"
        if response.has_header("Content-Length"):  # set by the view: now the compressed length
            response["Content-Length"] = str(len(response.content))


def vary_on_encoding(response) -> None:
    """Everything a view with kept pages answers may be sent compressed to some and not to
    others: a shared proxy must keep them apart (fresh, kept and never-kept answers alike)."""
    patch_vary_headers(response, ("Accept-Encoding",))


def _answer(name: str, request, view, args, kwargs):
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
    if is_kept_copy(stored):
        return _serve(request, stored)
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if _storable(response):
        stored = storable_copy(response)
        cache.set(key, stored, seconds)
        send_compressed(request, response, stored)
    return response


def public_page(name: str):
    """Serve the decorated view's page to anonymous visitors from the cache (see above)."""
    if name not in PAGE_PARAMETERS:
        raise KeyError(f"say which query parameters {name!r} understands in PAGE_PARAMETERS")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = _answer(name, request, view, args, kwargs)
            vary_on_encoding(response)
            return response

        return wrapper

    return decorator

"""Kept pages sent gzip-compressed to those who accept it (core.pagecache, issue #20): the same
page as the one built afresh, with its own working tokens; the plain page to anyone else; headers
that keep a shared proxy from mixing the two; and the tokens never compressed (BREACH).

Anonymous visitors' kept pages (a group page: a contact form, so both kinds of token) and a
member's (the same page, and small views of this module's own URLconf).
"""

import gzip
import re
import uuid

import pytest
from django.contrib import messages
from django.core import mail
from django.core.cache import caches
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import include, path, reverse

from core import pagecache, viewercache

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}  # as browsers ask
TOKENS = re.compile(rb'(name="(?:csrfmiddlewaretoken|submission_token)" value=")[^"]+(")')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(rb'name="submission_token" value="([^"]+)"')


# --- A URLconf of small views (a member's kept page with a form, one with a message).
def _with_form(request):
    template = engines["django"].from_string(
        '<p>{{ text }}</p><form method="post" action="/__gzip__/post/">{% csrf_token %}</form>'
        "<p>{{ text }}</p>"
    )
    return HttpResponse(template.render({"text": "会議室 " * 500}, request))


def _with_message(request):
    messages.info(request, "saved")
    return HttpResponse("会議室 " * 500)


def _posted(request):
    return HttpResponse("posted")


urlpatterns = [
    path("__gzip__/form/", viewercache.viewer_page("test:gzip-form", frozenset())(_with_form)),
    path("__gzip__/message/", viewercache.viewer_page("test:gzip-msg", frozenset())(_with_message)),
    path("__gzip__/post/", _posted),
    path("", include("kyodo_office.urls")),
]


@pytest.fixture(autouse=True)
def pages_kept(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.VIEWER_PAGE_CACHE_SECONDS = 60
    caches[pagecache.CACHE_ALIAS].clear()


@pytest.fixture
def own_urls(settings):
    settings.ROOT_URLCONF = __name__


def without_tokens(content: bytes) -> bytes:
    return TOKENS.sub(rb"\1-\2", content)


def built_afresh(client: Client, url: str, settings) -> bytes:
    settings.PUBLIC_PAGE_CACHE_SECONDS = settings.VIEWER_PAGE_CACHE_SECONDS = 0
    try:
        response = client.get(url, **GZIP)
    finally:
        settings.PUBLIC_PAGE_CACHE_SECONDS = settings.VIEWER_PAGE_CACHE_SECONDS = 60
    assert response.status_code == 200
    assert "Content-Encoding" not in response  # nothing kept, nothing compressed
    return response.content


def vary(response) -> set[str]:
    return {word.strip().lower() for word in response.get("Vary", "").split(",")}


def assert_gzip_of(response, page: bytes) -> bytes:
    """The answer is a gzip stream (its CRC and length checked) of the page, tokens aside."""
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    assert {"accept-encoding", "cookie"} <= vary(response)
    body = gzip.decompress(response.content)
    assert without_tokens(body) == without_tokens(page)
    return body


def test_a_kept_page_is_sent_as_the_gzip_of_the_page_built_afresh(group, settings):
    url = group.get_absolute_url()
    fresh = built_afresh(Client(), url, settings)
    stored = Client().get(url, **GZIP)  # built now and kept: sent compressed already
    kept = Client().get(url, **GZIP)
    for response in (stored, kept):
        body = assert_gzip_of(response, fresh)
        # Tokens in their place, as on the page built afresh.
        assert len(CSRF.findall(body)) == len(CSRF.findall(fresh)) > 0
        assert len(ONCE.findall(body)) == len(ONCE.findall(fresh)) > 0
        uuid.UUID(ONCE.search(body).group(1).decode())
    # Far fewer bytes go out (this small page's to a half, the day view's 250 kB to 13 kB).
    assert len(kept.content) < len(fresh) / 1.5


@pytest.mark.parametrize(
    "accept_encoding",
    [
        None,
        "",
        "identity",
        "br, zstd",
        "gzip;q=0",
        "GZIP; Q=0.000",
        "*;q=0",
        "gzip;q=0, *",
        "deflate",
    ],
)
def test_who_does_not_accept_gzip_gets_the_plain_page(group, settings, accept_encoding):
    url = group.get_absolute_url()
    fresh = built_afresh(Client(), url, settings)
    extra = {} if accept_encoding is None else {"HTTP_ACCEPT_ENCODING": accept_encoding}
    Client().get(url, **GZIP)  # kept
    for response in (Client().get(url, **extra), Client().get(url, **extra)):
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        assert int(response["Content-Length"]) == len(response.content)
        assert "accept-encoding" in vary(response)
        assert without_tokens(response.content) == without_tokens(fresh)


@pytest.mark.parametrize(
    "accept_encoding", ["gzip", "*", "x-gzip", "br;q=1, gzip;q=0.5", "identity, *;q=0.1"]
)
def test_any_header_that_accepts_gzip_gets_it(group, settings, accept_encoding):
    url = group.get_absolute_url()
    fresh = built_afresh(Client(), url, settings)
    Client().get(url)  # kept
    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    assert_gzip_of(response, fresh)


def test_each_visitor_gets_tokens_of_their_own_and_the_form_works(
    group, representative, django_capture_on_commit_callbacks
):
    url = group.get_absolute_url()
    Client().get(url, **GZIP)  # kept
    seen = set()
    for n in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = gzip.decompress(visitor.get(url, **GZIP).content)
        csrf, once = CSRF.search(page).group(1).decode(), ONCE.search(page).group(1).decode()
        seen |= {csrf, once}
        with django_capture_on_commit_callbacks(execute=True):
            response = visitor.post(
                reverse("groups:contact", args=[group.slug]),
                {
                    "csrfmiddlewaretoken": csrf,
                    "submission_token": once,
                    "sender_name": f"市民 {n}",
                    "sender_email": f"visitor{n}@example.net",
                    "subject": "見学したい",
                    "message": "次回の活動を見学できますか。",
                    "website_url": "",
                },
            )
        assert response.status_code == 302, response.content.decode()[:500]
    assert len(seen) == 4
    assert len(mail.outbox) == 2


def test_tokens_are_never_compressed(group):
    """BREACH: the compressed length says nothing of a token when no token is compressed (each
    goes out as it is, between pieces compressed without it)."""
    url = group.get_absolute_url()
    Client().get(url)  # kept
    response = Client().get(url, **GZIP)
    page = gzip.decompress(response.content)
    for token in CSRF.findall(page) + ONCE.findall(page):
        assert token in response.content


def test_head_is_answered_as_before(db):
    """HEAD is never served from (nor stored in) the kept pages: the page built afresh, plain."""
    Client().get("/")  # kept
    response = Client().head("/", **GZIP)
    assert response.status_code == 200
    assert response.content == b""
    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)


def test_pages_that_are_not_kept_go_out_as_before(group, settings):
    url = group.get_absolute_url()
    # A query the page does not understand: built afresh, never kept.
    unknown = Client().get(f"{url}?utm_source=mail", **GZIP)
    assert unknown.status_code == 200 and "Content-Encoding" not in unknown
    assert "accept-encoding" in vary(unknown)
    # A visitor with a pending message (its cookie) gets a fresh page, plain.
    Client().get(url)  # kept
    visitor = Client()
    visitor.cookies["messages"] = "x"
    pending = visitor.get(url, **GZIP)
    assert pending.status_code == 200 and "Content-Encoding" not in pending
    # Nothing kept at all (the setting at 0): plain.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    off = Client().get(url, **GZIP)
    assert off.status_code == 200 and "Content-Encoding" not in off
    # Errors are never kept nor compressed.
    missing = Client().get(reverse("groups:detail", args=["no-such-group"]), **GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing


def test_a_members_kept_page_is_sent_compressed_with_a_random_file_name(
    group, client_for, member, settings
):
    """Members' pages show what only they may see next to what a query can put there: Django's
    own mitigation (GZipMiddleware's random file name, new for every answer)."""
    client = client_for("member")
    url = group.get_absolute_url()
    fresh = built_afresh(client, url, settings)
    names = set()
    for _n in range(8):
        response = client.get(url, **GZIP)
        assert_gzip_of(response, fresh)
        assert response.content[3] == 0x08  # FNAME
        names.add(response.content[10 : response.content.index(b"\x00", 10)])
    assert len(names) > 1 and all(set(name) <= {ord("a")} for name in names)
    # Anonymous visitors' pages hold nothing of anyone's: no name.
    Client().get(url)
    assert Client().get(url, **GZIP).content[3] == 0


def test_a_members_form_works_from_the_compressed_page(own_urls, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    for _n in range(2):  # built and kept, then kept
        response = client.get("/__gzip__/form/", **GZIP)
        assert response["Content-Encoding"] == "gzip"
        token = CSRF.search(gzip.decompress(response.content)).group(1).decode()
        assert client.post("/__gzip__/post/", {"csrfmiddlewaretoken": token}).status_code == 200
    assert client.get("/__gzip__/form/").content.count("会議室".encode()) == 1000


def test_a_members_page_with_a_message_goes_out_as_before(own_urls, client_for, member):
    client = client_for("member")
    response = client.get("/__gzip__/message/", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)
    assert response.content == ("会議室 " * 500).encode()

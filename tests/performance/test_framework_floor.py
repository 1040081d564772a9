"""What every request pays before its view runs (issue #20: the framework floor)."""

import contextlib
import json
import time
from unittest import mock

import psycopg
import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from core import middleware
from core.middleware import PortalCSPMiddleware
from kyodo_office import database
from kyodo_office.database import _connect_params

pytestmark = pytest.mark.django_db


def test_the_admin_prefix_is_reversed_once_not_on_every_request(client):
    client.get("/")
    with mock.patch.object(middleware, "reverse", wraps=middleware.reverse) as reverse:
        for _ in range(5):
            client.get("/groups/")
            client.get("/admin/login/")
    assert reverse.call_count == 0


def test_the_admin_still_refuses_a_nul_byte_and_public_pages_do_not(client):
    assert client.get("/admin/login/", {"next": "a\x00b"}).status_code == 400
    assert client.get("/groups/", {"q": "a\x00b"}).status_code == 200


def test_another_urlconf_gets_its_own_prefix(settings):
    assert middleware.admin_prefix() == "/admin/"
    settings.ROOT_URLCONF = "bench.bare_urls"  # a URLconf without the admin
    assert middleware.admin_prefix() is None
    assert Client().get("/__bench__/floor/").status_code == 200
    settings.ROOT_URLCONF = "kyodo_office.urls"
    assert middleware.admin_prefix() == "/admin/"


# --- In process, through Django's own WSGI handler (request_started/finished as in gunicorn) -----

FLOOR = "/__bench__/floor/"


def wsgi_get(handler, path, cookie=""):
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    status = []
    result = handler(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished, as a WSGI server sends it
    return int(status[0].split()[0]), body


@pytest.fixture
def framework(settings):
    settings.ROOT_URLCONF = "tests.performance.floor_urls"
    return WSGIHandler()


@pytest.fixture
def member_cookie(member):
    client = Client()
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def queries_per_request(handler, cookie=""):
    wsgi_get(handler, FLOOR, cookie)  # connection, caches and prefixes made once
    with CaptureQueriesContext(connection) as queries:
        assert wsgi_get(handler, FLOOR, cookie)[0] == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_the_floor_makes_its_one_query_for_a_visitor_and_for_a_member(framework, member_cookie):
    assert queries_per_request(framework) == ["SELECT 1"]
    # A member's session and user are read only when something asks for them: nothing in the
    # middleware does before the view (a page that shows the user pays for them itself).
    assert queries_per_request(framework, member_cookie) == ["SELECT 1"]
    account = reverse("my_account")
    assert wsgi_get(framework, account, member_cookie)[0] == 200  # the cookie is a live session
    assert wsgi_get(framework, account)[0] == 302


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_is_not_checked_with_a_query_on_every_request(framework):
    wsgi_get(framework, FLOOR)
    raw = connection.connection
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as is_usable:
        for _ in range(20):
            assert wsgi_get(framework, FLOOR)[0] == 200
    assert is_usable.call_count == 0  # Django's health check would ask `SELECT 1` 20 times
    assert connection.connection is raw  # and the connection is kept (CONN_MAX_AGE)


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_request_uses_it(framework):
    wsgi_get(framework, FLOOR)
    pid = terminate_this_connection()
    assert wsgi_get(framework, FLOOR) == (200, b"ok\n")
    assert connection.connection.info.backend_pid != pid


def terminate_this_connection():
    pid = connection.connection.info.backend_pid
    params = _connect_params(connection.settings_dict, connection.settings_dict["NAME"])
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not database._server_hung_up(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pid


@pytest.mark.django_db(transaction=True)
def test_when_postgresql_is_gone_the_health_check_says_so(framework, caplog):
    wsgi_get(framework, "/healthz")
    terminate_this_connection()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = 1  # the server "is down": nothing answers there
    try:
        status, body = wsgi_get(framework, "/healthz")
    finally:
        connection.settings_dict["PORT"] = port
    assert (status, json.loads(body)["database"]) == (503, "unavailable")
    assert "database does not answer" in caplog.text and "port 1 failed" in caplog.text
    assert wsgi_get(framework, "/healthz")[0] == 200  # and it is back when the server is


@pytest.mark.django_db(transaction=True)
def test_the_floor_in_process_against_the_bare_floor(framework, capsys):
    """The ratios are printed, not asserted (two shared cores: timings flake); issue #20 wants
    the framework floor at 0.6 of the bare one, measured by `make bench`. "Before" is the stack
    as it was: django-csp's own middleware and Django's SELECT 1 health check."""
    n, rounds = 2000, 5  # in rounds that alternate the three, each stack's best round counts
    bare_urls = {"ROOT_URLCONF": "bench.bare_urls", "MIDDLEWARE": []}
    with override_settings(**bare_urls):
        bare_handler = WSGIHandler()
    with as_before():
        before_handler = WSGIHandler()
    best = {"bare": float("inf"), "before": float("inf"), "now": float("inf")}
    for _ in range(rounds):
        with override_settings(**bare_urls):
            best["bare"] = min(best["bare"], timed(bare_handler, n // rounds))
        with as_before():
            best["before"] = min(best["before"], timed(before_handler, n // rounds))
        best["now"] = min(best["now"], timed(framework, n // rounds))
    rate = {name: n // rounds / seconds for name, seconds in best.items()}
    with capsys.disabled():
        print(
            f"\nin process, {n} requests each, best of {rounds} rounds: bare floor "
            f"{rate['bare']:,.0f}/s; framework floor before {rate['before']:,.0f}/s (ratio "
            f"{rate['before'] / rate['bare']:.2f}), now {rate['now']:,.0f}/s (ratio "
            f"{rate['now'] / rate['bare']:.2f})"
        )


@contextlib.contextmanager
def as_before():
    middleware = [
        "csp.middleware.CSPMiddleware" if name == "core.middleware.PortalCSPMiddleware" else name
        for name in settings.MIDDLEWARE
    ]
    overridden = override_settings(MIDDLEWARE=middleware)
    overridden.enable()
    request_started.disconnect(dispatch_uid="kyodo_drop_dead_connections")
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.close()  # Django reads the setting when it connects
    try:
        yield
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
        connection.close()
        request_started.connect(
            database.drop_dead_connections, dispatch_uid="kyodo_drop_dead_connections"
        )
        overridden.disable()


def timed(handler, n):
    wsgi_get(handler, FLOOR)
    start = time.perf_counter()
    for _ in range(n):
        wsgi_get(handler, FLOOR)
    return time.perf_counter() - start


# --- The Content-Security-Policy: the same bytes as django-csp's own middleware -----------------


def both_headers(request_factory, response_factory, use_nonce=False):
    """(django-csp's headers, the portal's) for the same request and response."""
    results = []
    for middleware_class in (CSPMiddleware, PortalCSPMiddleware):
        request = request_factory()
        middleware = middleware_class(lambda r: None)
        middleware.process_request(request)
        if use_nonce:
            str(request.csp_nonce)
        response = middleware.process_response(request, response_factory())
        results.append(
            {k: v for k, v in response.headers.items() if k.startswith("Content-Security")}
        )
    return results


def plain():
    return HttpResponse("ok")


def replaced():
    response = HttpResponse("svg")
    response._csp_replace = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]}
    return response


def updated():
    response = HttpResponse("x")
    response._csp_update = {"img-src": ["https://example.jp"]}
    return response


def exempt_with_own():
    response = HttpResponse("svg")
    response._csp_exempt = True
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def already_set():
    response = HttpResponse("x")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@pytest.mark.parametrize("response", [plain, replaced, updated, exempt_with_own, already_set])
def test_the_csp_header_is_byte_for_byte_django_csps(rf, response):
    library, portal = both_headers(lambda: rf.get("/groups/"), response)
    assert portal == library
    assert portal  # every case sends a policy


def test_a_nonce_a_report_only_policy_and_excluded_prefixes_are_still_django_csps(rf, settings):
    library, portal = both_headers(lambda: rf.get("/"), plain, use_nonce=True)
    assert portal == library
    policy = dict(settings.CONTENT_SECURITY_POLICY, EXCLUDE_URL_PREFIXES=["/healthz"])
    settings.CONTENT_SECURITY_POLICY = policy
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    for path in ("/", "/healthz"):
        library, portal = both_headers(lambda path=path: rf.get(path), plain)
        assert portal == library
    assert "Content-Security-Policy" not in portal
    assert portal["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_debug_error_pages_stay_without_a_policy_as_django_csp_leaves_them(rf, settings):
    settings.DEBUG = True
    library, portal = both_headers(lambda: rf.get("/x"), lambda: HttpResponse(status=404))
    assert portal == library == {}


def test_the_nonce_cannot_be_asked_for_after_the_header_is_written(rf):
    request = rf.get("/")
    middleware = PortalCSPMiddleware(lambda r: None)
    middleware.process_request(request)
    middleware.process_response(request, plain())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_page_built_through_the_stack_gets_the_settings_policy(client):
    assert client.get("/groups/")["Content-Security-Policy"] == build_policy()

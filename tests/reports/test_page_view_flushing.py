"""Batched page views are written when their time is up even if no request comes (a timer of
each gunicorn worker), and when a worker exits (gunicorn's ``worker_exit`` hook in
``gunicorn.conf.py``): a restart of the server loses none."""

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connection

from reports import middleware
from reports.middleware import BUFFER, flush_if_due
from reports.models import PageViewCounter, VisitorCounter
from tests.reports.test_page_views import NOON, views_of, visitors_of

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"
BROWSER = {
    "User-Agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    ),
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Language": "ja-JP,ja;q=0.9",
}


@pytest.fixture
def quiet_buffer(settings, tmp_path):
    settings.PAGE_VIEWS_FLUSH_SECONDS = 30
    settings.PAGE_VIEWS_FLUSH_HITS = 10**9
    settings.PAGE_VIEWS_SALT_DIR = str(tmp_path)
    BUFFER.discard()
    yield
    BUFFER.discard()


def _buffer_a_view():
    BUFFER.add(day=NOON.date(), section="events", visitor="c" * 32, new_view=True)


@pytest.mark.django_db
def test_the_timer_writes_a_buffer_whose_time_is_up_without_a_request(quiet_buffer):
    assert flush_if_due() is False  # nothing waiting
    _buffer_a_view()
    assert flush_if_due() is False  # waiting less than half a minute
    assert views_of() == 0
    BUFFER.since -= 31
    assert flush_if_due() is True
    assert (views_of("events"), visitors_of()) == (1, 1)
    assert flush_if_due() is False


@pytest.mark.django_db
def test_gunicorns_worker_exit_hook_writes_the_buffer(quiet_buffer):
    hooks = runpy.run_path(str(CONFIG))
    _buffer_a_view()
    hooks["worker_exit"](None, SimpleNamespace(log=None))
    assert views_of("events") == 1


def test_gunicorns_worker_init_hook_starts_one_timer(quiet_buffer, settings, monkeypatch):
    import gc

    settings.PAGE_VIEWS_FLUSH_SECONDS = 10**9  # the timer sleeps through the test
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    hooks = runpy.run_path(str(CONFIG))
    hooks["post_worker_init"](None)
    timer = middleware._timer
    assert timer is not None and timer.is_alive() and timer.daemon
    assert middleware.start_flush_timer() is timer  # once per process
    # What the worker loaded is moved out of the garbage collector's reach (issue #20).
    assert frozen == [True]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# serialized_rollback: the rows the migrations made (opening hours, settings) come back after the
# transactional flush, for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restarted_gunicorn_loses_no_page_view(tmp_path):
    """A real gunicorn with the project's config on the test database: three page views, then
    the server is stopped (SIGTERM) before any flush limit is reached; the views are there."""
    port = _free_port()
    db = django_settings.DATABASES["default"]
    host, port_db = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{host}:{port_db}/{db['NAME']}",
        "DEBUG": "1",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", str(CONFIG), "kyodo_office.wsgi", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(process.stderr.read().decode() if process.poll() is not None else "")
        for path in ("/", "/events/", "/groups/"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=BROWSER)
            assert urllib.request.urlopen(request, timeout=10).status == 200
        connection.close()
        assert PageViewCounter.objects.count() == 0  # still in the worker's buffer
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert sum(PageViewCounter.objects.values_list("views", flat=True)) == 3
    assert sum(VisitorCounter.objects.values_list("visitors", flat=True)) == 1

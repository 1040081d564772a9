"""A long read run aside (core.aside, issue #20): outside a transaction, in a thread and on a
connection of its own while the caller goes on; inside one, in the caller's thread when asked
(it sees the transaction's writes); the same value either way; a read that fails aside is read
again by the caller; no connection is left open."""

import contextvars
import threading
import time

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.utils import timezone, translation

from core.aside import Aside
from groups.models import ActivityField


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def open_sessions() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def field_slugs() -> list[str]:
    return list(ActivityField.objects.order_by("slug").values_list("slug", flat=True))


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_read_runs_aside_while_the_caller_goes_on():
    ActivityField.objects.create(slug="t-aside", name="テスト", order=990)
    caller, mine, before = threading.current_thread(), backend_pid(), open_sessions()
    seen, started, release = {}, threading.Event(), threading.Event()

    def read():
        seen["thread"], seen["pid"] = threading.current_thread(), backend_pid()
        started.set()
        release.wait(10)  # still reading while the caller goes on
        return field_slugs()

    aside = Aside(read)
    assert aside.in_thread
    assert started.wait(10)
    # The caller queries on its own connection meanwhile.
    assert backend_pid() == mine and "t-aside" in field_slugs()
    release.set()
    assert "t-aside" in aside.value()
    assert seen["thread"] is not caller and seen["pid"] != mine
    # The aside connection was opened for the read and closed after it.
    deadline = time.monotonic() + 10
    while seen["pid"] in open_sessions() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen["pid"] not in open_sessions()
    assert open_sessions() <= before


@pytest.mark.django_db
def test_inside_a_transaction_the_read_runs_when_asked_in_the_callers_thread():
    ActivityField.objects.create(slug="t-not-committed", name="テスト", order=991)
    calls = []

    def read():
        calls.append((threading.current_thread(), backend_pid()))
        return field_slugs()

    aside = Aside(read)
    assert not aside.in_thread and calls == []  # nothing read until asked
    # It sees the transaction's own writes, which another connection would not.
    assert "t-not-committed" in aside.value()
    assert calls == [(threading.current_thread(), backend_pid())]
    assert "t-not-committed" in aside.value() and len(calls) == 1  # read once


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_aside_is_read_again_by_the_caller():
    caller = threading.current_thread()

    def read():
        if threading.current_thread() is not caller:
            raise OperationalError("too many clients already")
        return "read by the caller"

    aside = Aside(read)
    assert aside.in_thread
    assert aside.value() == "read by the caller"


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_in_both_raises_the_callers_error():
    threads = []

    def read():
        threads.append(threading.current_thread())
        raise ProgrammingError("no such column")

    with pytest.raises(ProgrammingError, match="no such column"):
        Aside(read).value()
    assert len(threads) == 2 and threads[1] is threading.current_thread()


DAY = contextvars.ContextVar("day", default="no day")


@pytest.mark.django_db(transaction=True)
def test_the_read_aside_sees_the_callers_context():
    """Its time zone, language and context variables, as the caller's thread would."""

    def read():
        return (
            threading.current_thread(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
            DAY.get(),
        )

    token = DAY.set("2025-01-15")
    try:
        with timezone.override("UTC"), translation.override("en"):
            aside = Aside(read)
            thread, *seen = aside.value()
    finally:
        DAY.reset(token)
    assert aside.in_thread and thread is not threading.current_thread()
    assert seen == ["UTC", "en", "2025-01-15"]

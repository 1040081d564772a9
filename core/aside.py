"""A long read run aside: in a thread and on a database connection of its own, while the request
goes on with other work (issue #20).

A year's report spends a good third of its time waiting for one statement (two years of
bookings, tens of thousands of rows, grouped); the other sources' figures do not need it. Read
aside, PostgreSQL works on that statement on one core while the request gathers the rest on the
other, and the request waits only for what is left of it when it needs the rows.

Inside a transaction (``atomic``), the read is not run aside: another connection would not see
the transaction's own writes (nor, in tests, the test's data). It runs in the caller's thread
when its value is first asked for, as it would without this module. The aside connection is
opened for the read and closed after it: no connection is left behind in a thread. The read runs
in a copy of the caller's context (its context variables, e.g. a report's ``counted_until``
day) with the caller's time zone and language active (Django keeps those per thread), so it
reads what it would have read in the caller's thread.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

T = TypeVar("T")


class Aside(Generic[T]):
    """``read()``'s value, read in a thread of its own from now on (see the module's docstring);
    ``value()`` waits for it. A read that fails aside (no connection to be had, say) is read
    again in the caller's thread, whose error, if it fails too, is the one raised."""

    # Whether the read was started in a thread of its own (not in a transaction).
    in_thread: bool

    def __init__(self, read: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS):
        self._read = read
        self._done = False
        self._value: T | None = None
        self._thread: threading.Thread | None = None
        self.in_thread = not connections[using].in_atomic_block
        if self.in_thread:
            context = contextvars.copy_context()
            zone, language = timezone.get_current_timezone(), translation.get_language()
            self._thread = threading.Thread(
                target=context.run,
                args=(self._run, zone, language),
                name="aside-read",
                daemon=True,
            )
            self._thread.start()

    def _run(self, zone, language: str | None) -> None:
        try:
            with timezone.override(zone), translation.override(language):
                self._value = self._read()
            self._done = True
        except Exception:
            pass  # read again by value(), in the caller's thread: it raises what it meets
        finally:
            connections.close_all()  # this thread's: opened for the read only

    def value(self) -> T:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self._done:
            self._value = self._read()
            self._done = True
        return self._value  # type: ignore[return-value]

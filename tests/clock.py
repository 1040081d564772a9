"""Fixed clocks for the tests whose outcome may depend on the day (a pytest plugin).

A test marked ``@pytest.mark.date_sensitive`` runs once at the real time (id ``now``) and once
at each clock of ``CLOCKS``: the fiscal-year end, a Sunday evening, the year-end closure, a leap
day and a public holiday, all in Japan time. Its ``clock`` fixture (autouse, so it starts before
any fixture that builds data) travels there with time-machine for the test's duration; the
clock ticks, so durations and orderings still work. The test can ask for ``clock`` to know
where it is (``clock.name``, ``clock.now``).

``pytest --clock=closure`` (or ``KYODO_CLOCK=closure``) makes the *whole session* travel to
one clock, marked or not, session fixtures included: the way to find tests that depend on the
day. Marked tests then run only at that clock.

PostgreSQL's clock does not travel. The product reads it in two places only, where it does
not matter for a test: ``newsletter.sending.claim_batch`` stamps ``claimed_at = now()`` (never
compared with anything), and procrastinate compares a job's ``scheduled_at`` with ``now()``
when a worker fetches jobs. A test that truly depends on the database clock is marked
``@pytest.mark.db_clock``: it runs at the real time only (skipped, with the reason, under a
travelled clock).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Clock:
    name: str
    at: dt.datetime | None  # None: the real time
    why: str

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.now(JST)


CLOCKS = {
    c.name: c
    for c in [
        Clock("now", None, "the real time of the run"),
        Clock("fy-end", dt.datetime(2027, 3, 31, 23, 50, tzinfo=JST), "ten minutes to FY2027"),
        Clock(
            "sunday-evening",
            dt.datetime(2026, 12, 6, 19, 30, tzinfo=JST),
            "Sunday 19:30: the week's last slots are past",
        ),
        Clock(
            "closure",
            dt.datetime(2026, 12, 30, 10, 0, tzinfo=JST),
            "inside the office's 29 Dec – 3 Jan closure",
        ),
        Clock("leap-day", dt.datetime(2028, 2, 29, 10, 0, tzinfo=JST), "29 February 2028"),
        Clock(
            "holiday",
            dt.datetime(2027, 5, 3, 10, 0, tzinfo=JST),
            "Constitution Memorial Day (a Monday holiday)",
        ),
    ]
}
DB_CLOCK_REASON = "reads PostgreSQL's now(), which does not travel: checked at the real time only"


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("KYODO_CLOCK") or None,
        choices=sorted(CLOCKS),
        help="run the whole session at one fixed clock (tests/clock.py; env KYODO_CLOCK)",
    )


def pytest_configure(config):
    # The markers date_sensitive and db_clock are declared in pyproject.toml.
    name = config.getoption("--clock")
    if name and CLOCKS[name].at is not None:
        # Before any fixture, the test database's creation included.
        traveller = time_machine.travel(CLOCKS[name].at, tick=True)
        traveller.start()
        config._kyodo_clock_traveller = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_kyodo_clock_traveller", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    name = config.getoption("--clock")
    if name:
        return f"clock: the whole session at {name!r} ({CLOCKS[name].at or 'real time'})"
    return None


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("date_sensitive") is None:
        return
    if "clock" not in metafunc.fixturenames:
        metafunc.fixturenames.insert(0, "clock")
    session_clock = metafunc.config.getoption("--clock")
    names = [session_clock] if session_clock else list(CLOCKS)
    metafunc.parametrize("clock", names, ids=names, indirect=True, scope="function")


@pytest.fixture(autouse=True)
def clock(request):
    """Where this test's time is: a travelled fixed clock for marked tests, else the session's."""
    session_clock = request.config.getoption("--clock")
    name = getattr(request, "param", None) or session_clock or "now"
    chosen = CLOCKS[name]
    if chosen.at is not None and request.node.get_closest_marker("db_clock") is not None:
        pytest.skip(f"{DB_CLOCK_REASON} (clock {name!r})")
    if chosen.at is None:
        yield chosen
        return
    # Under --clock too, every test starts at the clock's instant (not minutes after it, when
    # the session's earlier tests took that long: 23:50 would become tomorrow).
    with time_machine.travel(chosen.at, tick=True):
        yield chosen

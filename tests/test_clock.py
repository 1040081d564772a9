"""The fixed clocks of tests/clock.py: a marked test runs at the real time and at each clock."""

import pytest

pytest_plugins = ["pytester"]

INNER = """
import datetime as dt

import pytest

SEEN = []


@pytest.mark.date_sensitive
def test_marked(clock):
    SEEN.append((clock.name, dt.datetime.now(dt.timezone.utc)))


def test_unmarked(clock):
    SEEN.append(("unmarked:" + clock.name, dt.datetime.now(dt.timezone.utc)))


def test_report():
    for name, at in SEEN:
        print("SEEN", name, at.isoformat())
"""


@pytest.fixture
def run_inner(pytester):
    pytester.makeconftest('pytest_plugins = ["tests.clock"]')
    pytester.makeini(
        "[pytest]\nmarkers =\n    date_sensitive: x\n    db_clock: y\naddopts = -p no:django\n"
    )
    pytester.makepyfile(test_inner=INNER)

    def run(*args):
        result = pytester.runpytest_inprocess("-s", "-p", "no:cacheprovider", *args)
        seen = {}
        for line in result.outlines:
            if "SEEN " in line:
                name, at = line.split("SEEN ", 1)[1].split(" ")
                seen[name] = at
        return result, seen

    return run


def test_a_marked_test_runs_at_the_real_time_and_at_every_fixed_clock(run_inner):
    result, seen = run_inner()
    result.assert_outcomes(passed=8)
    assert seen.keys() == {
        "now",
        "fy-end",
        "sunday-evening",
        "closure",
        "leap-day",
        "holiday",
        "unmarked:now",
    }
    assert seen["fy-end"].startswith("2027-03-31T14:50")  # 23:50 in Japan
    assert seen["sunday-evening"].startswith("2026-12-06T10:30")
    assert seen["closure"].startswith("2026-12-30T01:00")
    assert seen["leap-day"].startswith("2028-02-29T01:00")
    assert seen["holiday"].startswith("2027-05-03T01:00")


def test_one_clock_for_the_whole_session(run_inner):
    result, seen = run_inner("--clock=closure")
    result.assert_outcomes(passed=3)
    assert seen.keys() == {"closure", "unmarked:closure"}
    assert seen["unmarked:closure"].startswith("2026-12-30T01:00")

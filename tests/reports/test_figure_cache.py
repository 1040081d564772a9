"""Report figures past their time: one request gathers them again, the others meanwhile get the
previous figures instead of all gathering at once."""

import time

import pytest
from django.core.cache import cache

from reports import kpis

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(kpis.time, "time", lambda: now[0])
    return now


def test_one_request_gathers_again_while_the_others_get_the_previous_figures(clock):
    gathered = []

    def compute():
        gathered.append(len(gathered) + 1)
        return gathered[-1]

    assert kpis.remember("year:test", compute, 60) == 1
    clock[0] += 30
    assert kpis.remember("year:test", compute, 60) == 1  # kept for a minute
    clock[0] += 31
    gathering = f"reports:v{kpis.CACHE_VERSION}:year:test:gathering"
    cache.add(gathering, 1)  # another app server is gathering them right now
    assert kpis.remember("year:test", compute, 60) == 1
    assert gathered == [1]
    cache.delete(gathering)
    assert kpis.remember("year:test", compute, 60) == 2  # this request gathers them
    assert cache.get(gathering) is None
    assert kpis.remember("year:test", compute, 60) == 2


def test_figures_nobody_asked_for_long_after_their_time_are_gathered_afresh(clock):
    kpis.remember("year:old", lambda: "before", 60)
    clock[0] += 60 + kpis.STALE_SECONDS + 1
    cache.delete(f"reports:v{kpis.CACHE_VERSION}:year:old")  # as the cache expires it
    assert kpis.remember("year:old", lambda: "after", 60) == "after"


def test_no_keeping_when_the_time_is_zero():
    values = iter([1, 2])
    assert kpis.remember("year:live", lambda: next(values), 0) == 1
    assert kpis.remember("year:live", lambda: next(values), 0) == 2

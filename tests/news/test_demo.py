"""Demo data of the news app: posts (one scheduled), programme episodes, opinions sent through
the opinion box."""

import datetime as dt
import io
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.demo import DemoContext
from core.models import AuditLog
from news import demo
from news.models import NewsPost, Opinion, ProgrammeEpisode

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.django_db
def test_the_demo_news_and_opinions_came_in_as_the_product_takes_them():
    demo.seed(DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO()))

    assert NewsPost.objects.count() == 13
    assert (
        NewsPost.objects.filter(slug="demo-scheduled").get().publish_at
        > NewsPost.objects.filter(slug="demo-3").get().publish_at
    )
    assert ProgrammeEpisode.objects.count() == 36
    opinions = list(Opinion.objects.all())
    assert len(opinions) == 3
    submitted = set(
        AuditLog.objects.filter(action="news.opinion_submit").values_list("target_id", flat=True)
    )
    assert submitted == {str(o.pk) for o in opinions}
    assert Opinion.objects.filter(status=Opinion.Status.READ).count() == 1

    demo.seed(DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO()))
    assert Opinion.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "closure"),
    [
        (dt.date(2026, 12, 8), "12月29日（火）から1月3日（日）まで"),
        (dt.date(2027, 2, 1), "12月29日（火）から1月3日（日）まで"),  # that winter's notice
        (dt.date(2027, 6, 1), "12月29日（水）から1月3日（月）まで"),
    ],
)
def test_the_demo_notices_name_real_weekdays(today, closure):
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 12, tzinfo=TOKYO)):
        demo.seed(DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO()))
    assert closure in NewsPost.objects.get(slug="demo-3").body
    meeting = NewsPost.objects.get(slug="demo-8").body
    assert "（日）13時30分" in meeting

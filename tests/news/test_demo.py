"""Demo data of the news app: posts (one scheduled), programme episodes, opinions sent through
the opinion box."""

import io
import random

import pytest

from core.demo import DemoContext
from core.models import AuditLog
from news import demo
from news.models import NewsPost, Opinion, ProgrammeEpisode


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

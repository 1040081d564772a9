"""Demo data of the newsletter: readers signed up, confirmed, left and bounced through the
services at their own moments."""

import io
import random

import pytest

from core.demo import DemoContext
from core.models import AuditLog
from newsletter import demo
from newsletter.models import Bounce, Delivery, NewsletterIssue, Subscriber


@pytest.mark.django_db
@pytest.mark.slow
def test_every_demo_reader_went_through_sign_up_confirmation_and_leaving():
    demo.seed(DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO()))

    subscribers = list(Subscriber.objects.all())
    assert len(subscribers) == 60
    log = {}
    for action, target_id, at in AuditLog.objects.filter(
        action__startswith="newsletter."
    ).values_list("action", "target_id", "created_at"):
        log.setdefault((target_id, action), []).append(at)
    states = {"waiting": 0, "receiving": 0, "left": 0, "bounced": 0}
    for s in subscribers:
        pk = str(s.pk)
        if s.confirmed_at is None:
            states["waiting"] += 1
            assert (pk, "newsletter.subscriber_subscribe") not in log
            continue
        assert s.created_at < s.confirmed_at
        assert log[(pk, "newsletter.subscriber_subscribe")] == [s.confirmed_at]
        if s.unsubscribed_at:
            states["left"] += 1
            assert log[(pk, "newsletter.subscriber_unsubscribe")] == [s.unsubscribed_at]
            assert s.unsubscribed_at >= s.confirmed_at
        elif s.bounced_at:
            states["bounced"] += 1
            assert Bounce.objects.filter(subscriber=s, hard=True).exists()
            assert log[(pk, "newsletter.subscriber_suppress")] == [s.bounced_at]
        else:
            states["receiving"] += 1
    assert all(states.values()), states

    # Each delivery went to a reader who was receiving on the day the issue went out.
    for delivery in Delivery.objects.select_related("subscriber", "issue"):
        s = delivery.subscriber
        assert s.confirmed_at and s.confirmed_at.date() <= delivery.issue.published_on
        assert not s.unsubscribed_at or s.unsubscribed_at.date() >= delivery.issue.published_on

    issues = NewsletterIssue.objects.count()
    demo.seed(DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO()))
    assert (NewsletterIssue.objects.count(), Subscriber.objects.count()) == (issues, 60)

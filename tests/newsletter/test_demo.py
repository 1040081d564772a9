"""Demo data of the newsletter: readers signed up, confirmed, left and bounced through the
services at their own moments."""

import io
import random

import pytest

from accounts.roles import make_staff
from core.demo import DemoContext
from core.models import AuditLog
from newsletter import demo
from newsletter.models import Bounce, Delivery, NewsletterIssue, Subscriber
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.slow
def test_every_demo_reader_went_through_sign_up_confirmation_and_leaving():
    staff = UserFactory(email="staff@example.com")
    make_staff(staff)
    ctx = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    ctx.shared["users"] = {"staff@example.com": staff}
    demo.seed(ctx)

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

    # Each delivery went to a reader who was receiving when staff sent the issue, through
    # the send's record (one send per issue, audited when it went out, after a test).
    deliveries = list(Delivery.objects.select_related("subscriber", "issue", "run"))
    assert deliveries
    assert {d.status for d in deliveries} == {"sent", "failed"}
    for delivery in deliveries:
        s, sent = delivery.subscriber, delivery.run.created_at
        assert s.confirmed_at and s.confirmed_at <= sent
        assert not s.unsubscribed_at or s.unsubscribed_at > sent
        assert not s.bounced_at or s.bounced_at > sent
        assert delivery.run.started_by == staff
    sends = AuditLog.objects.filter(action="newsletter.issue_send")
    assert sends.count() == len({d.issue_id for d in deliveries})
    assert all(row.actor == staff for row in sends)

    issues = NewsletterIssue.objects.count()
    demo.seed(DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO()))
    assert (NewsletterIssue.objects.count(), Subscriber.objects.count()) == (issues, 60)

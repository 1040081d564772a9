"""Demo data: messages from the office (お知らせメール) already sent through the services and
the background sender, so staff see a history in the admin."""

import io
import random

import pytest

from core.demo import DemoContext
from core.models import AuditLog
from newsletter import demo
from newsletter.models import DeliveryStatus, OfficeMessage, OfficeMessageDelivery

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_office_messages_sent_to_real_segments():
    from accounts import demo as accounts_demo
    from events import demo as events_demo
    from groups import demo as groups_demo

    ctx = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    accounts_demo.seed(ctx)
    groups_demo.seed(ctx)
    events_demo.seed(ctx)
    demo.seed(ctx)

    staff = ctx.shared["users"]["staff@example.com"]
    messages = list(OfficeMessage.objects.order_by("pk"))
    assert len(messages) == 3
    for message in messages:
        assert message.status == OfficeMessage.Status.SENT and message.finished_at
        assert message.sent_by == staff and message.test_sent_at
        assert message.segment_at_send["description"]
        deliveries = OfficeMessageDelivery.objects.filter(office_message=message)
        assert deliveries.count() == message.recipient_count > 1
        assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
        assert all(d.reason for d in deliveries)
        assert AuditLog.objects.filter(
            action="newsletter.office_message_send", target_id=str(message.pk)
        ).exists()
    assert messages[0].segment["all_groups"]
    assert messages[1].segment["not_renewed"]
    assert messages[2].segment["event_statuses"] == ["attended"]

    demo.seed(ctx)  # idempotent
    assert OfficeMessage.objects.count() == 3

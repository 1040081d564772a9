"""A message from the office over real SMTP (aiosmtpd), sent by a real worker process that is
killed with SIGKILL mid-way: a second worker resumes the job; nobody gets the message twice,
everyone else once, the one mail in flight at the kill is marked failed and reaches its reader
once when staff retry it. Every mail carries its reason line and the office's contact line and
no List-Unsubscribe header; the newsletter, sent by the same worker, keeps its own."""

from __future__ import annotations

import email
import email.policy
import os
import signal
from collections import Counter, defaultdict

import pytest

from events.models import Registration
from newsletter import segments, selectors, services
from newsletter.models import OfficeMessageDelivery
from newsletter.sending import INTERRUPTED
from pages.models import OfficeDetails
from tests.events.factories import EventFactory
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.test_sending import ready_issue
from tests.newsletter.test_worker_killed import (  # noqa: F401
    SlowInbox,
    job_statuses,
    serving,
    wait_until,
    workers,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GUESTS = 280


class ReadingInbox(SlowInbox):
    """SlowInbox that also keeps each recipient's messages, parsed."""

    def __init__(self):
        super().__init__()
        self.messages = defaultdict(list)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages[rcpt].append(parsed)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_inbox():
    yield from serving(ReadingInbox())


def message_jobs() -> list[str]:
    return job_statuses("newsletter.send_office_message")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_killed_worker_resumes_the_message_and_nobody_gets_it_twice(
    workers,  # noqa: F811
    smtp_inbox,
    staff,
):
    inbox, _port = smtp_inbox
    office = OfficeDetails.load()
    office.name, office.phone, office.email = "協働オフィス", "0897-65-0000", "office@example.jp"
    office.save()
    event = EventFactory(title="秋の交流会")
    Registration.objects.bulk_create(
        Registration(
            event=event,
            guest_name=f"参加者{i}",
            guest_email=f"guest{i:03d}@example.net",
            status=Registration.Status.CONFIRMED,
        )
        for i in range(GUESTS)
    )
    # Two groups' representatives, one of whom also registered for the event: one mail.
    both = UserFactory(email="guest000@example.net", full_name="両方 太郎")
    MembershipFactory(group=GroupFactory(name="みなと会"), user=both, role="representative")
    MembershipFactory(
        group=GroupFactory(name="やま会"),
        user=UserFactory(email="rep@example.org"),
        role="representative",
    )
    segment = {**segments.event_registrants(event=event), "all_groups": True}
    message = services.office_message_create(
        actor=staff, subject="会場のご案内", body="会場は**2階**です。", segment=segment
    )
    expected = {f"guest{i:03d}@example.net" for i in range(GUESTS)} | {"rep@example.org"}

    first = workers()
    services.office_message_send(actor=staff, message=message, require_test=False)
    wait_until(lambda: inbox.total() >= 100, "the first worker delivers 100", workers.logs)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = inbox.total()
    assert 100 <= killed_at < len(expected), "the kill must land mid-send"

    workers()  # notices the dead one and runs its job again
    wait_until(
        lambda: selectors.message_progress(message)["left"] == 0,
        "every delivery sent or failed",
        workers.logs,
    )
    received = inbox.snapshot()
    rows = OfficeMessageDelivery.objects.filter(office_message=message)
    sent = set(rows.filter(status="sent").values_list("email", flat=True))
    failed = list(rows.filter(status="failed").values_list("email", "error"))
    assert len(failed) <= 1, failed
    assert all(error == INTERRUPTED for _email, error in failed)
    assert sent | {e for e, _error in failed} == expected
    assert all(received[e] == 1 for e in sent), "a sent reader got it once"
    assert max(received.values()) == 1, "nobody got the message twice"
    wait_until(lambda: message_jobs() == ["succeeded"], "the retried job succeeds", workers.logs)

    # Staff retry the failed row deliberately: it goes out once more, to that reader alone.
    assert services.office_message_failures_retry(actor=staff, message=message) == len(failed)
    wait_until(lambda: selectors.message_progress(message)["left"] == 0, "the retry", workers.logs)
    after = inbox.snapshot()
    assert after - received == Counter(e for e, _error in failed)
    assert rows.filter(status="sent").count() == len(expected)
    message.refresh_from_db()
    assert message.status == "sent" and message.finished_at

    # What went over the wire: the reason line, the contact line, no unsubscribe headers.
    for address in expected:
        mail = inbox.messages[address][-1]  # the one in flight at the kill may have arrived too
        text = text_of(mail)
        assert "このメールは、" in text and "協働オフィスからお送りしています。" in text
        assert "お問い合わせ：協働オフィス / 電話 0897-65-0000 / メール office@example.jp" in text
        assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "「みなと会」の管理者" in text_of(inbox.messages["guest000@example.net"][0])
    assert "「秋の交流会」の申込者" in text_of(inbox.messages["guest000@example.net"][0])

    # The newsletter, by the same worker, keeps its one-click unsubscribe headers.
    issue = ready_issue()
    SubscriberFactory(email="reader@example.net")
    services.issue_send(actor=staff, issue=issue)
    wait_until(lambda: inbox.messages.get("reader@example.net"), "the issue", workers.logs)
    (issue_mail,) = inbox.messages["reader@example.net"]
    assert issue_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/unsubscribe/" in issue_mail["List-Unsubscribe"]

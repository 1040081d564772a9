"""Messages from the office: compose, check the recipients, preview, test to oneself, send by
the background sender; each mail says why its reader got it and how to reach the office, has no
unsubscribe headers, carries its PDF; the history keeps the segment as it was at sending time."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile

from core.dbcache import AfterCommitWrites
from core.models import AuditLog
from groups.models import Group
from newsletter import segments, selectors, services
from newsletter.models import Bounce, OfficeMessage, OfficeMessageDelivery
from newsletter.sending import deliver_issue, deliver_message
from pages.models import OfficeDetails
from tests.newsletter import office_data
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.office_data import NOW
from tests.newsletter.test_sending import ready_issue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BODY = "## 総会のお知らせ\n\n今年度の**総会**を開きます。[詳しくはこちら](/events/)。"


@pytest.fixture(autouse=True)
def _june_2026(settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world():
    office = OfficeDetails.load()
    office.name = "まちづくり協働オフィス"
    office.phone = "0897-65-0000"
    office.email = "office@kyodo.example.jp"
    office.save()
    return office_data.build()


def draft(staff, segment, **extra) -> OfficeMessage:
    return services.office_message_create(
        actor=staff, subject="総会のご案内", body=BODY, segment=segment, **extra
    )


def with_test_sent(staff, message) -> OfficeMessage:
    services.office_message_test_send(actor=staff, message=message)
    mail.outbox.clear()
    message.refresh_from_db()
    return message


def recipients_of(outbox) -> Counter:
    return Counter(address for m in outbox for address in m.to)


def test_the_whole_way_a_message_goes_out(staff, world, django_capture_on_commit_callbacks):
    message = draft(staff, {"all_groups": True, "audience": "members"})
    assert message.status == OfficeMessage.Status.DRAFT
    with pytest.raises(services.NewsletterError, match="テスト送信"):
        services.office_message_send(actor=staff, message=message)

    services.office_message_test_send(actor=staff, message=message)
    (test,) = mail.outbox
    assert test.to == ["staff@example.org"]
    assert test.subject == "[まちづくり協働オフィス] 【テスト】総会のご案内"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        message = services.office_message_send(actor=staff, message=message)
    # The background job, queued once the send is committed (beside the kept pages' renewal).
    jobs = [c for c in queued if not isinstance(c, AfterCommitWrites)]
    assert len(jobs) == 1
    assert message.status == OfficeMessage.Status.SENDING
    assert message.recipient_count == 3
    assert not mail.outbox

    result = deliver_message(message_id=message.pk)
    assert result.sent == 3
    assert recipients_of(mail.outbox) == {
        "a-rep@example.org": 1,
        "a-mem@example.org": 1,
        "b-rep@example.org": 1,
    }
    message.refresh_from_db()
    assert message.status == OfficeMessage.Status.SENT and message.finished_at
    assert selectors.message_progress(message) == {
        "sent": 3,
        "failed": 0,
        "skipped": 0,
        "left": 0,
        "total": 3,
    }
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "newsletter.office_message_create",
        "newsletter.office_message_test_send",
        "newsletter.office_message_send",
    } <= actions


def test_every_mail_says_why_and_how_to_reach_the_office_and_has_no_unsubscribe(staff, world):
    message = with_test_sent(staff, draft(staff, {"all_groups": True, "audience": "members"}))
    services.office_message_send(actor=staff, message=message)
    deliver_message(message_id=message.pk)
    assert len(mail.outbox) == 3
    for sent in mail.outbox:
        html = sent.alternatives[0][0]
        reason = OfficeMessageDelivery.objects.get(office_message=message, email=sent.to[0]).reason
        assert reason.startswith("このメールは、登録団体")
        assert reason in sent.body and reason in html
        contact = (
            "お問い合わせ：まちづくり協働オフィス / 電話 0897-65-0000 / "
            "メール office@kyodo.example.jp"
        )
        assert contact in sent.body and contact in html
        assert "List-Unsubscribe" not in sent.extra_headers
        assert "List-Unsubscribe-Post" not in sent.extra_headers
        assert sent.reply_to == ["office@kyodo.example.jp"]
        # The same prefix as every mail of the portal (ACCOUNT_EMAIL_SUBJECT_PREFIX).
        assert sent.subject == "[まちづくり協働オフィス] 総会のご案内"
        assert "■ 総会のお知らせ" in sent.body  # the Markdown as readable text
        assert 'href="https://kyodo.example.jp/events/"' in html  # absolute links
    both = next(m for m in mail.outbox if m.to == ["b-rep@example.org"])
    assert "「ささえ愛」の管理者" in both.body and "「みどりの会」の会員" in both.body


def test_the_newsletter_keeps_its_unsubscribe_headers(staff):
    issue = ready_issue()
    SubscriberFactory(email="reader@example.net")
    services.issue_send(actor=staff, issue=issue)
    deliver_issue(issue_id=issue.pk)
    (sent,) = mail.outbox
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/unsubscribe/" in sent.extra_headers["List-Unsubscribe"]


def test_the_pdf_goes_with_every_mail(staff, world):
    message = draft(
        staff,
        {"groups": [world.a.pk]},
        attachment=ContentFile(PDF, name="x.pdf"),
        attachment_name="総会資料.pdf",
    )
    services.office_message_send(actor=staff, message=with_test_sent(staff, message))
    deliver_message(message_id=message.pk)
    (sent,) = mail.outbox
    assert sent.attachments == [("総会資料.pdf", PDF, "application/pdf")]
    assert "添付：総会資料.pdf（PDF）" in sent.body


def test_an_empty_segment_cannot_be_sent(staff, world):
    for segment in [{}, {"groups": [world.c.pk, world.d.pk]}, {"fields": [world.env.pk + 999]}]:
        message = with_test_sent(staff, draft(staff, segment))
        with pytest.raises(services.NewsletterError, match="該当する人がいない"):
            services.office_message_send(actor=staff, message=message)
        message.refresh_from_db()
        assert message.is_draft and not message.deliveries.exists()


def test_the_segment_is_read_again_at_sending_time_and_kept(staff, world):
    message = with_test_sent(staff, draft(staff, {"fields": [world.env.pk, world.welfare.pk]}))
    before = {r.email for r in selectors.message_recipients(message).recipients}
    assert before == {"a-rep@example.org", "b-rep@example.org"}
    # Between the preview and the send, B withdraws and E's bounce is lifted.
    Group.objects.filter(pk=world.b.pk).update(
        status=Group.Status.WITHDRAWN, withdrawn_on=NOW.date()
    )
    Bounce.objects.update(lifted_at=NOW)
    message = services.office_message_send(actor=staff, message=message)
    sent_to = set(message.deliveries.values_list("email", flat=True))
    assert sent_to == {"a-rep@example.org", "e-rep@example.org"}
    snapshot = message.segment_at_send
    assert snapshot["addresses"] == 2 and snapshot["fiscal_year"] == 2026
    assert snapshot["description"] == ["活動分野 環境保全X、福祉X の団体：管理者"]
    assert set(message.groups_reached.all()) == {world.a, world.e}
    # The definition stays as staff wrote it; the sent list is the history.
    assert message.segment["fields"] == sorted([world.env.pk, world.welfare.pk])


def test_an_address_that_bounces_before_its_turn_is_skipped(staff, world):
    message = with_test_sent(staff, draft(staff, {"all_groups": True}))
    services.office_message_send(actor=staff, message=message)
    Bounce.objects.create(
        email="b-rep@example.org", provider="test", event_type="bounced", hard=True
    )
    result = deliver_message(message_id=message.pk)
    assert (result.sent, result.skipped) == (1, 1)
    assert recipients_of(mail.outbox) == {"a-rep@example.org": 1}


def test_an_event_message_with_a_copy_to_the_office_is_one_call(staff, world):
    message = services.office_message_create(
        actor=staff,
        subject="会場変更のお知らせ",
        body="会場が変わりました。",
        event=world.event,
        copy_to_office=True,
        segment=selectors.event_registrants_segment(event=world.event, statuses=["confirmed"]),
    )
    services.office_message_send(actor=staff, message=message, require_test=False)
    deliver_message(message_id=message.pk)
    assert recipients_of(mail.outbox) == {
        "came@example.net": 1,
        "absent@example.net": 1,
        "a-rep@example.org": 1,
        "office@kyodo.example.jp": 1,
    }
    copy = next(m for m in mail.outbox if m.to == ["office@kyodo.example.jp"])
    assert "これはオフィス控えです。" in copy.body
    guest = next(m for m in mail.outbox if m.to == ["came@example.net"])
    assert "「春の交流会」の申込者" in guest.body


def test_a_cancelled_events_registrants_are_told(staff, world):
    message = services.office_message_create(
        actor=staff,
        subject="中止のお詫び",
        body="講座は中止になりました。",
        segment=segments.event_registrants(event=world.cancelled_event),
    )
    services.office_message_send(actor=staff, message=message, require_test=False)
    deliver_message(message_id=message.pk)
    assert recipients_of(mail.outbox) == {"told@example.net": 1}


def test_a_sent_message_cannot_change_or_go_twice(staff, world):
    message = with_test_sent(staff, draft(staff, {"groups": [world.a.pk]}))
    services.office_message_send(actor=staff, message=message)
    with pytest.raises(services.NewsletterError):
        services.office_message_send(actor=staff, message=message)
    with pytest.raises(services.NewsletterError):
        services.office_message_update(actor=staff, message=message, subject="変更")
    deliver_message(message_id=message.pk)
    deliver_message(message_id=message.pk)
    assert len(mail.outbox) == 1


def test_staff_stop_a_send_and_retry_failures(staff, world, settings):
    message = with_test_sent(staff, draft(staff, {"all_groups": True, "audience": "members"}))
    services.office_message_send(actor=staff, message=message)
    assert services.office_message_stop(actor=staff, message=message) == 3
    assert deliver_message(message_id=message.pk).sent == 0
    message.refresh_from_db()
    assert message.status == OfficeMessage.Status.SENT
    assert selectors.message_progress(message)["skipped"] == 3

    other = with_test_sent(staff, draft(staff, {"groups": [world.a.pk]}))
    services.office_message_send(actor=staff, message=other)
    OfficeMessageDelivery.objects.filter(office_message=other).update(status="failed", error="x")
    assert services.office_message_failures_retry(actor=staff, message=other) == 1
    assert deliver_message(message_id=other.pk).sent == 1


def test_a_message_to_a_bounced_address_is_not_retried(staff, world):
    message = with_test_sent(staff, draft(staff, {"groups": [world.a.pk]}))
    services.office_message_send(actor=staff, message=message)
    OfficeMessageDelivery.objects.filter(office_message=message).update(status="failed")
    Bounce.objects.create(
        email="a-rep@example.org", provider="test", event_type="bounced", hard=True
    )
    assert services.office_message_failures_retry(actor=staff, message=message) == 0


def test_the_reason_is_written_in_japanese_whatever_the_staff_language(staff, world):
    from django.utils import translation

    with translation.override("en"):
        message = with_test_sent(staff, draft(staff, {"groups": [world.a.pk]}))
        message = services.office_message_send(actor=staff, message=message)
    reason = message.deliveries.get().reason
    assert re.match("このメールは、登録団体「みどりの会」の管理者として", reason)
    assert settings.LANGUAGE_CODE == "ja"
    assert message.segment_at_send["description"] == ["選んだ団体 みどりの会：管理者"]


def test_start_of_a_booking_week_uses_tokyo_days(staff, world):
    # 15 June 00:30 in Tokyo is 14 June in UTC: the booking still counts for the 15th.
    segment = {"booked_from": dt.date(2026, 6, 15), "booked_to": dt.date(2026, 6, 15)}
    assert {r.email for r in segments.resolve(segment).recipients} == {"b-rep@example.org"}


def test_a_message_about_an_event_reaches_its_registrants_only(staff, world):
    for segment in [
        {"events": [world.event.pk], "all_groups": True},
        {"events": [world.event.pk, world.cancelled_event.pk]},
        {"groups": [world.a.pk]},
    ]:
        with pytest.raises(services.NewsletterError, match="申込者だけ"):
            services.office_message_create(
                actor=staff, subject="件名", body="本文", event=world.event, segment=segment
            )
    assert not OfficeMessage.objects.exists()


def test_the_reader_finds_the_message_on_my_page(staff, world, settings):
    from maillog.models import SentMail

    settings.EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
    settings.MAILLOG_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = with_test_sent(staff, draft(staff, {"groups": [world.a.pk]}))
    services.office_message_send(actor=staff, message=message)
    deliver_message(message_id=message.pk)
    logged = SentMail.objects.get(address="a-rep@example.org")
    assert logged.kind == "news" and logged.account.email == "a-rep@example.org"
    assert "このメールは、登録団体「みどりの会」の管理者" in logged.message.text

"""Every mail of the newsletter starts as every mail of the portal does: the portal's prefix
(``ACCOUNT_EMAIL_SUBJECT_PREFIX``, 「[まちづくり協働オフィス] 」), in the mail's language (the
office's), whatever the language of the page whose request sent it."""

import pytest
from django.core import mail
from django.utils import translation

from newsletter import mail as newsletter_mail
from newsletter import services
from newsletter.models import OfficeMessage
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

PREFIX = "[まちづくり協働オフィス] "


def test_the_subscription_mails_start_with_the_portals_prefix(django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.subscriber_subscribe(email="hanako@example.jp")
    (confirmation,) = mail.outbox
    assert confirmation.subject == PREFIX + "情報紙メール配信の登録確認"
    mail.outbox.clear()
    SubscriberFactory(email="taro@example.jp")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.subscriber_subscribe(email="taro@example.jp")
    (notice,) = mail.outbox
    assert notice.subject == PREFIX + "情報紙メール配信はすでに登録済みです"


def test_an_issue_and_its_test_send_start_with_the_portals_prefix():
    issue = IssueFactory(number=205, title="協働のまちづくり特集")
    with translation.override("en"):
        sent = newsletter_mail.build_issue_message(issue, to="reader@example.net")
        test = newsletter_mail.build_issue_message(issue, to="staff@example.org", test=True)
    assert sent.subject == PREFIX + "情報紙 第205号 協働のまちづくり特集"
    assert test.subject == PREFIX + "【テスト】情報紙 第205号 協働のまちづくり特集"


def test_a_message_from_the_office_starts_with_the_portals_prefix():
    message = OfficeMessage(subject="総会のご案内", body="本文")
    with translation.override("en"):
        sent = newsletter_mail.build_office_message(message, to="rep@example.org")
        test = newsletter_mail.build_office_message(message, to="staff@example.org", test=True)
    assert sent.subject == PREFIX + "総会のご案内"
    assert test.subject == PREFIX + "【テスト】総会のご案内"
    assert "【協働オフィス】" not in sent.subject

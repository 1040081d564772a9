"""Issue #15, part 3: every mail a person receives from the portal is listed on their My Page
with its date and subject, and can be read again; mails with a secret by subject only."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse

from facilities.models import FacilitySettings, OpeningHours
from facilities.services import booking_create
from maillog import services
from maillog.models import MailMessage, SentMail
from newsletter import services as newsletter_services
from newsletter.sending import deliver_issue
from tests.events.factories import EventFactory
from tests.facilities.factories import RoomFactory, at
from tests.factories import UserFactory
from tests.maillog.conftest import NOW
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def listed(client) -> str:
    page = client.get(reverse("maillog:list"))
    assert page.status_code == 200
    return page.content.decode()


def test_a_booking_confirmation_is_in_the_bookers_and_the_representatives_lists(
    client_for, member, representative, citizen, group, commit
):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    room = RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)
    day = NOW.date() + dt.timedelta(days=3)  # a Friday
    with commit():
        booking_create(
            actor=member,
            room=room,
            group=group,
            start=at(day, "10:00"),
            end=at(day, "12:00"),
            purpose="定例会",
            attendees=6,
        )
    (sent,) = mail.outbox
    for role in ("member", "representative"):
        text = listed(client_for(role))
        assert sent.subject in text
        assert "2026年6月9日" in text  # the day it was sent
        assert "予約" in text  # its kind
    assert sent.subject not in listed(client_for("citizen"))
    entry = SentMail.objects.get(account=member)
    assert entry.kind == "facilities"
    page = client_for("member").get(entry.get_absolute_url())
    assert "定例会" in page.content.decode()  # the mail can be read again


def test_an_event_registration_mail_is_listed_and_read_again(client_for, citizen, commit):
    event = EventFactory(slug="koryukai", title="登録団体情報交換会", capacity=10)
    client = client_for("citizen")
    with commit():
        client.post(reverse("events:register", args=[event.slug]), {"people": 1})
    (sent,) = mail.outbox
    assert sent.subject in listed(client)
    entry = SentMail.objects.get(account=citizen)
    assert entry.kind == "events"
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "登録団体情報交換会" in page
    assert "X-Kyodo" not in str(sent.message())  # the portal's marks never leave


def test_a_newsletter_issue_is_listed_for_each_reader_with_an_account_and_stored_once(
    client_for, citizen, staff
):
    from django.utils import timezone

    from newsletter.models import NewsletterIssue

    issue = IssueFactory(title="春の特集")
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        test_sent_at=timezone.now() + dt.timedelta(seconds=1)
    )
    issue.refresh_from_db()
    SubscriberFactory(email=citizen.email)
    SubscriberFactory.create_batch(4)
    newsletter_services.issue_send(actor=staff, issue=issue)
    assert deliver_issue(issue_id=issue.pk).sent == 5

    assert "春の特集" in listed(client_for("citizen"))
    assert SentMail.objects.filter(kind="newsletter").count() == 5
    assert MailMessage.objects.count() == 1  # one body for all five readers
    entry = SentMail.objects.get(account=citizen)
    assert entry.kind_label == "情報紙"
    body = client_for("citizen").get(entry.get_absolute_url()).content.decode()
    assert "春の特集" in body


def test_a_password_reset_is_listed_by_subject_only(client, client_for, citizen):
    client.post(reverse("account_reset_password"), {"email": citizen.email})
    (sent,) = mail.outbox
    entry = SentMail.objects.get(account=citizen)
    assert entry.message.secret and entry.kind == "accounts"
    assert entry.message.text == entry.message.html == ""
    me = client_for("citizen")
    assert sent.subject in listed(me)
    page = me.get(entry.get_absolute_url()).content.decode()
    assert sent.subject in page
    assert "保存されていません" in page
    assert "/password/reset/key/" not in page


def test_a_kept_back_invitation_points_to_my_page(client_for, citizen):
    message = EmailMessage("招待", "https://example.org/groups/invitations/x/", to=[citizen.email])
    services.sent_mail_record(message=message, kind="groups", secret=True)
    entry = SentMail.objects.get(account=citizen)
    page = client_for("citizen").get(entry.get_absolute_url()).content.decode()
    assert "期限内の団体への招待は、マイページの「所属団体」から開けます。" in page
    assert "もう一度" not in page


def test_another_persons_mail_is_not_found(client_for, citizen, member):
    send_mail("お知らせ", "本文", None, [citizen.email])
    entry = SentMail.objects.get()
    assert client_for("member").get(entry.get_absolute_url()).status_code == 404
    assert client_for("staff").get(entry.get_absolute_url()).status_code == 404
    assert client_for("citizen").get(entry.get_absolute_url()).status_code == 200
    assert client_for("anonymous").get(entry.get_absolute_url()).status_code == 302


def test_a_mail_to_an_unknown_or_unverified_address_is_logged_but_shown_to_nobody(
    client_for, citizen
):
    UserFactory(email="unverified@example.org", verified=False)
    send_mail("どなたか", "本文", None, ["Stranger@Example.net", "unverified@example.org"])
    assert sorted(SentMail.objects.values_list("address", "account")) == [
        ("stranger@example.net", None),
        ("unverified@example.org", None),
    ]
    assert "どなたか" not in listed(client_for("citizen"))


def test_addresses_match_accounts_whatever_their_case_and_each_recipient_is_logged(citizen, member):
    message = EmailMessage(
        "会議のご案内",
        "本文",
        to=["Citizen@Example.ORG"],
        cc=["member@example.org"],
        bcc=["office@example.net"],
    )
    message.send()
    rows = SentMail.objects.order_by("address").values_list("address", "field", "account")
    assert list(rows) == [
        ("citizen@example.org", "to", citizen.pk),
        ("member@example.org", "cc", member.pk),
        ("office@example.net", "bcc", None),
    ]
    assert MailMessage.objects.count() == 1


def test_a_mail_the_server_refused_is_not_listed(settings, citizen):
    settings.MAILLOG_INNER_BACKEND = "tests.newsletter.backends.RefusingBackend"
    import smtplib

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_mail("届かない", "本文", None, ["nobody@refused.example"])
    send_mail("届いた", "本文", None, [citizen.email])
    assert list(SentMail.objects.values_list("message__subject", flat=True)) == ["届いた"]


def test_my_page_shows_the_five_latest_mails_and_links_to_all(client_for, citizen):
    for n in range(7):
        send_mail(f"お知らせ{n}", "本文", None, [citizen.email])
    page = client_for("citizen").get(reverse("my_account")).content.decode()
    assert "最近のメール" in page
    assert all(f"お知らせ{n}" in page for n in range(2, 7))
    assert "お知らせ0" not in page and "お知らせ1" not in page
    assert reverse("maillog:list") in page


def test_the_list_is_newest_first_and_paginated(client_for, citizen):
    for n in range(25):
        send_mail(f"件名{n:02d}", "本文", None, [citizen.email])
    first = listed(client_for("citizen"))
    assert first.index("件名24") < first.index("件名23")
    assert "件名04" not in first
    second = client_for("citizen").get(reverse("maillog:list") + "?page=2").content.decode()
    assert "件名04" in second and "件名00" in second
    garbled = client_for("citizen").get(reverse("maillog:list") + "?page=xyz")
    assert garbled.status_code == 200


def test_the_list_costs_the_same_queries_for_one_mail_or_fifty(
    client_for, citizen, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("citizen")

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("maillog:list")).status_code == 200
        return len(queries)

    send_mail("件名", "本文", None, [citizen.email])
    one = cost()
    for n in range(49):
        send_mail(f"件名{n}", f"本文{n}", None, [citizen.email])
    assert cost() == one
    with django_assert_max_num_queries(8):
        client.get(reverse("maillog:list"))

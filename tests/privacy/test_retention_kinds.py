"""Each kind of personal data goes when its retention period has passed, and not before; the
records that count in figures stay."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from core import personal_data
from core.models import AuditLog, RetentionSettings
from events.models import RegistrationAnswer
from groups.models import Group
from maillog.models import MailMessage, SentMail
from news.models import Opinion
from newsletter.models import Bounce, Subscriber
from tests.events.factories import EventFactory, RegistrationFactory, RegistrationQuestionFactory
from tests.factories import GroupFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _event(days_ago: int):
    end = NOW - dt.timedelta(days=days_ago)
    return EventFactory(start=end - dt.timedelta(hours=2), end=end)


def test_guests_names_and_addresses_go_a_year_after_the_event(frozen):
    old = RegistrationFactory(event=_event(366), guest_name="佐藤一郎", people=3)
    recent = RegistrationFactory(event=_event(300), guest_name="鈴木二郎")
    report = personal_data.retain()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.guest_email == "" and old.guest_name != "佐藤一郎" and old.people == 3
    assert recent.guest_name == "鈴木二郎" and recent.guest_email
    assert report.counts["events.guest"] == 1
    entry = AuditLog.objects.get(action="core.personal_data_retain")
    assert entry.data["counts"]["events.guest"] == 1 and entry.actor is None


def test_staff_set_a_shorter_period(frozen):
    row = RetentionSettings.load()
    row.event_guests_days = 30
    row.save()
    reg = RegistrationFactory(event=_event(31))
    personal_data.retain()
    reg.refresh_from_db()
    assert reg.guest_email == ""


def test_accessibility_answers_go_a_month_after_the_event_other_answers_stay(frozen):
    event = _event(31)
    needs = RegistrationQuestionFactory(event=event, is_accessibility=True, kind="text")
    party = RegistrationQuestionFactory(event=event)
    reg = RegistrationFactory(event=event)
    RegistrationAnswer.objects.create(registration=reg, question=needs, value="車いすを使います")
    RegistrationAnswer.objects.create(registration=reg, question=party, value="yes")
    later = RegistrationFactory(event=_event(10))
    RegistrationAnswer.objects.create(
        registration=later,
        question=RegistrationQuestionFactory(event=later.event, is_accessibility=True),
        value="yes",
    )
    personal_data.retain()
    assert RegistrationAnswer.objects.get(question=needs).value == ""
    assert RegistrationAnswer.objects.get(question=party).value == "yes"
    assert RegistrationAnswer.objects.get(registration=later).value == "yes"
    assert RegistrationAnswer.objects.count() == 3


def test_opinion_senders_go_after_a_year_the_opinion_stays(frozen):
    old = Opinion.objects.create(
        topic=Opinion._meta.get_field("topic").choices[0][0],
        message="掲示板が見やすくなりました",
        name="田中",
        email="tanaka@example.net",
    )
    Opinion.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=366))
    new = Opinion.objects.create(
        topic=old.topic, message="ありがとう", name="高橋", email="t@example.net"
    )
    personal_data.retain()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.name, old.email, old.message) == ("", "", "掲示板が見やすくなりました")
    assert new.email == "t@example.net"


def test_bounced_and_unsubscribed_addresses_keep_only_a_hash_and_stay_suppressed(frozen):
    gone = Subscriber.objects.create(
        email="gone@example.net",
        confirmed_at=NOW - dt.timedelta(days=400),
        unsubscribed_at=NOW - dt.timedelta(days=31),
    )
    reading = Subscriber.objects.create(email="reads@example.net", confirmed_at=NOW)
    Bounce.objects.create(
        email="bad@example.net",
        provider="test",
        event_type="bounced",
        hard=True,
        description="550 bad@example.net unknown",
    )
    Bounce.objects.update(received_at=NOW - dt.timedelta(days=31))
    assert Bounce.objects.suppressing(["bad@example.net"]) == {"bad@example.net"}
    personal_data.retain()
    gone.refresh_from_db()
    reading.refresh_from_db()
    bounce = Bounce.objects.get()
    assert gone.email == personal_data.suppressed_address("gone@example.net")
    assert gone.unsubscribed_at is not None  # still counted as having left that year
    assert reading.email == "reads@example.net"
    assert "bad@" not in bounce.email and bounce.description == ""
    # Never mailed again: the suppression still holds, by the hash.
    assert Bounce.objects.suppressing(["BAD@example.net"]) == {"bad@example.net"}
    assert Bounce.objects.suppressing(["other@example.net"]) == set()


def test_unconfirmed_sign_ups_go_after_a_month(frozen):
    old = UserFactory(email="never@example.net", full_name="未確認", verified=False)
    old.date_joined = NOW - dt.timedelta(days=31)
    old.save()
    EmailAddress.objects.create(user=old, email=old.email, verified=False, primary=True)
    made_by_office = UserFactory(email="official@example.net", verified=False)
    made_by_office.date_joined = NOW - dt.timedelta(days=400)
    made_by_office.save()
    confirmed = UserFactory(email="ok@example.net")
    confirmed.date_joined = NOW - dt.timedelta(days=400)
    confirmed.save()
    fresh = UserFactory(email="fresh@example.net", verified=False)
    personal_data.retain()
    old.refresh_from_db()
    confirmed.refresh_from_db()
    fresh.refresh_from_db()
    assert old.email.endswith("@closed.invalid") and not old.is_active
    assert confirmed.email == "ok@example.net" and fresh.email == "fresh@example.net"
    made_by_office.refresh_from_db()
    assert made_by_office.email == "official@example.net"  # no sign-up waiting: not one


def test_withdrawn_groups_private_contacts_go_a_year_after_withdrawal(frozen):
    withdrawn = GroupFactory(
        status=Group.Status.WITHDRAWN,
        withdrawn_on=(NOW - dt.timedelta(days=400)).date(),
        representative_name="代表 太郎",
        representative_phone="090-0000-0000",
        representative_address="市内1-2-3",
    )
    registered = GroupFactory(representative_phone="090-1234-5678")
    personal_data.retain()
    withdrawn.refresh_from_db()
    registered.refresh_from_db()
    assert withdrawn.representative_phone == "" and withdrawn.representative_address == ""
    assert withdrawn.representative_name != "代表 太郎" and withdrawn.name  # the group stays
    assert registered.representative_phone == "090-1234-5678"


def test_the_mail_log_goes_after_a_year_and_contact_messages_sooner(frozen):
    old = MailMessage.objects.create(digest="a" * 64, subject="予約の確認", text="本文")
    SentMail.objects.create(
        message=old,
        address="x@example.net",
        kind="facilities",
        sent_at=NOW - dt.timedelta(days=366),
    )
    contact = MailMessage.objects.create(
        digest="b" * 64,
        subject="[まちづくり協働オフィス] Message for 緑の会: 質問",
        text="山田です。",
        created_at=NOW - dt.timedelta(days=91),
    )
    SentMail.objects.create(
        message=contact,
        address="rep@example.net",
        kind="groups",
        sent_at=NOW - dt.timedelta(days=91),
    )
    personal_data.retain()
    assert not MailMessage.objects.filter(pk=old.pk).exists()
    assert not SentMail.objects.filter(address="x@example.net").exists()
    contact.refresh_from_db()
    assert contact.text == "" and "質問" not in contact.subject
    assert SentMail.objects.filter(address="rep@example.net").exists()  # the log row: a year


def test_audit_details_go_after_three_years_the_action_stays(frozen):
    entry = AuditLog.objects.create(
        action="groups.contact_send", target_repr="山田花子", data={"email": "h@example.net"}
    )
    AuditLog.objects.filter(pk=entry.pk).update(created_at=NOW - dt.timedelta(days=3 * 365 + 1))
    personal_data.retain(audit=False)
    entry.refresh_from_db()
    assert (entry.action, entry.target_repr, entry.data) == ("groups.contact_send", "", {})


def test_a_second_run_changes_nothing(frozen):
    RegistrationFactory(event=_event(400))
    first = personal_data.retain()
    second = personal_data.retain()
    assert first.total >= 1 and second.total == 0
    assert timezone.now() == NOW


def test_contact_persons_of_partners_inactive_for_a_year_go(frozen):
    from collaboration.models import Partner, PartnerContact
    from core.audit import log_action

    def partner(name, *, active, saved_days_ago):
        p = Partner.objects.create(name=name, kind=Partner.Kind.COMPANY, is_active=active)
        Partner.objects.filter(pk=p.pk).update(created_at=NOW - dt.timedelta(days=800))
        log_action(
            actor=None,
            action="collaboration.partner_save",
            target=p,
            at=NOW - dt.timedelta(days=saved_days_ago),
            fields=["is_active"],
        )
        return PartnerContact.objects.create(
            partner=p, name=f"{name}の担当", email=f"{p.pk}@example.co.jp", phone="0897-11-2222"
        )

    long_inactive = partner("旧商店", active=False, saved_days_ago=400)
    lately_inactive = partner("新商店", active=False, saved_days_ago=10)
    active = partner("現役商店", active=True, saved_days_ago=800)
    personal_data.retain()
    for contact in (long_inactive, lately_inactive, active):
        contact.refresh_from_db()
    assert long_inactive.email == "" and long_inactive.phone == ""
    assert "旧商店" not in long_inactive.name and long_inactive.partner.name == "旧商店"
    assert lately_inactive.email and active.email

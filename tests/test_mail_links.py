"""Every mail the portal sends is read in a mail program, away from the site: its links carry the
site's address (SITE_URL), and a Markdown body reads as plain text in the text part."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from core import feeds as core_feeds
from core.links import absolute_url
from core.markdown import markdown_to_text
from events import emails as event_emails
from facilities import notifications
from groups import emails as group_emails
from groups.models import Membership
from newsletter import mail as newsletter_mail
from tests.events.factories import RegistrationFactory
from tests.facilities.factories import RoomFactory, make_booking
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory

SITE = "https://kyodo.example.jp"
TOKYO = ZoneInfo("Asia/Tokyo")
ROOT = Path(settings.BASE_DIR)

# A link or image that a mail program cannot follow: a path without the site in front.
RELATIVE_IN_HTML = re.compile(r"""(?:href|src)\s*=\s*["'](?!https?:|mailto:|tel:)[^"'\s>]*""")
RELATIVE_IN_TEXT = re.compile(r"(?:^|[\s(<「:：])/[A-Za-z0-9_\-]", re.MULTILINE)


def mail_templates() -> list[Path]:
    found = []
    for app in sorted(p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if app.name in {"node_modules", "media", "private_media", "static", "staticfiles"}:
            continue
        for path in app.glob("**/templates/**/email/*"):
            if path.is_file():
                found.append(path)
    return sorted(found)


@pytest.fixture(autouse=True)
def _site_and_day(settings):
    """The site's address, Japanese, and a fixed day (the issues' dates, the events' days)."""
    settings.SITE_URL = SITE
    settings.LANGUAGE_CODE = "ja"
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)):
        yield


def assert_links_absolute(message) -> None:
    text = message.body
    assert not RELATIVE_IN_TEXT.search(text), text
    for body, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            bad = [m.group(0) for m in RELATIVE_IN_HTML.finditer(body)]
            assert not bad, bad


# --- The templates


def test_the_portals_mail_templates_are_found():
    names = {f"{p.parent.parent.name}/{p.name}" for p in mail_templates()}
    assert {"newsletter/issue.html", "groups/approved.txt", "events/confirmed.txt"} <= names
    assert any(p.parts[-3] == "facilities" for p in mail_templates())


@pytest.mark.parametrize("path", mail_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_mail_template_writes_a_path_without_the_site(path):
    source = path.read_text(encoding="utf-8")
    assert "{% url" not in source, "a mail needs an absolute link: pass core.links.absolute_url()"
    assert 'href="/' not in source and 'src="/' not in source


# --- One helper for the site's address


def test_absolute_url_puts_the_site_in_front_of_a_path():
    assert absolute_url("/bulletin/") == f"{SITE}/bulletin/"
    assert absolute_url("bulletin/") == f"{SITE}/bulletin/"
    assert absolute_url("https://elsewhere.example.org/x") == "https://elsewhere.example.org/x"
    # The apps' own helpers are this one.
    assert group_emails.absolute_url is absolute_url
    assert newsletter_mail.absolute is absolute_url
    assert event_emails.absolute is absolute_url
    assert core_feeds.absolute is absolute_url


# --- The newsletter's mails

BODY = """# 今月の特集

市民活動の**いま**を _お届け_ します。詳しくは[掲示板](/bulletin/)と[市のサイト](https://city.example.jp/kyodo)へ。

## 予定

- 交流会は**6月**
- 相談会
  1. 午前
  2. 午後

![会場の写真](/media/photos/hall.jpg)
![外部の図](https://cdn.example.net/chart.png)

> 次号もお楽しみに。

`code` はそのまま。連絡は<info@example.org>へ。
"""


@pytest.mark.django_db
def test_the_newsletter_mail_links_to_the_site_in_both_parts():
    issue = IssueFactory(body=BODY)
    message = newsletter_mail.build_issue_message(issue, to="reader@example.net", test=True)
    html = message.alternatives[0][0]
    assert f'href="{SITE}/bulletin/"' in html
    assert 'href="/' not in html
    assert f"{SITE}/bulletin/" in message.body
    assert_links_absolute(message)


@pytest.mark.django_db
def test_the_newsletter_text_part_reads_as_text_not_markdown():
    issue = IssueFactory(body=BODY)
    text = newsletter_mail.build_issue_message(issue, to="reader@example.net").body
    assert "##" not in text and "**" not in text and "](" not in text and "_お届け_" not in text
    assert "■ 今月の特集" in text
    assert "市民活動のいまを お届け します。" in text
    assert f"掲示板 ({SITE}/bulletin/)" in text
    assert "市のサイト (https://city.example.jp/kyodo)" in text
    assert "・交流会は6月" in text
    assert "1. 午前" in text and "2. 午後" in text
    assert f"[会場の写真] ({SITE}/media/photos/hall.jpg)" in text
    assert "[外部の図] (https://cdn.example.net/chart.png)" in text
    assert "> 次号もお楽しみに。" in text
    assert "code はそのまま" in text


@pytest.mark.django_db
def test_the_newsletter_confirmation_and_notice_link_to_the_site():
    from newsletter import mail as m

    subscriber = SubscriberFactory(confirmed_at=None)
    m.send_confirmation(subscriber)
    m.send_already_subscribed(subscriber)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert SITE in message.body
        assert_links_absolute(message)


@pytest.mark.django_db
def test_every_groups_mail_links_to_the_site():
    group = GroupFactory(name="子ども食堂ネットワーク")
    user = UserFactory(email="rep@example.org")
    context = {
        "group": group,
        "user": user,
        "actor": user,
        "inviter": user,
        "applicant": user,
        "review_days": 7,
        "reason": "書類の不足",
        "groups": [group],
        "group_url": group_emails.group_url(group),
        "account_url": group_emails.account_url(),
        "admin_url": absolute_url("/admin/"),
        "renew_url": absolute_url("/groups/renew/"),
        "accept_url": absolute_url("/groups/invitations/x/"),
        "edit_url": absolute_url("/groups/edit/"),
        "message": "こんにちは",
    }
    names = sorted(
        p.name.removesuffix(".txt")
        for p in (ROOT / "groups/templates/groups/email").glob("*.txt")
        if not p.name.endswith("_subject.txt")
    )
    assert names
    for name in names:
        _subject, body = group_emails.render_message(name, context)
        assert not RELATIVE_IN_TEXT.search(body), (name, body)
    assert group_emails.group_url(group).startswith(f"{SITE}/")
    assert group_emails.account_url().startswith(f"{SITE}/")


@pytest.mark.django_db
def test_an_event_mail_and_a_booking_mail_link_to_the_site():
    registration = RegistrationFactory()
    event_emails.registration_status(registration.pk)
    group = GroupFactory()
    MembershipFactory(
        group=group, user=UserFactory(email="rep@example.org"), role=Membership.Role.REPRESENTATIVE
    )
    start = dt.datetime(2026, 6, 12, 10, 0, tzinfo=TOKYO)
    booking = make_booking(RoomFactory(), start, start + dt.timedelta(hours=2), group=group)
    notifications.send("confirmed", [booking])
    assert [m.to for m in mail.outbox] == [[registration.email], ["rep@example.org"]]
    for message in mail.outbox:
        assert f"{SITE}/" in message.body
        assert_links_absolute(message)


# --- The text renderer itself


def test_markdown_to_text_keeps_japanese_lines_unwrapped():
    long_line = "市民活動" * 40
    assert markdown_to_text(long_line, base_url=SITE) == long_line


def test_markdown_to_text_puts_the_base_url_in_front_of_relative_links():
    text = markdown_to_text("[予約](/facilities/) と [ページ内](#top)", base_url=SITE)
    assert text == f"予約 ({SITE}/facilities/) と ページ内"


def test_markdown_to_text_writes_an_address_once():
    text = markdown_to_text("<https://city.example.jp/> と <info@example.org>", base_url=SITE)
    assert text == "https://city.example.jp/ と info@example.org"


def test_markdown_to_text_shows_raw_html_and_code_as_written():
    source = "<b>太字</b>\n\n```\n## not a heading\n**kept**\n```"
    assert markdown_to_text(source, base_url=SITE) == "<b>太字</b>\n\n## not a heading\n**kept**"


def test_markdown_to_text_of_nothing_is_empty():
    assert markdown_to_text("", base_url=SITE) == ""
    assert markdown_to_text(None, base_url=SITE) == ""

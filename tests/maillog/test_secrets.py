"""Mails that carry a secret (a sign-in code, a password-reset, confirmation or invitation
link) are logged by subject only, and no one-time token reaches the mail log's tables, not even
from the personal links of ordinary mails (a newsletter's unsubscribe link)."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import mail_admins, send_mail
from django.db import connection
from django.urls import resolve, reverse

from maillog.models import MailMessage, SentMail
from maillog.redact import _URL as LINK
from maillog.redact import TOKEN_ARGUMENTS, carries_token, redact
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def stored_text() -> str:
    """Every text column of every row of the mail log's tables, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for model in (MailMessage, SentMail):
            table = model._meta.db_table
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in {"CharField", "TextField", "EmailField"}
            ]
            cursor.execute(f'SELECT {", ".join(columns)} FROM "{table}"')
            chunks += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(chunks)


def tokens_in(message) -> list[str]:
    """The tokens (URL arguments and query values) of the links to the portal in ``message``."""
    bodies = [message.body] + [alt[0] for alt in getattr(message, "alternatives", [])]
    found = []
    for body in bodies:
        for link in LINK.findall(html.unescape(body)):
            if not carries_token(link):
                continue
            parts = urlsplit(link)
            found += [v for values in parse_qs(parts.query).values() for v in values]
            match = resolve(parts.path)
            found += [str(v) for k, v in match.kwargs.items() if k in TOKEN_ARGUMENTS]
    return found


def assert_not_kept(message):
    tokens = tokens_in(message)
    assert any(len(token) >= 6 for token in tokens), (
        f"the mail {message.subject!r} was expected to carry a link with a token"
    )
    kept = stored_text()
    for token in tokens:
        if len(token) < 6:
            # A user's id in base 36 (the reset link's uidb36, "l" for user 21) is no secret,
            # and so short that it turns up in any text: the key beside it is what must go.
            continue
        assert token not in kept, f"{token!r} of {message.subject!r} is in the mail log"


def test_a_password_reset_key_is_not_kept(client, citizen):
    client.post(reverse("account_reset_password"), {"email": citizen.email})
    (message,) = mail.outbox
    assert_not_kept(message)
    assert SentMail.objects.get().message.secret


def test_an_email_confirmation_link_is_not_kept(client_for, citizen):
    EmailAddress.objects.create(user=citizen, email="second@example.jp", verified=False)
    client_for("citizen").post(
        reverse("account_email"), {"email": "second@example.jp", "action_send": ""}
    )
    (message,) = mail.outbox
    assert_not_kept(message)
    assert MailMessage.objects.get().secret


def test_a_guests_confirmation_link_is_not_kept(client, commit):
    event = EventFactory(slug="open-day", allow_guests=True, capacity=3, guest_max_party_size=3)
    with commit():
        client.post(
            reverse("events:register_guest", args=[event.slug]),
            {"name": "高橋 由美", "email": "yumi@example.net", "people": 1},
        )
    (message,) = mail.outbox
    assert_not_kept(message)
    assert SentMail.objects.get().message.secret


def test_a_group_invitation_link_is_not_kept(client_for, group, representative, commit):
    with commit():
        client_for("representative").post(
            reverse("groups:invite", args=[group.slug]), {"email": "new.member@example.jp"}
        )
    (message,) = mail.outbox
    assert_not_kept(message)
    entry = SentMail.objects.get()
    assert entry.message.secret and entry.kind == "groups"


def test_a_newsletter_confirmation_link_is_not_kept(client, commit):
    with commit():
        client.post(
            reverse("newsletter:subscribe"),
            {"email": "reader@example.jp", "agree": "on"},
        )
    (message,) = mail.outbox
    assert_not_kept(message)
    assert SentMail.objects.get().message.secret


def test_an_ordinary_mail_keeps_its_text_but_not_its_personal_links(citizen):
    from newsletter.mail import build_issue_message
    from tests.newsletter.factories import IssueFactory, SubscriberFactory

    subscriber = SubscriberFactory(email=citizen.email)
    message = build_issue_message(
        IssueFactory(title="春の特集"), to=citizen.email, subscriber=subscriber
    )
    message.send()
    assert_not_kept(message)
    content = MailMessage.objects.get()
    assert not content.secret
    assert "春の特集" in content.text and "春の特集" in content.html
    assert "個人用リンクは保存されていません" in content.text


def test_error_reports_to_the_admins_are_secret(settings):
    settings.ADMINS = [("Office", "admin@example.net")]
    mail_admins("Error", "Traceback … /accounts/password/reset/key/abc-def/")
    entry = SentMail.objects.get()
    assert entry.kind == "error_report" and entry.message.secret
    assert "reset/key" not in stored_text()


def test_a_sender_names_the_kind_and_the_marks_never_leave(citizen):
    from django.core.mail import EmailMessage

    EmailMessage(
        "お知らせ",
        "本文",
        to=[citizen.email],
        headers={"X-Kyodo-Kind": "bulletin", "X-Kyodo-Secret": "1"},
    ).send()
    entry = SentMail.objects.get()
    assert entry.kind == "bulletin" and entry.message.secret
    raw = mail.outbox[0].message().as_string()
    assert "X-Kyodo" not in raw


def test_a_mail_from_outside_the_portals_apps_is_of_kind_other(citizen):
    send_mail("テスト", "本文", None, [citizen.email])  # from the tests: no app
    assert SentMail.objects.get().kind == "other"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("https://kyodo.example.jp/groups/", True),
        ("https://kyodo.example.jp/events/guest/abcdefghijklmnop/confirm/", False),
        ("https://kyodo.example.jp/newsletter/unsubscribe/abc:def:ghi/", False),
        ("https://kyodo.example.jp/events/survey/x/?t=abcdef123456", False),
        ("https://kyodo.example.jp/accounts/password/reset/key/1a-set-password/。", False),
        # allauth builds its links from the request's host: a token path is removed on any host.
        ("http://testserver/accounts/confirm-email/abcdef/", False),
        ("https://video.example/watch?v=abc&t=30", True),
    ],
)
def test_links_with_tokens_are_removed_wherever_they_stand(settings, text, kept):
    settings.SITE_URL = "https://kyodo.example.jp"
    result = redact(f"前文 {text} 後文")
    assert (text in result) is kept
    assert result.startswith("前文 ") and result.endswith(" 後文")


def test_production_settings_send_every_mail_through_the_mail_log():
    from kyodo_office import settings as production

    assert production.EMAIL_BACKEND == "maillog.backends.LoggingEmailBackend"
    assert production.MAILLOG_INNER_BACKEND != production.EMAIL_BACKEND

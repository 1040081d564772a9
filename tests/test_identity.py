"""A portal that introduces itself (issue #16 part 7): its own name and address in every mail,
feed and admin link (never ``example.com``), its own wording in the account mails, why to
register on the sign-up page, its icons, one word for one thing, and English pages wholly
English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core import mail
from django.core.cache import cache
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import User
from core.fiscal import TOKYO
from pages.models import OfficeDetails
from tests.factories import GroupFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-passphrase-2026"
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=TOKYO)


@pytest.fixture
def office(db):
    from pages.footer import forget

    cache.clear()  # allauth counts mails and attempts in the shared cache: none counted yet
    details = OfficeDetails.load()
    details.name = "まちづくり協働オフィス"
    details.phone = "012-345-6789"
    details.email = "desk@kyodo-office.example.jp"
    details.save()
    forget()
    yield details
    forget()


def _everything_in(messages) -> str:
    parts = []
    for message in messages:
        parts += [message.subject, message.body, message.from_email, *message.to]
        parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def _signup(client, email="hanako@example.jp", name="協働 花子"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "full_name": name,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "agree": "on",
        },
    )


# --- The site's name and domain come from settings -------------------------------------------


@pytest.mark.django_db
def test_the_sites_row_carries_the_portals_address_and_name():
    site = Site.objects.get_current()
    assert site.domain == urlsplit(settings.SITE_URL).netloc
    assert site.name == "まちづくり協働オフィス"
    assert "example.com" not in f"{site.domain} {site.name}"


@pytest.mark.django_db
def test_after_a_migration_the_sites_row_follows_a_new_site_url(settings):
    from core.sites import site_follows_settings

    settings.SITE_URL = "https://kyodo.example.jp"
    site_follows_settings()
    assert Site.objects.get_current().domain == "kyodo.example.jp"


@pytest.mark.django_db
def test_no_mail_of_sign_up_verification_or_password_reset_names_example_com(client, office):
    with time_machine.travel(NOON, tick=False) as clock:
        assert _signup(client).status_code == 302
        user = User.objects.get(email="hanako@example.jp")
        # The same address again, after the one-mail-per-3-minutes limit: the account already
        # exists.
        clock.shift(dt.timedelta(minutes=4))
        _signup(Client(), name="別の人")
        # A password reset for the account, and one for an address nobody has.
        Client().post(reverse("account_reset_password"), {"email": "hanako@example.jp"})
        Client().post(reverse("account_reset_password"), {"email": "nobody@example.jp"})
    assert len(mail.outbox) == 4
    everything = _everything_in(mail.outbox)
    assert "example.com" not in everything
    assert "Hello from" not in everything and "Thank you for using" not in everything

    welcome, already, reset, unknown = mail.outbox
    # The portal's own wording: greeting by name, what to do, how long, if it wasn't you,
    # and the office at the foot.
    assert welcome.body.startswith(f"{user.full_name} 様")
    assert "新規登録" in welcome.body
    assert "3日" in welcome.body
    assert "心当たりがない場合" in welcome.body
    for message in (welcome, already, reset, unknown):
        assert "まちづくり協働オフィス" in message.body
        assert "012-345-6789" in message.body
        assert "desk@kyodo-office.example.jp" in message.body
    assert reset.body.startswith("協働 花子 様")
    for message in (welcome, already, reset, unknown):
        assert message.subject.startswith("[まちづくり協働オフィス] ")
    assert "パスワード" in reset.subject
    assert re.search(r"https?://\S+/password/reset/key/\S+", reset.body)
    assert "新規登録" in unknown.body
    assert "すでに" in already.body


@pytest.mark.django_db
def test_mails_in_english_for_a_visitor_who_chose_english(client, office):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with time_machine.travel(NOON, tick=False):
        _signup(client, email="jo@example.jp", name="Jo Smith")
    (welcome,) = mail.outbox
    assert welcome.body.startswith("Dear Jo Smith,")
    # The subject's prefix follows the language too: wholly English.
    assert welcome.subject.startswith("[Kyodo Office] ")
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", welcome.subject)
    assert "example.com" not in _everything_in(mail.outbox)
    assert not re.search(r"[\u3040-\u30ff]", welcome.body.replace("まちづくり協働オフィス", ""))


def test_the_subject_prefix_follows_the_language():
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    with translation.override("en"):
        assert prefix + "Hello" == "[Kyodo Office] Hello"
        assert f"{prefix}Hello" == "[Kyodo Office] Hello"
    with translation.override("ja"):
        assert prefix + "こんにちは" == "[まちづくり協働オフィス] こんにちは"


@pytest.mark.django_db
def test_feeds_give_the_portals_address_never_example_com(client):
    for name in ("news:feed", "news:events_feed", "bulletin:feed", "newsletter:feed"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b"example.com" not in response.content, name
        assert settings.SITE_URL.encode() in response.content, name


@pytest.mark.django_db
def test_the_admins_view_on_site_goes_to_the_portal(client_for):
    group = GroupFactory()
    content_type = ContentType.objects.get_for_model(group)
    response = client_for("staff").get(
        reverse("admin:view_on_site", args=[content_type.pk, group.pk])
    )
    assert response.status_code == 302
    location = response["Location"]
    assert "example.com" not in location
    assert urlsplit(location).netloc == urlsplit(settings.SITE_URL).netloc
    assert location.endswith(group.get_absolute_url())


# --- The sign-up page says why to register -----------------------------------------------------


@pytest.mark.django_db
def test_the_sign_up_page_says_why_to_register_and_links_the_terms_and_privacy(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "<h1>新規登録</h1>" in html
    for wish in ("団体", "予約", "情報交換会", "掲示板"):
        assert wish in html
    assert f'href="{reverse("pages:terms")}"' in html
    assert f'href="{reverse("pages:privacy")}"' in html
    assert "ユーザー登録" not in html

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("account_signup")).content.decode()
    assert "<h1>Create an account</h1>" in html
    assert "join your group's page" in html.replace("&#x27;", "'")


# --- Favicon and touch icons ---------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_names_its_icons_and_the_icons_exist(client):
    html = client.get(reverse("home")).content.decode()
    for rel, href in (
        ('rel="icon"', "icons/favicon.svg"),
        ('rel="icon"', "icons/favicon-32.png"),
        ('rel="apple-touch-icon"', "icons/apple-touch-icon.png"),
    ):
        assert re.search(rf'<link {rel}[^>]*href="{re.escape(static(href))}"', html), href
    for name, size in (("favicon-32.png", 32), ("apple-touch-icon.png", 180)):
        with Image.open(ROOT / "static" / "icons" / name) as image:
            assert image.size == (size, size)
    assert (ROOT / "static" / "icons" / "favicon.svg").read_text().startswith("<svg")


@pytest.mark.django_db
def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("icons/favicon.ico")
    with Image.open(ROOT / "static" / "icons" / "favicon.ico") as image:
        assert image.format == "ICO"


# --- One word for one thing -----------------------------------------------------------------------

OTHER_WORDS_FOR_SIGN_UP = ("ユーザー登録", "アカウント登録", "会員登録")


def test_signing_up_is_called_shinki_touroku_in_every_japanese_the_portal_shows():
    """Our catalogues and allauth's (as the portal shows them: ours first)."""
    allauth = Path(__import__("allauth").__file__).parent / "locale/ja/LC_MESSAGES/django.po"
    ours = [p for p in ROOT.glob("**/locale/ja/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    shown = []
    with translation.override("ja"):
        for path in [allauth, *ours]:
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.msgid_plural or not entry.translated():
                    continue
                text = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                if any(word in text for word in OTHER_WORDS_FOR_SIGN_UP):
                    shown.append(f"{entry.msgid!r} → {text!r}")
    assert shown == []


def test_the_account_holder_is_never_called_the_representative():
    po = polib.pofile(str(ROOT / "accounts/locale/ja/LC_MESSAGES/django.po"))
    assert [e.msgid for e in po if "代表者" in e.msgstr] == []
    for template in (ROOT / "templates/account").rglob("*.*"):
        assert "代表者" not in template.read_text(), template


# --- English pages wholly English ----------------------------------------------------------------


def test_the_repeat_count_help_text_follows_the_language():
    from facilities.forms import BookingForm

    field = BookingForm.base_fields["repeat_count"]
    with translation.override("en"):
        assert str(field.help_text).startswith("Including the first date: up to")
    with translation.override("ja"):
        assert not str(field.help_text).startswith("Including")


def test_the_photo_help_text_follows_the_language():
    from groups.forms import MultipleImageField

    field = MultipleImageField(required=False)
    with translation.override("en"):
        assert str(field.help_text).startswith("Up to 6 photos")
    with translation.override("ja"):
        assert not str(field.help_text).startswith("Up to")


@pytest.mark.django_db
def test_a_nameless_walk_in_is_labelled_in_the_readers_language(group):
    from events import services
    from events.models import Registration
    from tests.events.factories import EventFactory

    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO), tick=False):
        event = EventFactory(start=dt.datetime(2026, 12, 1, 14, 0, tzinfo=TOKYO))
        walk_in = services.walk_in_add(actor=None, event=event, people=2)
    walk_in = Registration.objects.get(pk=walk_in.pk)
    assert walk_in.guest_name == ""
    with translation.override("en"):
        assert walk_in.display_name == "Walk-in"
    with translation.override("ja"):
        assert walk_in.display_name == "当日参加"


@pytest.mark.django_db
def test_the_walk_in_migration_empties_stored_labels(group):
    from importlib import import_module

    from django.apps import apps

    from events.models import Registration
    from tests.events.factories import EventFactory

    migration = import_module("events.migrations.0005_walk_in_without_stored_name")
    event = EventFactory()
    stored = Registration.objects.create(
        event=event,
        guest_name="当日参加",
        is_walk_in=True,
        people=3,
        attended=True,
        attended_people=3,
    )
    named = Registration.objects.create(
        event=event,
        guest_name="飛び入り 参加",
        is_walk_in=True,
        people=1,
        attended=True,
        attended_people=1,
    )
    guest = Registration.objects.create(event=event, guest_name="当日参加", people=1)
    migration.forget_stored_labels(apps, None)
    stored.refresh_from_db()
    named.refresh_from_db()
    guest.refresh_from_db()
    assert (stored.guest_name, named.guest_name, guest.guest_name) == (
        "",
        "飛び入り 参加",
        "当日参加",
    )


@pytest.mark.django_db
def test_the_sign_up_form_asks_for_the_consent_last(client):
    html = client.get(reverse("account_signup")).content.decode()
    order = [html.index(f'name="{name}"') for name in ("email", "full_name", "password1")]
    order += [html.index(f'name="{name}"') for name in ("password2", "agree")]
    assert order == sorted(order)
    # The sign-up text names the privacy page by its own title.
    assert ">個人情報の取扱い</a>をお読みください" in html

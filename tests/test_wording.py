"""One word for one thing, mails in one language, demo details on the portal's own domain."""

import pytest
from django.utils import translation

from groups.models import Membership


def test_the_group_manager_and_the_groups_representative_have_different_words_in_japanese():
    with translation.override("ja"):
        role = str(Membership.Role.REPRESENTATIVE.label)
        representative_name = translation.gettext("representative's name")
        hand_over = translation.gettext("Hand over the representative role")
        recipients = translation.gettext("(representative and the person who booked)")
    assert role == "管理者"
    assert representative_name == "代表者氏名"
    assert "代表者" not in role and "代表者" not in hand_over and "代表者" not in recipients
    assert "管理者" in hand_over and "団体の管理者" in recipients


def test_english_keeps_its_words():
    with translation.override("en"):
        assert str(Membership.Role.REPRESENTATIVE.label) == "Representative"


@pytest.mark.django_db
def test_a_groups_mail_sent_from_an_english_page_is_wholly_japanese():
    from groups import emails as group_emails
    from tests.factories import GroupFactory

    group = GroupFactory(name="みどりの会")
    with translation.override("en"):
        subject, _body = group_emails.render_message(
            "approved", {"group": group, "group_url": "/", "account_url": "/"}
        )
    assert subject.startswith("[まちづくり協働オフィス] "), subject
    assert "Kyodo Office" not in subject


@pytest.mark.parametrize(
    ("site_url", "address"),
    [
        ("https://kyodo.example.jp", "office@kyodo.example.jp"),
        ("https://www.kyodo-niihama.jp", "office@kyodo-niihama.jp"),
        ("http://127.0.0.1:8000", "office@kyodo-office.example.jp"),
        ("http://localhost:8000", "office@kyodo-office.example.jp"),
    ],
)
def test_the_demo_offices_address_is_on_the_sites_own_domain(settings, site_url, address):
    from pages.demo import demo_office_email

    settings.SITE_URL = site_url
    settings.OFFICE_EMAIL = "office@kyodo-office.example.jp"
    assert demo_office_email() == address
    assert "example.com" not in demo_office_email()


@pytest.mark.django_db
def test_the_demo_footer_never_says_example_com(client, settings):
    from pages import demo, footer
    from pages.models import OfficeDetails

    settings.SITE_URL = "https://kyodo.example.jp"

    class Ctx:
        def say(self, *_args):
            pass

    OfficeDetails.objects.all().delete()
    demo.seed(Ctx())
    assert OfficeDetails.load().email == "office@kyodo.example.jp"
    footer.forget()
    page = client.get("/").content.decode()
    assert "office@kyodo.example.jp" in page
    assert "example.com" not in page

"""The contact form sends a copy to the sender only at a verified address of their account,
never to an address typed by an anonymous visitor (which could be anyone's)."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.groups.test_contact import message as contact_message

pytestmark = pytest.mark.django_db


def message(**overrides):
    """The contact form's data (tests/groups/test_contact.py), sent from a typed address."""
    return contact_message(**{"sender_email": "typed@example.net", **overrides})


def test_a_signed_in_sender_gets_a_copy_at_their_verified_address(
    client_for, group, representative, citizen, on_commit
):
    client = client_for("citizen")
    page = client.get(reverse("groups:contact", args=[group.slug])).content.decode()
    assert 'name="send_copy"' in page and "控えを自分のアカウントのメールアドレスに送る" in page
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), message(send_copy="on"))
    assert [m.to for m in mail.outbox] == [[representative.email], [citizen.email]]
    copy = mail.outbox[1]
    assert "控え" in copy.subject and group.name in copy.subject
    assert "次の子ども食堂で配膳を手伝いたいです。" in copy.body
    assert representative.email not in copy.body  # the group's address stays hidden
    assert "typed@example.net" not in copy.to


def test_no_copy_when_the_sender_unticks_it(client_for, group, representative, citizen, on_commit):
    with on_commit():
        client_for("citizen").post(reverse("groups:contact", args=[group.slug]), message())
    assert [m.to for m in mail.outbox] == [[representative.email]]


def test_an_anonymous_visitor_never_gets_a_copy(client_for, group, representative, on_commit):
    client = client_for("anonymous")
    page = client.get(reverse("groups:contact", args=[group.slug])).content.decode()
    assert 'name="send_copy"' not in page
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), message(send_copy="on"))
    assert [m.to for m in mail.outbox] == [[representative.email]]


def test_an_unverified_account_gets_no_copy(client, group, representative, on_commit):
    user = UserFactory(email="unverified@example.org", verified=False)
    client.force_login(user)
    page = client.get(reverse("groups:contact", args=[group.slug])).content.decode()
    assert 'name="send_copy"' not in page
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), message(send_copy="on"))
    assert [m.to for m in mail.outbox] == [[representative.email]]


def test_the_copy_is_in_the_senders_mail_log(
    settings, client_for, group, representative, citizen, on_commit
):
    from maillog.models import SentMail

    # Django's test set-up puts locmem in front; put the mail log back (as tests/maillog does).
    settings.EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
    with on_commit():
        client_for("citizen").post(
            reverse("groups:contact", args=[group.slug]), message(send_copy="on")
        )
    copy = SentMail.objects.get(address=citizen.email)
    assert copy.account == citizen

"""The contact form: reaches the representatives without showing their address."""

import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from groups.models import Group


def message(**overrides):
    data = {
        "sender_name": "市民 一郎",
        "sender_email": "ichiro@example.net",
        "subject": "ボランティアに参加したい",
        "message": "次の子ども食堂で配膳を手伝いたいです。",
        "website_url": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_visitor_writes_to_the_representatives(client, group, representative, on_commit):
    url = reverse("groups:contact", args=[group.slug])
    with on_commit():
        response = client.post(url, message())
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [representative.email]
    assert sent.reply_to == ["ichiro@example.net"]
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert "ボランティアに参加したい" in sent.subject
    assert "次の子ども食堂で配膳を手伝いたいです。" in sent.body
    assert "ichiro@example.net" in sent.body
    # The visitor never sees where it went.
    page = client.get(response["Location"]).content.decode()
    assert "送信しました" in page
    assert representative.email not in page


@pytest.mark.django_db
def test_every_representative_receives_it(client, group, representative, member, on_commit):
    from groups.models import Membership

    Membership.objects.filter(group=group, user=member).update(role="representative")
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), message())
    assert sorted(mail.outbox[0].to) == sorted([representative.email, member.email])


@pytest.mark.django_db
def test_without_a_representative_account_the_office_forwards_it(client, group, on_commit):
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), message())
    assert mail.outbox[0].to == [settings.OFFICE_EMAIL]
    assert "転送" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_honeypot_stops_bots_quietly(client, group, representative, on_commit):
    with on_commit():
        response = client.post(
            reverse("groups:contact", args=[group.slug]),
            message(website_url="http://spam.example"),
        )
    assert response.status_code == 200
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sender_email": "not-an-address"}, "sender_email"),
        ({"subject": "a\r\nBcc: victim@example.com"}, "subject"),
        ({"message": ""}, "message"),
        ({"message": "x" * 3001}, "message"),
    ],
)
def test_bad_messages_are_explained_and_not_sent(client, group, representative, overrides, field):
    response = client.post(reverse("groups:contact", args=[group.slug]), message(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_message_posted_twice_is_sent_once(client, group, representative, on_commit):
    data = message()
    with on_commit():
        client.post(reverse("groups:contact", args=[group.slug]), data)
        response = client.post(reverse("groups:contact", args=[group.slug]), data, follow=True)
    assert len(mail.outbox) == 1
    assert "既に送信" in response.content.decode()


@pytest.mark.django_db
def test_the_form_is_rate_limited(client, group, representative, on_commit):
    url = reverse("groups:contact", args=[group.slug])
    with on_commit():
        for _ in range(5):
            assert client.post(url, message()).status_code == 302
        response = client.post(url, message())
    assert response.status_code == 429
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_groups_that_are_not_registered_cannot_be_contacted(client, group, representative):
    Group.objects.filter(pk=group.pk).update(status=Group.Status.WITHDRAWN)
    assert client.post(reverse("groups:contact", args=[group.slug]), message()).status_code == 404
    assert mail.outbox == []

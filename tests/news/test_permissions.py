"""Every URL of the news app (news, programme, opinion box, feeds, home) for every role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ROLES
from tests.news.factories import NewsPostFactory

pytestmark = pytest.mark.django_db

PUBLIC = ["home", "news:list", "news:feed", "news:events_feed", "programme:list", "opinion:form",
          "opinion:thanks"]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_answer_every_role(client_for, role, name):
    assert client_for(role).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_published_post_is_public_and_a_scheduled_one_only_for_staff(client_for, role):
    published = NewsPostFactory()
    scheduled = NewsPostFactory(publish_at=timezone.now() + dt.timedelta(days=1))
    client = client_for(role)
    assert client.get(published.get_absolute_url()).status_code == 200
    expected = 200 if role == "staff" else 404
    assert client.get(scheduled.get_absolute_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["admin:news_newspost_changelist", "admin:news_programmeepisode_changelist",
             "admin:news_opinion_changelist", "admin:news_newspost_add"],
)  # fmt: skip
def test_only_staff_edit_news_episodes_and_read_opinions(client_for, role, name):
    response = client_for(role).get(reverse(name))
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

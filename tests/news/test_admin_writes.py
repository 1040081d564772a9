"""Issue #14 part 3 for the news app: reading an opinion's admin page writes nothing (it used
to mark the opinion read on the GET); saving it, its buttons and the list's actions go through
news.services with an audit row; news posts and programme episodes too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditLog
from news.models import NewsPost, Opinion, ProgrammeEpisode
from tests.admin_post import unchanged_post_data
from tests.news.factories import EpisodeFactory, NewsPostFactory, OpinionFactory

pytestmark = pytest.mark.django_db


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_opening_an_opinion_writes_nothing_and_saving_it_marks_it_read(client_for):
    opinion = OpinionFactory(status=Opinion.Status.NEW)
    client = client_for("staff")
    page = client.get(change_url(opinion))
    assert page.status_code == 200
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.NEW
    assert not AuditLog.objects.exists()
    html = page.content.decode()
    assert reverse("admin:news_opinion_decide", args=[opinion.pk, "read"]) in html
    data = unchanged_post_data(page)
    data["staff_note"] = "来週の運営委員会で共有"
    assert client.post(change_url(opinion), data).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.READ
    assert opinion.staff_note == "来週の運営委員会で共有"
    entry = AuditLog.objects.get(action="news.opinion_update")
    assert entry.data["previous"] == "new" and entry.data["status"] == "read"


def test_opinion_buttons_and_actions_are_audited_and_a_decided_one_says_so(client_for):
    opinion = OpinionFactory(status=Opinion.Status.READ)
    client = client_for("staff")
    client.post(reverse("admin:news_opinion_decide", args=[opinion.pk, "answered"]))
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ANSWERED
    response = client.post(
        reverse("admin:news_opinion_decide", args=[opinion.pk, "answered"]), follow=True
    )
    assert any(
        "nothing was changed" in str(m) or "変更" in str(m) for m in response.context["messages"]
    )
    others = [OpinionFactory(status=Opinion.Status.NEW) for _ in range(2)]
    client.post(
        reverse("admin:news_opinion_changelist"),
        {"action": "mark_read", "_selected_action": [o.pk for o in others]},
    )
    assert set(
        Opinion.objects.filter(pk__in=[o.pk for o in others]).values_list("status", flat=True)
    ) == {"read"}
    assert AuditLog.objects.filter(action="news.opinion_update").count() == 3


@pytest.mark.parametrize("role", ["citizen", "official"])
def test_a_crafted_opinion_decision_by_anyone_but_staff_is_refused(client_for, role):
    opinion = OpinionFactory(status=Opinion.Status.NEW)
    url = reverse("admin:news_opinion_decide", args=[opinion.pk, "close"])
    assert client_for(role).post(url).status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.NEW


def test_news_posts_and_episodes_are_saved_and_deleted_through_the_services(client_for):
    client = client_for("staff")
    post = NewsPostFactory()  # to the second, as the admin's form shows it
    post.publish_at = post.publish_at.replace(microsecond=0)
    post.save()
    episode = EpisodeFactory()
    for obj in (post, episode):
        page = client.get(change_url(obj))
        data = unchanged_post_data(page)
        assert client.post(change_url(obj), data).status_code == 302  # unchanged: no row
    assert not AuditLog.objects.exists()
    data = unchanged_post_data(client.get(change_url(post)))
    data["title"] = "年末年始の休館のお知らせ"
    client.post(change_url(post), data)
    assert AuditLog.objects.get(action="news.news_post_save").data["fields"] == ["title"]
    client.post(reverse("admin:news_programmeepisode_delete", args=[episode.pk]), {"post": "yes"})
    assert not ProgrammeEpisode.objects.exists()
    assert AuditLog.objects.filter(action="news.episode_delete").count() == 1
    client.post(reverse("admin:news_newspost_delete", args=[post.pk]), {"post": "yes"})
    assert not NewsPost.objects.exists()
    assert AuditLog.objects.filter(action="news.news_post_delete").count() == 1

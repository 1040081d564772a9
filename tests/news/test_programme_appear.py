"""Issue 18 part 5: the programme's episodes show the groups and joint projects they feature; a
registered group's member asks to appear (topic, preferred month); staff schedule the request on
an episode or decline it with the decision buttons, audited and mailed to the group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from core.models import AuditLog
from groups.models import Group
from news import services
from news.models import AppearanceRequest
from tests.factories import GroupFactory
from tests.news.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

APPEAR = "/programme/appear/"


def _month(n: int = 1) -> str:
    first = timezone.localdate().replace(day=1)
    year, month = divmod(first.month - 1 + n, 12)
    return f"{first.year + year:04d}-{month + 1:02d}"


def _ask(client, group, **overrides):
    data = {
        "group": group.pk,
        "topic": "子ども食堂のボランティア募集",
        "preferred_month": _month(1),
        "note": "代表と子ども2人で出演希望",
        **overrides,
    }
    return client.post(APPEAR, data)


# --------------------------------------------------------------------------- the episode page


def test_the_episode_page_shows_its_groups_and_projects(client, group):
    episode = EpisodeFactory(title="子ども食堂の一日", summary="地域の食堂を訪ねました。")
    applied = GroupFactory(status=Group.Status.APPLIED, registered_on=None, name="申請中の会")
    episode.featured_groups.add(group, applied)
    response = client.get(episode.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("programme:episode", args=[episode.pk]) == f"/programme/{episode.pk}/"
    assert "子ども食堂の一日" in html
    assert f'href="{group.get_absolute_url()}"' in html
    assert "申請中の会" not in html  # only registered groups are shown
    # The list links to the episode and names its groups too.
    listing = client.get("/programme/").content.decode()
    assert f'href="{episode.get_absolute_url()}"' in listing
    assert group.name in listing


def test_the_episode_page_shows_featured_projects(
    client, member, group, staff, department, department_official
):
    from collaboration import services as collaboration
    from collaboration.models import Project
    from tests.collaboration.test_proposals import FIELDS

    proposal = collaboration.proposal_create(actor=member, group=group, **FIELDS)
    collaboration.proposal_submit(actor=member, proposal=proposal)
    collaboration.proposal_assign(
        actor=staff,
        proposal=proposal,
        department=department,
        answer_due=timezone.localdate() + dt.timedelta(days=30),
    )
    collaboration.proposal_answer(
        actor=department_official,
        proposal=proposal,
        department=department,
        decision="adopted",
        reasons="採択",
    )
    project = Project.objects.get(proposal=proposal)
    episode = EpisodeFactory()
    episode.featured_projects.add(project)
    html = client.get(episode.get_absolute_url()).content.decode()
    assert f'href="{project.get_absolute_url()}"' in html
    assert project.title in html


def test_a_hidden_episode_is_not_found_except_by_staff(client, client_for):
    episode = EpisodeFactory(is_published=False, title="非公開の回")
    assert client.get(episode.get_absolute_url()).status_code == 404
    assert client_for("member").get(episode.get_absolute_url()).status_code == 404
    staff_view = client_for("staff").get(episode.get_absolute_url())
    assert staff_view.status_code == 200 and "非公開の回" in staff_view.content.decode()
    assert client.get("/programme/999999/").status_code == 404


def test_the_episode_page_has_a_fixed_query_count(client, django_assert_max_num_queries):
    episode = EpisodeFactory()
    episode.featured_groups.add(*GroupFactory.create_batch(8))
    with django_assert_max_num_queries(4):
        assert client.get(episode.get_absolute_url()).status_code == 200


def test_the_programme_list_keeps_a_fixed_query_count_with_featured_groups(
    client, django_assert_max_num_queries
):
    for episode in EpisodeFactory.create_batch(25):
        episode.featured_groups.add(GroupFactory())
    with django_assert_max_num_queries(5):
        assert client.get("/programme/").status_code == 200


# --------------------------------------------------------------------------- asking to appear


def test_a_member_asks_to_appear_and_the_office_is_told(
    client_for, member, group, django_capture_on_commit_callbacks, settings
):
    client = client_for("member")
    page = client.get(APPEAR)
    assert page.status_code == 200
    assert group.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, group)
    assert response.status_code == 302
    request = AppearanceRequest.objects.get()
    assert request.group == group and request.requested_by == member
    assert request.status == AppearanceRequest.Status.REQUESTED
    assert request.preferred_month.day == 1
    assert AuditLog.objects.filter(action="news.appearance_request", actor=member).exists()
    assert [m.to for m in mail.outbox] == [[settings.OFFICE_EMAIL]]
    # The member sees the request and its state on the page.
    html = client.get(APPEAR).content.decode()
    assert "子ども食堂のボランティア募集" in html


def test_a_second_open_request_of_the_same_group_is_refused(client_for, member, group):
    client = client_for("member")
    _ask(client, group)
    again = _ask(client, group, topic="二回目")
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    assert "二回目" in again.content.decode()  # what the member typed is kept
    assert AppearanceRequest.objects.count() == 1


def test_a_crafted_post_for_another_group_or_a_past_month_is_refused(
    client_for, member, group, other_group
):
    client = client_for("member")
    other = _ask(client, other_group)
    assert other.status_code == 200 and "group" in other.context["form"].errors
    past = _ask(client, group, preferred_month="2001-01")
    assert past.status_code == 200 and "preferred_month" in past.context["form"].errors
    bad = _ask(client, group, preferred_month="2027-13", topic="")
    assert bad.status_code == 200
    assert not AppearanceRequest.objects.exists()


@pytest.mark.parametrize("role", ["citizen", "staff", "official", "committee"])
def test_people_without_a_registered_group_cannot_ask(client_for, role, group):
    client = client_for(role)
    page = client.get(APPEAR)
    assert page.status_code == 403
    # Not a bare "not allowed": what to do first, and where.
    html = page.content.decode()
    assert "登録団体からのお申し込み" in html
    assert f'href="{reverse("groups:apply")}"' in html
    assert 'method="post"' not in html.split("<main", 1)[1]  # no form that would refuse them
    assert _ask(client, group).status_code == 403
    assert not AppearanceRequest.objects.exists()


@pytest.mark.parametrize(
    "role, offered",
    [("anonymous", True), ("member", True), ("citizen", False), ("staff", False)],
)
def test_the_programme_offers_the_request_form_only_to_whoever_may_use_it(
    client_for, role, offered, group
):
    """Anonymous visitors and registered groups' members get the form (the former sign in on
    the way); a signed-in person with no registered group reads what to do first instead of a
    link to a refusal."""
    episode = EpisodeFactory()
    for page in ("/programme/", episode.get_absolute_url()):
        html = client_for(role).get(page).content.decode()
        assert (f'href="{APPEAR}"' in html) is offered, page
        assert ("登録団体からのお申し込み" in html) is not offered, page


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(APPEAR)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_service_refuses_a_non_member_and_an_unregistered_group(citizen, member, group):
    month = timezone.localdate().replace(day=1)
    with pytest.raises(services.AppearanceError):
        services.appearance_request(actor=citizen, group=group, topic="t", preferred_month=month)
    group.status = Group.Status.SUSPENDED
    group.save(update_fields=["status"])
    with pytest.raises(services.AppearanceError):
        services.appearance_request(actor=member, group=group, topic="t", preferred_month=month)
    assert not AuditLog.objects.filter(action="news.appearance_request").exists()


# --------------------------------------------------------------------------- staff decide


def _requested(member, group):
    return services.appearance_request(
        actor=member,
        group=group,
        topic="川の清掃活動",
        preferred_month=timezone.localdate().replace(day=1),
    )


def test_staff_schedule_it_on_an_episode_and_the_group_is_mailed(
    client_for, member, group, staff, django_capture_on_commit_callbacks
):
    request = _requested(member, group)
    episode = EpisodeFactory(
        title="川と暮らす", air_date=timezone.localdate() + dt.timedelta(days=20)
    )
    client = client_for("staff")
    change = reverse("admin:news_appearancerequest_change", args=[request.pk])
    page = client.get(change).content.decode()
    # The episode by its day as people write it (「2026年12月21日(月)」), not 2026-12-21.
    with translation.override("ja"):
        air_day = dates.day(episode.air_date)
    assert f'<option value="{episode.pk}">{air_day} 川と暮らす</option>' in page
    assert episode.air_date.isoformat() not in page
    # The month the group would like, as a month is written (「2026年12月」), not 2026-12.
    month = request.preferred_month
    assert f"{month.year}年{month.month}月" in page and f">{month:%Y-%m}<" not in page
    decide = reverse("admin:news_appearancerequest_decide", args=[request.pk, "schedule"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"reason": str(episode.pk)})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.SCHEDULED
    assert request.episode == episode
    assert list(episode.featured_groups.all()) == [group]
    assert AuditLog.objects.filter(action="news.appearance_schedule", actor=staff).exists()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "川と暮らす" in mail.outbox[0].body
    assert air_day in mail.outbox[0].body
    assert episode.air_date.isoformat() not in mail.outbox[0].body
    # The member sees it scheduled with the episode.
    html = client_for("member").get(APPEAR).content.decode()
    assert f'href="{episode.get_absolute_url()}"' in html
    # A second decision is refused, nothing changed.
    decline = reverse("admin:news_appearancerequest_decide", args=[request.pk, "decline"])
    client.post(decline, {"reason": "やはり無理"})
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.SCHEDULED


def test_an_aired_or_unknown_episode_is_refused(client_for, member, group):
    request = _requested(member, group)
    aired = EpisodeFactory(air_date=timezone.localdate() - dt.timedelta(days=1))
    client = client_for("staff")
    decide = reverse("admin:news_appearancerequest_decide", args=[request.pk, "schedule"])
    for value in (str(aired.pk), "999999", "abc", ""):
        assert client.post(decide, {"reason": value}).status_code == 302
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.REQUESTED
    assert not AuditLog.objects.filter(action="news.appearance_schedule").exists()


def test_staff_decline_with_a_reason_the_group_reads(
    client_for, member, group, django_capture_on_commit_callbacks
):
    request = _requested(member, group)
    client = client_for("staff")
    decide = reverse("admin:news_appearancerequest_decide", args=[request.pk, "decline"])
    client.post(decide, {"reason": ""})
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"reason": "今年度の放送枠が埋まりました"})
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.DECLINED
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "今年度の放送枠が埋まりました" in mail.outbox[0].body
    assert "今年度の放送枠が埋まりました" in client_for("member").get(APPEAR).content.decode()


def test_the_admin_home_counts_the_open_requests(client_for, member, group):
    _requested(member, group)
    html = client_for("staff").get(reverse("admin:index")).content.decode()
    assert 'data-key="news.appearances"' in html


@pytest.mark.parametrize("role", ["member", "official", "citizen"])
def test_only_staff_decide(client_for, role, member, group):
    request = _requested(member, group)
    episode = EpisodeFactory(air_date=timezone.localdate() + dt.timedelta(days=5))
    decide = reverse("admin:news_appearancerequest_decide", args=[request.pk, "schedule"])
    assert client_for(role).post(decide, {"reason": str(episode.pk)}).status_code == 403
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.REQUESTED


def test_the_group_page_shows_its_members_the_way_to_ask(client_for, member, group):
    assert APPEAR in client_for("member").get(group.get_absolute_url()).content.decode()
    for role in ("anonymous", "citizen", "other_member", "staff"):
        html = client_for(role).get(group.get_absolute_url()).content.decode()
        assert APPEAR not in html, role


def test_the_database_keeps_one_open_request_per_group(member, group):
    from django.db import IntegrityError, transaction

    first = _requested(member, group)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppearanceRequest.objects.create(
            group=group, topic="二重送信", preferred_month=first.preferred_month
        )
    # Once answered, the group may ask again.
    services.appearance_decline(actor=None, request=first, reason="今回は見送り")
    assert _requested(member, group).status == AppearanceRequest.Status.REQUESTED

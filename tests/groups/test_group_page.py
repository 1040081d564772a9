"""The group page, its edit page, partner suggestions, and what "my account" shows."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import ActivityField, ActivityRecord, Group, Membership
from tests.factories import GroupFactory, MembershipFactory
from tests.groups.factories import jpeg_with_gps, not_an_image

PRIVATE = ("代表 太郎", "0897-00-0000", "新居浜市一宮町1-1-1")


@dataclass
class Item:
    title: str
    url: str
    start: dt.datetime | None = None

    def get_absolute_url(self):
        return self.url


@pytest.mark.django_db
def test_the_public_page_shows_the_profile_records_events_and_posts(client, group, monkeypatch):
    group.description = "毎月第2土曜日に子ども食堂を開いています。"
    group.offers = "調理の経験"
    group.needs = "食材の寄付"
    group.website = "https://kodomo.example.jp/"
    group.looking_for = ["volunteers"]
    group.save()
    group.fields.add(ActivityField.objects.get(slug="children"))
    ActivityRecord.objects.create(
        group=group, held_on=dt.date(2026, 1, 10), title="新年の子ども食堂", body="40人が参加"
    )
    calls = []
    start = timezone.make_aware(dt.datetime(2030, 5, 3, 10, 0))

    def fake_events(g, limit=5):
        calls.append(("events", g.pk, limit))
        return [Item("交流会2030", "/events/1/", start)]

    def fake_posts(g, limit=5):
        calls.append(("posts", g.pk, limit))
        return [Item("ボランティア募集", "/bulletin/9/")]

    monkeypatch.setattr("events.selectors.upcoming_for_group", fake_events)
    monkeypatch.setattr("bulletin.selectors.active_posts_for_group", fake_posts)

    response = client.get(group.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>子ども食堂ネットワーク</h1>" in html
    for text in (
        "毎月第2土曜日に子ども食堂を開いています。",
        "子どもの健全育成",
        "調理の経験",
        "食材の寄付",
        "ボランティア",
        "https://kodomo.example.jp/",
        "新年の子ども食堂",
        'href="/events/1/"',
        "交流会2030",
        "2030年5月3日",
        'href="/bulletin/9/"',
        "ボランティア募集",
        "この団体に問い合わせる",
    ):
        assert text in html, text
    assert ("events", group.pk, 5) in calls and ("posts", group.pk, 5) in calls
    # Visitors get no member tools.
    assert reverse("groups:edit", args=[group.slug]) not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    ["anonymous", "citizen", "other_member", "member", "representative", "staff", "official"],
)
def test_private_contact_never_appears_on_the_public_pages(client_for, group, role, request):
    request.getfixturevalue("representative")
    request.getfixturevalue("member")
    client = client_for(role)
    urls = [
        group.get_absolute_url(),
        reverse("groups:directory"),
        reverse("groups:directory") + "?q=子ども",
        reverse("groups:activities", args=[group.slug]),
        reverse("groups:recent_activities"),
        reverse("groups:contact", args=[group.slug]),
        reverse("groups:directory_csv"),
    ]
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8-sig")
        for private in PRIVATE:
            assert private not in body, (role, url, private)
        # Nor the representative's account address (except to the representative, whose own
        # address fills in the contact form).
        if role != "representative":
            assert "rep@example.org" not in body, (role, url)


@pytest.mark.django_db
def test_pages_of_groups_that_are_not_registered_are_not_public(client_for, member, group):
    Group.objects.filter(pk=group.pk).update(status=Group.Status.SUSPENDED)
    assert client_for("anonymous").get(group.get_absolute_url()).status_code == 404
    assert client_for("citizen").get(group.get_absolute_url()).status_code == 404
    assert client_for("member").get(group.get_absolute_url()).status_code == 200
    assert client_for("staff").get(group.get_absolute_url()).status_code == 200
    assert client_for("anonymous").get("/groups/no-such-group/").status_code == 404


@pytest.mark.django_db
def test_members_see_the_edit_link_and_edit_the_page(client_for, group, member):
    client = client_for("member")
    page = client.get(group.get_absolute_url()).content.decode()
    assert reverse("groups:edit", args=[group.slug]) in page
    edit = client.get(reverse("groups:edit", args=[group.slug]))
    assert edit.status_code == 200
    # An ordinary member does not get the representative's private contact in the form.
    assert "representative_phone" not in edit.content.decode()
    data = {
        "name": "子ども食堂ネットワーク",
        "name_kana": "コドモショクドウネットワーク",
        "summary": "新しい紹介文です。",
        "description": "",
        "fields": [ActivityField.objects.get(slug="children").pk],
        "areas": [],
        "founded_year": "2010",
        "member_count": "25",
        "meeting_frequency": "毎週土曜日",
        "looking_for": ["members", "partners"],
        "offers": "会場の机といす",
        "needs": "チラシのデザイン",
        "website": "kodomo.example.jp",
        "sns_url": "",
        "public_email": "info@kodomo.example.jp",
        "logo_upload": jpeg_with_gps("logo.jpg", size=(1600, 1600)),
        # A member cannot smuggle private changes in.
        "representative_phone": "090-9999-9999",
    }
    response = client.post(reverse("groups:edit", args=[group.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert group.summary == "新しい紹介文です。"
    assert group.name_kana == "こどもしょくどうねっとわーく"
    assert group.website == "https://kodomo.example.jp"
    assert group.looking_for == ["members", "partners"]
    assert group.representative_phone == "0897-00-0000"
    assert group.profile_updated_at is not None
    from PIL import Image

    with Image.open(group.logo.path) as logo:
        assert max(logo.size) <= 800
        assert not logo.getexif().get_ifd(0x8825)


@pytest.mark.django_db
def test_the_representative_also_edits_the_private_contact(client_for, group, representative):
    client = client_for("representative")
    edit = client.get(reverse("groups:edit", args=[group.slug])).content.decode()
    assert "representative_phone" in edit
    form = client.get(reverse("groups:edit", args=[group.slug])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "submission_token"}
    data["fields"] = []
    data["areas"] = []
    data["looking_for"] = []
    data["representative_phone"] = "090-1111-2222"
    response = client.post(reverse("groups:edit", args=[group.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert group.representative_phone == "090-1111-2222"


@pytest.mark.django_db
def test_editing_with_bad_input_explains_and_saves_nothing(client_for, group, member, other_group):
    client = client_for("member")
    response = client.post(
        reverse("groups:edit", args=[group.slug]),
        {
            "name": other_group.name,
            "name_kana": "",
            "summary": "変えたつもり",
            "logo_upload": not_an_image("logo.jpg"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "既に登録" in " ".join(errors["name"])
    assert "このフィールドは必須です。" in " ".join(errors["name_kana"])
    assert "画像" in " ".join(errors["logo_upload"])
    group.refresh_from_db()
    assert group.summary != "変えたつもり"
    # The heading still names the group as stored.
    assert "子ども食堂ネットワークのページを編集" in response.content.decode()


@pytest.mark.django_db
def test_partner_suggestions_rank_offers_that_meet_our_needs_first(client_for, group, member):
    children = ActivityField.objects.get(slug="children")
    environment = ActivityField.objects.get(slug="environment")
    group.needs = "食材の寄付、チラシのデザイン"
    group.offers = "子どもの学習支援"
    group.save()
    group.fields.add(children)
    designer = GroupFactory(
        name="デザイン工房", name_kana="でざいんこうぼう", offers="チラシやポスターのデザイン"
    )
    designer.fields.add(environment)
    same_field = GroupFactory(name="読み聞かせの会", name_kana="よみきかせのかい")
    same_field.fields.add(children)
    GroupFactory(
        name="学習ボランティア", name_kana="がくしゅうぼらんてぃあ", needs="子どもの学習支援の場所"
    )
    GroupFactory(name="関係のない会", name_kana="かんけいのないかい", offers="囲碁の指導")
    GroupFactory(
        name="申請中のデザイン会",
        name_kana="しんせいちゅう",
        offers="チラシのデザイン",
        status=Group.Status.APPLIED,
        registration_number=None,
    )

    page = client_for("member").get(group.get_absolute_url())
    suggestions = page.context["suggestions"]
    names = [s.group.name for s in suggestions]
    assert set(names) == {"デザイン工房", "学習ボランティア", "読み聞かせの会"}
    # Matching texts (their offers ↔ our needs, their needs ↔ our offers) outrank a shared field.
    assert names[-1] == "読み聞かせの会"
    by_name = {s.group.name: s for s in suggestions}
    assert by_name["デザイン工房"].offers_what_we_need
    assert by_name["学習ボランティア"].needs_what_we_offer
    assert [f.slug for f in by_name["読み聞かせの会"].shared_fields] == ["children"]
    html = page.content.decode()
    assert "パートナー候補" in html

    full = client_for("member").get(reverse("groups:partners", args=[group.slug]))
    assert full.status_code == 200
    assert [s.group.name for s in full.context["suggestions"]] == names
    # Visitors do not see the suggestions.
    assert client_for("anonymous").get(group.get_absolute_url()).context["suggestions"] is None


@pytest.mark.django_db
def test_partner_suggestions_take_a_fixed_number_of_queries(
    client_for, group, member, django_assert_max_num_queries
):
    group.needs = "チラシのデザイン"
    group.save()
    children = ActivityField.objects.get(slug="children")
    group.fields.add(children)
    for i in range(40):
        other = GroupFactory(offers="チラシのデザイン" if i % 2 else "", needs="会場")
        other.fields.add(children)
    client = client_for("member")
    # The first view ranks (two queries) and keeps the ranking in the database cache.
    with django_assert_max_num_queries(24):
        response = client.get(reverse("groups:partners", args=[group.slug]))
    assert len(response.context["suggestions"]) == 20
    with django_assert_max_num_queries(14):
        response = client.get(reverse("groups:partners", args=[group.slug]), {"page": "2"})
    assert len(response.context["suggestions"]) == 20


@pytest.mark.django_db
def test_my_account_shows_groups_roles_status_and_links(client_for, representative, group):
    pending = GroupFactory(
        name="申請中の会",
        name_kana="しんせいちゅうのかい",
        status=Group.Status.APPLIED,
        registered_on=None,
        registration_number=None,
    )
    MembershipFactory(group=pending, user=representative, role=Membership.Role.REPRESENTATIVE)
    html = client_for("representative").get(reverse("my_account")).content.decode()
    for text in (
        "子ども食堂ネットワーク",
        "管理者",
        "登録済み",
        group.registration_number,
        "申請中の会",
        "申請中（仮登録）",
        reverse("groups:edit", args=[group.slug]),
        reverse("groups:members", args=[group.slug]),
        reverse("groups:renew", args=[group.slug]),
    ):
        assert text in html, text


@pytest.mark.django_db
def test_my_account_for_someone_without_a_group(client_for, citizen):
    html = client_for("citizen").get(reverse("my_account")).content.decode()
    assert "所属している団体はまだありません" in html or "登録団体に所属していません" in html
    assert reverse("groups:apply") in html


@pytest.mark.django_db
def test_recent_activities_list_is_public_and_paginated(
    client, group, other_group, django_assert_max_num_queries
):
    ActivityRecord.objects.bulk_create(
        ActivityRecord(
            group=group if i % 2 else other_group,
            held_on=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            title=f"活動{i}",
            body="報告",
        )
        for i in range(30)
    )
    hidden = GroupFactory(status=Group.Status.WITHDRAWN)
    ActivityRecord.objects.create(
        group=hidden, held_on=dt.date(2025, 12, 1), title="見えない活動", body="…"
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("groups:recent_activities"))
    titles = [r.title for r in response.context["records"]]
    assert titles[0] == "活動29"
    assert "見えない活動" not in response.content.decode()
    assert client.get(reverse("groups:recent_activities"), {"page": "3"}).status_code == 200
    beyond = client.get(reverse("groups:recent_activities"), {"page": "4"})
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 3


@pytest.mark.django_db
def test_newly_registered_lists_the_latest_groups(group, other_group):
    from groups.selectors import newly_registered

    Group.objects.filter(pk=group.pk).update(registered_on=dt.date(2026, 1, 1))
    Group.objects.filter(pk=other_group.pk).update(registered_on=dt.date(2026, 2, 1))
    GroupFactory(status=Group.Status.APPLIED, registered_on=None, registration_number=None)
    assert [g.name for g in newly_registered(5)] == ["環境を守る会", "子ども食堂ネットワーク"]
    assert len(newly_registered(1)) == 1

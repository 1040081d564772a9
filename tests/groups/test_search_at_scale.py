"""The directory search at a realistic size (issue #20): among 1,500 other groups it finds the
same groups as before (substring search of the Japanese texts, the reading, the fields and areas,
whatever the case of Latin letters), in 50音 order, with the number found; the page and that number
come from one query, and the search, a page further on and a group page take a fixed number of
queries whatever the number of groups."""

import pytest
from django.urls import reverse

from groups.models import ActivityField, ActivityRecord, Area, Group
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

OTHERS = 1500


@pytest.fixture
def town(db):
    """Nine groups the searches below are about, and 1,500 others that none of them matches."""
    children = ActivityField.objects.get(slug="children")
    tourism = ActivityField.objects.get(slug="tourism")
    rural = ActivityField.objects.get(slug="rural")
    kawanishi = Area.objects.get_or_create(slug="kawanishi", defaults={"name": "川西"})[0]
    jobu = Area.objects.get_or_create(slug="jobu", defaults={"name": "上部"})[0]
    made = {
        "shokudo": GroupFactory(
            name="子ども食堂あおぞら", name_kana="こどもしょくどうあおぞら", summary="毎週の食事会"
        ),
        "seiso": GroupFactory(
            name="川の清掃隊",
            name_kana="かわのせいそうたい",
            summary="川をきれいにします",
            description="子どもと一緒に川を清掃します。",
        ),
        "npo": GroupFactory(
            name="NPO法人まちの灯",
            name_kana="えぬぴーおーほうじんまちのあかり",
            summary="ICTで地域を支えます",
            offers="パソコン教室",
        ),
        "mimamori": GroupFactory(
            name="見守りネット", name_kana="みまもりねっと", needs="子ども見守りのボランティア"
        ),
        "ikusei": GroupFactory(
            name="育成クラブ", name_kana="いくせいくらぶ", summary="放課後の活動"
        ),
        "salon": GroupFactory(
            name="ふれあいサロン", name_kana="ふれあいさろん", summary="お茶会をしています"
        ),
        "support": GroupFactory(name="Npo サポート", name_kana="えぬぴーおーさぽーと"),
        "gekidan": GroupFactory(
            name="コドモ劇団", name_kana="こどもげきだん", summary="親子で演劇をします"
        ),
        "applied": GroupFactory(
            name="子ども会準備会",
            name_kana="こどもかいじゅんびかい",
            summary="見守りと清掃",
            status=Group.Status.APPLIED,
            registered_on=None,
            registration_number=None,
        ),
    }
    made["ikusei"].fields.add(children)
    made["applied"].fields.add(children)
    made["salon"].areas.add(kawanishi)
    others = Group.objects.bulk_create(
        Group(
            name=f"団体{i:04d}",
            name_kana=f"だんたい{i:04d}",
            slug=f"other-{i}",
            summary="地域で活動しています。",
            description="月に一度集まります。" if i % 2 else "",
            representative_name="代表",
            representative_phone="0897-00-0000",
            representative_address="新居浜市",
            status=Group.Status.REGISTERED,
            registered_on="2024-05-01",
        )
        for i in range(OTHERS)
    )
    Group.fields.through.objects.bulk_create(
        Group.fields.through(group_id=g.pk, activityfield_id=(tourism, rural)[i % 2].pk)
        for i, g in enumerate(others)
    )
    Group.areas.through.objects.bulk_create(
        Group.areas.through(group_id=g.pk, area_id=jobu.pk) for g in others
    )
    return made


def search(client, q, **params):
    return client.get(reverse("groups:directory"), {"q": q, **params})


def found(response) -> tuple[list[str], int]:
    return [g.name for g in response.context["groups"]], response.context[
        "page_obj"
    ].paginator.count


@pytest.mark.parametrize(
    ("q", "params", "expected"),
    [
        # In a name, a description, needs, or only in the name of an activity field; in 50音 order
        # of the reading (いくせい, かわの, こども, みまもり); the group still applying never.
        ("子ども", {}, ["育成クラブ", "川の清掃隊", "子ども食堂あおぞら", "見守りネット"]),
        # Two characters (no trigram to look up).
        ("清掃", {}, ["川の清掃隊"]),
        # Latin letters in any case.
        ("npo", {}, ["Npo サポート", "NPO法人まちの灯"]),
        ("NPO", {}, ["Npo サポート", "NPO法人まちの灯"]),
        ("ict", {}, ["NPO法人まちの灯"]),
        # Katakana: in the name as written, in the reading as hiragana.
        ("コドモ", {}, ["コドモ劇団", "子ども食堂あおぞら"]),
        # Only in the name of an area.
        ("川西", {}, ["ふれあいサロン"]),
        # Every word (a full-width space separates them too).
        ("子ども　見守り", {}, ["見守りネット"]),
        ("食堂 あおぞら", {}, ["子ども食堂あおぞら"]),
        # With a filter.
        ("子ども", {"field": "children"}, ["育成クラブ"]),
        ("存在しない言葉", {}, []),
    ],
)
def test_the_search_finds_the_same_groups_among_many(client, town, q, params, expected):
    names, count = found(search(client, q, **params))
    assert names == expected
    assert count == len(expected)


def test_a_word_in_every_other_group_is_counted_and_paged(client, town):
    names, count = found(search(client, "だんたい"))
    assert count == OTHERS
    assert names == [f"団体{i:04d}" for i in range(20)]
    names, count = found(search(client, "だんたい", page="3"))
    assert (names[0], names[-1], count) == ("団体0040", "団体0059", OTHERS)
    html = search(client, "だんたい", page="3").content.decode()
    assert "1500" in html or "1,500" in html


@pytest.mark.parametrize("page", ["999", "0", "x", "9" * 30])
def test_a_page_beyond_the_end_or_garbled_shows_the_nearest_page(client, town, page):
    response = search(client, "だんたい", page=page)
    assert response.status_code == 200
    names, count = found(response)
    last = page.isdigit() and int(page) > 1
    number = response.context["page_obj"].number
    assert (number, count) == ((OTHERS // 20, OTHERS) if last else (1, OTHERS))
    assert names[-1] == (f"団体{OTHERS - 1:04d}" if last else "団体0019")


def test_nothing_found_beyond_the_first_page_is_the_first_page(client, town):
    response = search(client, "存在しない言葉", page="4")
    assert found(response) == ([], 0)
    assert response.context["page_obj"].number == 1


@pytest.mark.parametrize(
    "q", ["子ども", "清掃", "npo", "子ども 見守り 食堂 あおぞら 毎週", "だんたい"]
)
def test_the_search_takes_a_fixed_number_of_queries(
    client, client_for, town, q, django_assert_max_num_queries
):
    # The page of groups with the number found and their fields and areas (one query), the
    # lists of fields and areas for the filters (one query).
    with django_assert_max_num_queries(2):
        assert search(client, q).status_code == 200
    # Signed in: the session, the user, their groups (the partner box), their roles.
    member = client_for("member")
    with django_assert_max_num_queries(6):
        assert search(member, q).status_code == 200
    # A page further on (a page beyond the end also reads the count and the last page).
    with django_assert_max_num_queries(6):
        assert search(member, "だんたい", page="2").status_code == 200


def test_a_group_page_takes_a_fixed_number_of_queries(
    client, client_for, town, group, django_assert_max_num_queries
):
    url = group.get_absolute_url()
    group.fields.add(*ActivityField.objects.all()[:3])
    group.areas.add(*Area.objects.all())
    for day in range(1, 8):
        ActivityRecord.objects.create(
            group=group, held_on=f"2026-06-{day:02d}", title=f"活動{day}", body="報告"
        )
    # The group, its fields and areas (one query), its last activity records and their photos,
    # the events and the notices panels.
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    # A member of the group: also the session, the user, their memberships, their verified
    # address (the contact form), their roles and the partner suggestions (kept in the cache
    # once worked out, so the first look is not measured).
    member = client_for("member")
    member.get(url)
    with django_assert_max_num_queries(12):
        assert member.get(url).status_code == 200


def test_a_group_page_suggests_partners_by_its_own_fields_only(client_for, town, group):
    # The fields read with the page are the group's own, also for the partner ranking's reads.
    group.fields.add(ActivityField.objects.get(slug="children"))
    response = client_for("member").get(group.get_absolute_url())
    assert [s.group.name for s in response.context["suggestions"]] == ["育成クラブ"]
    assert [f.slug for f in response.context["group"].fields.all()] == ["children"]

"""The public directory: registered groups only, filters, Japanese search, 50音 order, speed."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from groups import selectors
from groups.models import ActivityField, Area, Group
from tests.factories import GroupFactory


def names(response) -> list[str]:
    return [g.name for g in response.context["groups"]]


@pytest.fixture
def mixed(db, areas):
    children = ActivityField.objects.get(slug="children")
    environment = ActivityField.objects.get(slug="environment")
    made = {
        "kodomo": GroupFactory(
            name="川西子ども食堂",
            name_kana="かわにしこどもしょくどう",
            summary="毎月、地域の子どもに食事を出しています。",
            looking_for=["volunteers"],
        ),
        "ehon": GroupFactory(
            name="えほんの森",
            name_kana="えほんのもり",
            summary="絵本の読み聞かせ",
            description="小学校で子どもたちに読み聞かせをしています。",
            looking_for=["members"],
        ),
        "umi": GroupFactory(
            name="海をきれいにする会",
            name_kana="うみをきれいにするかい",
            summary="海岸の清掃",
        ),
        "applied": GroupFactory(
            name="申請中の子ども会",
            name_kana="しんせいちゅうのこどもかい",
            status=Group.Status.APPLIED,
            registered_on=None,
            registration_number=None,
        ),
        "withdrawn": GroupFactory(
            name="解散した子ども会",
            name_kana="かいさんしたこどもかい",
            status=Group.Status.WITHDRAWN,
        ),
        "suspended": GroupFactory(
            name="停止中の子ども会",
            name_kana="ていしちゅうのこどもかい",
            status=Group.Status.SUSPENDED,
        ),
    }
    made["kodomo"].fields.add(children)
    made["kodomo"].areas.add(areas[0])
    made["ehon"].fields.add(children)
    made["ehon"].areas.add(areas[1])
    made["umi"].fields.add(environment)
    made["umi"].areas.add(areas[0])
    return made


@pytest.mark.django_db
def test_only_registered_groups_are_listed_in_kana_order(client, mixed):
    response = client.get(reverse("groups:directory"))
    assert response.status_code == 200
    # う, え, か (50音順), whatever the order they were made in or their kanji.
    assert names(response) == ["海をきれいにする会", "えほんの森", "川西子ども食堂"]
    html = response.content.decode()
    for hidden in ("申請中の子ども会", "解散した子ども会", "停止中の子ども会"):
        assert hidden not in html
    assert ">3件<" in html


@pytest.mark.django_db
def test_newest_first_is_the_other_order(client, mixed):
    import datetime as dt

    Group.objects.filter(pk=mixed["umi"].pk).update(registered_on=dt.date(2020, 4, 1))
    Group.objects.filter(pk=mixed["ehon"].pk).update(registered_on=dt.date(2024, 4, 1))
    Group.objects.filter(pk=mixed["kodomo"].pk).update(registered_on=dt.date(2022, 4, 1))
    response = client.get(reverse("groups:directory"), {"sort": "new"})
    assert names(response) == ["えほんの森", "川西子ども食堂", "海をきれいにする会"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("子ども", ["えほんの森", "川西子ども食堂"]),  # name and description
        ("こども", ["川西子ども食堂"]),  # the kana reading
        ("コドモ", ["川西子ども食堂"]),  # katakana finds the hiragana reading
        ("読み聞かせ", ["えほんの森"]),  # the short introduction
        ("清掃", ["海をきれいにする会"]),
        ("ｶﾜﾆｼ", ["川西子ども食堂"]),  # half-width katakana
        ("存在しない言葉", []),
    ],
)
def test_japanese_substring_search(client, mixed, query, expected):
    response = client.get(reverse("groups:directory"), {"q": query})
    assert names(response) == expected


@pytest.mark.django_db
def test_filters_combine_and_make_bookmarkable_urls(client, mixed):
    response = client.get(
        reverse("groups:directory"), {"field": "children", "area": "kawanishi", "q": "食堂"}
    )
    assert names(response) == ["川西子ども食堂"]
    response = client.get(reverse("groups:directory"), {"looking_for": "members"})
    assert names(response) == ["えほんの森"]
    response = client.get(reverse("groups:directory"), {"area": "kawanishi"})
    assert names(response) == ["海をきれいにする会", "川西子ども食堂"]
    # The form shows what was chosen.
    html = client.get(reverse("groups:directory"), {"field": "children"}).content.decode()
    assert 'value="children" selected' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"field": "no-such-field"},
        {"area": "atlantis"},
        {"sort": "price"},
        {"looking_for": "money"},
        {"q": "x" * 500},
        {"q": "\x00"},
    ],
)
def test_bad_parameters_give_a_message_not_an_error(client, mixed, params):
    response = client.get(reverse("groups:directory"), params)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "abc", "0", "-1", "99999999999999999999"])
def test_a_page_that_does_not_exist_shows_the_nearest_page(client, mixed, page):
    response = client.get(reverse("groups:directory"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def _bulk_groups(n, fields, areas):
    groups = Group.objects.bulk_create(
        [
            Group(
                name=f"団体{i:05d}",
                name_kana=f"だんたい{i:05d}",
                slug=f"bulk-{i}",
                summary="地域で活動しています。",
                description="子どもから高齢者まで参加できます。" if i % 3 == 0 else "",
                representative_name="代表",
                representative_phone="0897-00-0000",
                representative_address="新居浜市",
                status=Group.Status.REGISTERED,
                registered_on="2024-05-01",
                looking_for=["members"] if i % 2 else [],
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    Group.fields.through.objects.bulk_create(
        [
            Group.fields.through(group_id=g.pk, activityfield_id=fields[(i + k) % len(fields)].pk)
            for i, g in enumerate(groups)
            for k in range(3)
        ],
        batch_size=2000,
    )
    Group.areas.through.objects.bulk_create(
        [
            Group.areas.through(group_id=g.pk, area_id=areas[(i + k) % len(areas)].pk)
            for i, g in enumerate(groups)
            for k in range(2)
        ],
        batch_size=2000,
    )
    return groups


@pytest.mark.django_db
def test_the_directory_needs_a_fixed_number_of_queries_with_thousands_of_groups(
    client_for, member, areas, django_assert_max_num_queries
):
    fields = list(ActivityField.objects.all())
    _bulk_groups(3000, fields, areas)
    anonymous = client_for("anonymous")
    signed_in = client_for("member")
    for params in [
        {},
        {"page": "7"},
        {"q": "子ども", "page": "2"},
        {"field": "children", "area": "kawanishi", "looking_for": "members", "sort": "new"},
    ]:
        # count, page, fields, areas (prefetch), the two filter lists.
        with django_assert_max_num_queries(6):
            response = anonymous.get(reverse("groups:directory"), params)
        assert response.status_code == 200
        assert len(response.context["groups"]) == 20
        # Signed in: session, user, the official check of the menu, their groups (partner box).
        with django_assert_max_num_queries(10):
            assert signed_in.get(reverse("groups:directory"), params).status_code == 200


@pytest.mark.django_db
def test_the_search_uses_the_trigram_indexes(mixed, areas):
    _bulk_groups(3000, list(ActivityField.objects.all()), areas)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_group")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Group.objects.search("子ども食堂").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # The directory's word also looks in offers and needs (UPPER(col) indexes, issue #20).
        word = Group.objects.filter(selectors.matches_word("子ども食堂"))
        sql, params = word.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        word_plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "group_name_trgm",
        "group_kana_trgm",
        "group_summary_trgm",
        "group_description_trgm",
    ):
        assert index in plan, plan
        assert index in word_plan, word_plan
    assert "group_offers_trgm" in word_plan, word_plan
    assert "group_needs_trgm" in word_plan, word_plan


@pytest.mark.django_db
def test_the_public_csv_has_the_public_columns_and_never_the_private_ones(client, mixed):
    response = client.get(reverse("groups:directory_csv"), {"q": "子ども"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "団体名"
    assert [r[1] for r in rows[1:]] == ["えほんの森", "川西子ども食堂"]
    for private in ("代表 太郎", "0897-00-0000", "新居浜市一宮町1-1-1", "代表者"):
        assert private not in text


@pytest.mark.django_db
def test_the_directory_never_shows_private_contact_data(client_for, mixed, staff, member):
    for role in ("anonymous", "member", "staff"):
        html = client_for(role).get(reverse("groups:directory")).content.decode()
        for private in ("代表 太郎", "0897-00-0000", "新居浜市一宮町1-1-1"):
            assert private not in html, (role, private)


@pytest.mark.django_db
def test_members_get_a_link_to_partner_suggestions_from_the_directory(client_for, group, member):
    html = client_for("member").get(reverse("groups:directory")).content.decode()
    assert reverse("groups:partners", args=[group.slug]) in html
    html = client_for("anonymous").get(reverse("groups:directory")).content.decode()
    assert reverse("groups:partners", args=[group.slug]) not in html


@pytest.mark.django_db
def test_staff_can_edit_the_lists_of_fields_and_areas(client_for, staff, areas):
    admin = client_for("staff")
    assert admin.get(reverse("admin:groups_activityfield_changelist")).status_code == 200
    response = admin.post(
        reverse("admin:groups_area_add"),
        {"slug": "kamibe", "name": "上部東", "name_en": "Jobu East", "order": 11},
    )
    assert response.status_code == 302
    assert Area.objects.filter(slug="kamibe").exists()

"""The directory search finds groups by their activity fields and areas too, takes several
words (half- or full-width space) as AND, and shows the count right under the box (issue #16)."""

import pytest
from django.urls import reverse

from groups.models import ActivityField, Area, Group
from tests.factories import GroupFactory


def names(response) -> list[str]:
    return sorted(g.name for g in response.context["groups"])


@pytest.fixture
def town(db):
    environment = ActivityField.objects.get(slug="environment")
    children = ActivityField.objects.get(slug="children")
    ojoin = Area.objects.get_or_create(slug="ojoin", defaults={"name": "大生院", "order": 5})[0]
    kawanishi = Area.objects.get_or_create(slug="kawanishi", defaults={"name": "川西"})[0]
    made = {
        "mori": GroupFactory(name="里山の会", name_kana="さとやまのかい", summary="山の手入れ"),
        "kawa": GroupFactory(name="川の会", name_kana="かわのかい", summary="川の清掃"),
        "mimamori_ojoin": GroupFactory(
            name="大生院見守り隊", name_kana="おおじょういんみまもりたい", summary="登下校の見守り"
        ),
        "mimamori_area": GroupFactory(
            name="通学路の会", name_kana="つうがくろのかい", summary="子どもの見守り活動"
        ),
        "mimamori_elsewhere": GroupFactory(
            name="川西見守りの会", name_kana="かわにしみまもりのかい", summary="高齢者の見守り"
        ),
        "other_ojoin": GroupFactory(
            name="大生院太鼓", name_kana="おおじょういんたいこ", summary="太鼓の演奏"
        ),
        "hidden": GroupFactory(
            name="申請中の環境の会",
            name_kana="しんせいちゅうのかんきょうのかい",
            summary="見守り",
            status=Group.Status.APPLIED,
            registered_on=None,
            registration_number=None,
        ),
    }
    made["mori"].fields.add(environment, children)
    made["kawa"].fields.add(environment)
    made["hidden"].fields.add(environment)
    made["mimamori_area"].areas.add(ojoin, kawanishi)
    made["mimamori_elsewhere"].areas.add(kawanishi)
    made["other_ojoin"].areas.add(ojoin)
    made["hidden"].areas.add(ojoin)
    return made


def search(client, q, **params):
    return client.get(reverse("groups:directory"), {"q": q, **params})


@pytest.mark.django_db
def test_a_word_of_an_activity_field_finds_the_groups_in_that_field(client, town):
    # 環境 is in no group's name or text, only in the field 環境の保全.
    assert names(search(client, "環境")) == ["川の会", "里山の会"]


@pytest.mark.django_db
def test_a_group_in_two_matching_fields_is_listed_once(client, town):
    # 里山の会 is in 環境の保全 and in 子どもの健全育成: both have の.
    response = search(client, "の")
    listed = [g.name for g in response.context["groups"]]
    assert len(listed) == len(set(listed))
    assert response.context["page_obj"].paginator.count == len(listed)


@pytest.mark.django_db
def test_an_area_name_finds_the_groups_active_there(client, town):
    assert names(search(client, "大生院")) == ["大生院太鼓", "大生院見守り隊", "通学路の会"]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["見守り　大生院", "見守り 大生院", "  見守り\u3000\u3000大生院 "])
def test_several_words_must_all_match(client, town, q):
    # 大生院見守り隊 has both in its name; 通学路の会 watches children in the area 大生院;
    # 川西見守りの会 is not in 大生院 and 大生院太鼓 does not watch over anyone.
    assert names(search(client, q)) == ["大生院見守り隊", "通学路の会"]


@pytest.mark.django_db
def test_words_are_normalised_like_the_stored_text(client, town):
    # Half-width katakana and full-width Latin meet what is stored.
    GroupFactory(name="NPOカフェ", name_kana="えぬぴーおーかふぇ", summary="カフェ")
    assert names(search(client, "ＮＰＯ　ｶﾌｪ")) == ["NPOカフェ"]


@pytest.mark.django_db
def test_the_search_combines_with_the_other_filters(client, town):
    assert names(search(client, "見守り", area="ojoin")) == ["通学路の会"]
    assert names(search(client, "環境", field="children")) == ["里山の会"]


@pytest.mark.django_db
def test_a_query_of_spaces_only_lists_every_registered_group(client, town):
    assert len(search(client, "\u3000 ").context["groups"]) == 6


@pytest.mark.django_db
def test_the_count_is_shown_right_under_the_box_in_japanese(client, town):
    client.cookies["django_language"] = "ja"
    html = search(client, "見守り　大生院").content.decode()
    after_form = html.split("directory-filters", 1)[1].split("</form>", 1)[1]
    # The first thing after the search box is the count.
    first_text = after_form.split('class="result-count"', 1)
    assert len(first_text) == 2 and "<ul" not in first_text[0]
    assert ">2件</p>" in after_form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "text"), [("見守り　大生院", "2 groups found."), ("環境 里山", "1 group found.")]
)
def test_the_count_in_english_is_singular_or_plural(client, town, q, text):
    client.cookies["django_language"] = "en"
    html = search(client, q).content.decode()
    assert text in html


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_words_or_data(
    client, town, django_assert_max_num_queries
):
    fields = list(ActivityField.objects.all())
    areas = list(Area.objects.all())
    groups = Group.objects.bulk_create(
        [
            Group(
                name=f"見守り団体{i:04d}",
                name_kana=f"みまもりだんたい{i:04d}",
                slug=f"watch-{i}",
                summary="地域で活動しています。",
                representative_name="代表",
                representative_phone="0897-00-0000",
                representative_address="新居浜市",
                status=Group.Status.REGISTERED,
                registered_on="2024-05-01",
            )
            for i in range(300)
        ]
    )
    Group.fields.through.objects.bulk_create(
        [
            Group.fields.through(group_id=g.pk, activityfield_id=fields[i % 20].pk)
            for i, g in enumerate(groups)
        ]
    )
    Group.areas.through.objects.bulk_create(
        [
            Group.areas.through(group_id=g.pk, area_id=areas[i % len(areas)].pk)
            for i, g in enumerate(groups)
        ]
    )
    for q in ["見守り", "見守り　大生院", "見守り 大生院 地域 環境 団体"]:
        # count, page, fields, areas (prefetch), the two filter lists.
        with django_assert_max_num_queries(6):
            assert search(client, q).status_code == 200


@pytest.mark.django_db
def test_a_very_long_query_is_a_message_not_an_error(client, town):
    response = search(client, "見守り " * 60)
    assert response.status_code == 200
    assert response.context["form"].errors

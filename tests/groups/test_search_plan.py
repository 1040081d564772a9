"""The group search can be answered from its indexes at thousands of groups (issue #20): each
word's text conditions use the trigram indexes on UPPER(col), the activity fields and areas come in
as an array of group ids that the primary key serves, all in one BitmapOr, and no subquery runs per
group; the partner search's word similarity uses the same UPPER(offers)/UPPER(needs) indexes; the
results are those of the earlier EXISTS form, one row per group in 50音 order.

With sequential scans allowed, PostgreSQL reads 5,000 look-alike test groups whole (its cost
estimate for the trigram indexes on such repetitive text is high): that choice depends on the data,
so the plans are asserted with enable_seqscan off, as tests/groups/test_directory.py does."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from groups import selectors
from groups.models import ActivityField, Group, to_hiragana

TEXT_INDEXES = (
    "group_name_trgm",
    "group_kana_trgm",
    "group_summary_trgm",
    "group_description_trgm",
    "group_offers_trgm",
    "group_needs_trgm",
)
TOPICS = ["子ども食堂", "清掃", "見守り", "パソコン", "翻訳", "太鼓", "送迎", "写真"]


def _many_groups(n, fields, areas):
    groups = Group.objects.bulk_create(
        [
            Group(
                name=f"団体{i:05d}",
                name_kana=f"だんたい{i:05d}",
                slug=f"plan-{i}",
                summary=f"{TOPICS[i % len(TOPICS)]}の活動をしています。",
                description=f"{TOPICS[(i + 3) % len(TOPICS)]}にも取り組みます。" if i % 3 else "",
                offers=f"{TOPICS[(i + 5) % len(TOPICS)]}の手伝い" if i % 4 == 0 else "",
                needs=f"{TOPICS[(i + 6) % len(TOPICS)]}のボランティア" if i % 5 == 0 else "",
                representative_name="代表",
                representative_phone="0897-00-0000",
                representative_address="新居浜市",
                status=Group.Status.REGISTERED if i % 10 else Group.Status.APPLIED,
                registered_on="2024-05-01",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    Group.fields.through.objects.bulk_create(
        [
            Group.fields.through(group_id=g.pk, activityfield_id=fields[(i + k) % len(fields)].pk)
            for i, g in enumerate(groups)
            for k in range(2)
        ],
        batch_size=2000,
    )
    Group.areas.through.objects.bulk_create(
        [
            Group.areas.through(group_id=g.pk, area_id=areas[i % len(areas)].pk)
            for i, g in enumerate(groups)
        ],
        batch_size=2000,
    )
    return groups


def _exists_form(word: str) -> Q:
    """The search as it was first written (EXISTS subqueries): the reference for the results."""
    in_field = Group.fields.through.objects.filter(group_id=OuterRef("pk")).filter(
        Q(activityfield__name__icontains=word) | Q(activityfield__name_en__icontains=word)
    )
    in_area = Group.areas.through.objects.filter(group_id=OuterRef("pk")).filter(
        Q(area__name__icontains=word) | Q(area__name_en__icontains=word)
    )
    return (
        Q(name__icontains=word)
        | Q(name_kana__icontains=to_hiragana(word))
        | Q(summary__icontains=word)
        | Q(description__icontains=word)
        | Q(offers__icontains=word)
        | Q(needs__icontains=word)
        | Exists(in_field)
        | Exists(in_area)
    )


def _plan(queryset, *, seqscan: bool) -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_group")
        cursor.execute("ANALYZE groups_group_fields")
        cursor.execute("ANALYZE groups_group_areas")
        cursor.execute(f"SET LOCAL enable_seqscan = {'on' if seqscan else 'off'}")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.fixture
def many(db, areas):
    fields = list(ActivityField.objects.order_by("pk"))
    return _many_groups(5000, fields, areas)


@pytest.mark.django_db
def test_a_search_word_is_one_bitmap_or_of_every_text_index_and_the_ids_of_fields_and_areas(
    many,
):
    # The word's condition alone, as the site search and the directory apply it (an EXISTS
    # subquery ORed in, as before, left PostgreSQL no plan but reading every group).
    for q in ["手話通訳", "ラーメン", "手話通訳 ラーメン"]:
        queryset = Group.objects.all()
        for word in selectors.search_words(q):
            queryset = queryset.filter(selectors.matches_word(word))
        plan = _plan(queryset, seqscan=False)
        assert "BitmapOr" in plan, plan
        for index in TEXT_INDEXES:
            assert index in plan, plan
        assert "Index Cond: (id = ANY" in plan, plan
        assert "Seq Scan on groups_group " not in plan + " ", plan
        assert "SubPlan" not in plan, plan  # no per-row subquery


@pytest.mark.django_db
def test_the_directory_query_never_reads_every_group_row_by_row(many):
    # Registered groups only: with 90 % of the groups registered, PostgreSQL may read them off
    # the status index or the BitmapOr of the text indexes depending on its estimates (at
    # 5,000 look-alike groups with sequential scans allowed it reads the small table whole,
    # rightly); what stays true is that nothing runs a subquery per group.
    plan = _plan(selectors.directory(q="手話通訳 ラーメン"), seqscan=False)
    assert "Seq Scan on groups_group " not in plan + " ", plan
    assert "SubPlan" not in plan, plan


@pytest.mark.django_db
def test_the_partner_search_uses_the_offers_and_needs_indexes(many):
    group = Group.objects.create(
        name="検索する会",
        name_kana="けんさくするかい",
        slug="searching",
        summary="",
        offers="着付けの手伝い",
        needs="手話通訳、ラーメン作り",
        representative_name="代表",
        representative_phone="0897-00-0000",
        representative_address="新居浜市",
        status=Group.Status.REGISTERED,
    )
    conditions = Q()
    for phrase in selectors.phrases(group.needs):
        conditions |= Q(selectors.TrigramWordSimilar(selectors.Upper("offers"), phrase))
    for phrase in selectors.phrases(group.offers):
        conditions |= Q(selectors.TrigramWordSimilar(selectors.Upper("needs"), phrase))
    plan = _plan(Group.objects.filter(conditions), seqscan=False)
    assert "group_offers_trgm" in plan, plan
    assert "group_needs_trgm" in plan, plan
    assert "Seq Scan on groups_group " not in plan + " ", plan
    helpers = many[1:40:4]  # registered (every tenth is only applied for)
    for helper in helpers:
        helper.offers = "手話通訳をします"
        helper.save(update_fields=["offers"])
    assert selectors.text_match_candidates(group) == {h.pk for h in helpers}


@pytest.mark.django_db
def test_the_results_are_those_of_the_exists_form_one_row_per_group_in_kana_order(areas):
    fields = list(ActivityField.objects.order_by("pk"))
    _many_groups(300, fields, areas)
    words = [
        "見守り",  # texts
        "ミマモリ",  # nothing in katakana texts, the reading is hiragana: no match either way
        "だんたい0001",  # readings
        "ダンタイ0001",  # katakana finds the hiragana reading
        "子ども食堂 清掃",  # two words: AND
        fields[0].name,  # a field's name: a group in two matching fields is listed once
        fields[0].name[:1],
        areas[0].name,
        "environment",
        "ENVIRONMENT",
        "存在しない言葉",
    ]
    for q in words:
        expected = Group.objects.registered()
        for word in selectors.search_words(q):
            expected = expected.filter(_exists_form(word))
        found = [g.pk for g in selectors.directory(q=q)]
        assert found == list(expected.order_by("name_kana", "pk").values_list("pk", flat=True)), q
        assert len(found) == len(set(found)), q
    assert [g.pk for g in selectors.directory(q=fields[0].name)]
    assert [g.pk for g in selectors.directory(q=areas[0].name)]

"""Groups are listed in dictionary 50音 order of their readings, wherever they are listed.

か and が sort together (かく, がくせい, かさ) and the long-vowel mark counts as the vowel it
lengthens (らーめん before らいおん), as in a Japanese dictionary; code-point order would give
かく, かさ, がくせい, らいおん, らーめん."""

import csv
import importlib
import io

import pytest
from django.db import connection
from django.urls import reverse

from groups import selectors
from groups.models import Group, Membership
from groups.permissions import groups_user_can_act_for
from tests.factories import GroupFactory, MembershipFactory

# (name, reading), made in code-point order of the readings.
GROUPS = [
    ("角の会", "かく"),
    ("傘の会", "かさ"),
    ("学生の会", "がくせい"),
    ("ライオンズ", "らいおん"),
    ("ラーメン同好会", "らーめん"),
]
DICTIONARY_ORDER = ["角の会", "学生の会", "傘の会", "ラーメン同好会", "ライオンズ"]


@pytest.fixture
def kana_groups(db):
    return [GroupFactory(name=name, name_kana=kana) for name, kana in GROUPS]


@pytest.mark.django_db
def test_the_directory_and_its_csv_list_groups_in_dictionary_order(client, kana_groups):
    response = client.get(reverse("groups:directory"))
    assert [g.name for g in response.context["groups"]] == DICTIONARY_ORDER

    response = client.get(reverse("groups:directory_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == DICTIONARY_ORDER


@pytest.mark.django_db
def test_every_kana_ordered_list_follows_dictionary_order(client_for, kana_groups, citizen):
    for group in kana_groups:
        MembershipFactory(group=group, user=citizen, role=Membership.Role.REPRESENTATIVE)

    # The default order, and the named one other apps use (booking, event and bulletin forms).
    assert [g.name for g in Group.objects.all()] == DICTIONARY_ORDER
    assert [g.name for g in Group.objects.registered().in_kana_order()] == DICTIONARY_ORDER
    assert [g.name for g in groups_user_can_act_for(citizen)] == DICTIONARY_ORDER
    # "My account" lists one's groups the same way.
    panel = selectors.account_panel(citizen)
    assert [row["group"].name for row in panel["memberships"]] == DICTIONARY_ORDER
    page = client_for("citizen").get(reverse("my_account")).content.decode()
    positions = [page.index(name) for name in DICTIONARY_ORDER]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_staff_see_groups_in_dictionary_order_in_the_admin(client_for, staff, kana_groups):
    response = client_for("staff").get(reverse("admin:groups_group_changelist"))
    assert [g.name for g in response.context["cl"].result_list] == DICTIONARY_ORDER


@pytest.mark.django_db
def test_the_kana_order_and_the_reading_search_still_use_their_indexes(kana_groups):
    Group.objects.bulk_create(
        Group(
            name=f"団体{i:05d}",
            name_kana=f"だんたい{i:05d}",
            slug=f"bulk-{i}",
            summary="地域で活動しています。",
            representative_name="代表",
            representative_phone="0897-00-0000",
            representative_address="新居浜市",
            status=Group.Status.REGISTERED,
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_group")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for label, queryset in [
            ("order", Group.objects.registered().in_kana_order()[:20]),
            ("search", Group.objects.search("ラーメン")),
        ]:
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans[label] = "\n".join(row[0] for row in cursor.fetchall())
    # The (status, name_kana) index gives the rows sorted by reading; only ties are sorted.
    assert "groups_grou_status_b23e72_idx" in plans["order"], plans["order"]
    assert "Presorted Key: name_kana" in plans["order"], plans["order"]
    assert "group_kana_trgm" in plans["search"], plans["search"]
    assert [g.name for g in Group.objects.search("ラーメン")] == ["ラーメン同好会"]


def test_the_migration_stops_with_a_clear_message_when_the_collation_is_missing(db):
    migration = importlib.import_module("groups.migrations.0007_name_kana_ja_collation")
    migration.require_collation(connection)  # present on this server
    with pytest.raises(migration.MissingCollation, match="CREATE COLLATION"):
        migration.require_collation(connection, "xx-x-no-such-collation")

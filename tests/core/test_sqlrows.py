"""Model rows read and written with plain statements (core.sqlrows, issue #20) are the ORM's own:
the same instances with the same values, the same row written, and a member's memberships read
with their groups at once (nothing more asked when the group is looked at)."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from core import sqlrows
from core.models import AuditLog
from facilities.models import Room
from groups.models import Group, Membership
from groups.permissions import memberships_with_groups
from tests.facilities.factories import RoomFactory
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_fetch_builds_the_instances_the_orm_builds():
    room = RoomFactory(name="和室", slug="washitsu", capacity=9)
    RoomFactory(name="会議室", slug="kaigi")
    (found,) = sqlrows.fetch(Room, 't."slug" = %s', ["washitsu"])
    orm = Room.objects.get(pk=room.pk)
    assert values(found) == values(orm)
    assert found._state.adding is False and found._state.db == "default"
    assert found == orm


def test_fetch_orders_and_locks_as_asked():
    first = RoomFactory(slug="a-room")
    second = RoomFactory(slug="b-room")
    found = sqlrows.fetch(
        Room,
        't."id" = ANY(%s)',
        [[second.pk, first.pk]],
        suffix=' ORDER BY t."id" DESC FOR UPDATE',
    )
    assert [r.pk for r in found] == sorted([first.pk, second.pk], reverse=True)


def test_a_members_groups_come_with_their_memberships(django_assert_num_queries):
    user = UserFactory()
    group = GroupFactory(name="子ども食堂", looking_for=["volunteers"])
    other = GroupFactory(name="環境の会")
    MembershipFactory(user=user, group=group, role=Membership.Role.REPRESENTATIVE)
    MembershipFactory(user=user, group=other)
    MembershipFactory(group=group)  # someone else's
    with django_assert_num_queries(1):
        memberships = memberships_with_groups(user)
        names = {m.group.name for m in memberships.values()}
    assert names == {"子ども食堂", "環境の会"}
    assert set(memberships) == {group.pk, other.pk}
    for membership in memberships.values():
        orm = Membership.objects.select_related("group").get(pk=membership.pk)
        assert values(membership) == values(orm)
        assert values(membership.group) == values(orm.group)
    assert memberships[group.pk].is_representative
    assert memberships[group.pk].group.looking_for == ["volunteers"]


def test_insert_parts_write_the_row_the_orm_writes(staff):
    group = GroupFactory()
    entry = AuditLog(
        actor=staff, action="test.action", target_id=str(group.pk), data={"名前": ["a", 1]}
    )
    columns, marks, params = sqlrows.insert_parts(entry, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditLog._meta.db_table} ({', '.join(columns)})"
            f" VALUES ({', '.join(marks)}) RETURNING id",
            params,
        )
        (pk,) = cursor.fetchone()
    written = AuditLog.objects.get(pk=pk)
    assert written.created_at is not None  # the field's default, as the ORM sets it
    assert model_to_dict(written, exclude=["id", "created_at"]) == {
        "actor": staff.pk,
        "action": "test.action",
        "target_type": None,
        "target_id": str(group.pk),
        "target_repr": "",
        "data": {"名前": ["a", 1]},
    }
    assert Group.objects.filter(pk=group.pk).exists()

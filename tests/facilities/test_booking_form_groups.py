"""The booking form's groups: a member chooses among their registered groups, in kana order, and
a group posted that is not one of them (another group's, a pending one's, a made-up number) is
refused before anything is checked or written. The choices are made from the memberships the
view reads anyway (issue #20), so these are the behaviour that must not change with that."""

import re

import pytest
from django.urls import reverse

from facilities.models import Booking
from groups.models import Group
from tests.facilities.factories import open_day
from tests.factories import GroupFactory, MembershipFactory

OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]+)</option>')


@pytest.fixture
def two_groups(member, group):
    """The member also belongs to an earlier group in kana order, and to one still applying
    (not registered)."""
    first = GroupFactory(name="青空の会", name_kana="あおぞらのかい")
    MembershipFactory(group=first, user=member)
    pending = GroupFactory(
        name="準備中の会", name_kana="あいうえおのかい", status=Group.Status.APPLIED
    )
    MembershipFactory(group=pending, user=member)
    return first, pending


def first_step(client, room, group_value):
    day = open_day()
    return client.post(
        reverse("facilities:book", args=[room.slug]),
        {
            "group": group_value,
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "purpose": "定例会",
            "attendees": 5,
            "repeat": "none",
            "action": "check",
        },
    )


@pytest.mark.django_db
def test_the_form_offers_the_members_registered_groups_in_kana_order(
    client, member, group, two_groups, room
):
    first, pending = two_groups
    client.force_login(member)
    response = client.get(reverse("facilities:book", args=[room.slug]))
    assert response.status_code == 200
    offered = OPTION.findall(response.content.decode())
    assert [int(pk) for pk, _name in offered] == [first.pk, group.pk]
    assert str(pending.pk) not in {pk for pk, _name in offered}


@pytest.mark.django_db
def test_the_members_own_group_reaches_the_confirmation(client, member, group, two_groups, room):
    client.force_login(member)
    response = first_step(client, room, group.pk)
    assert response.status_code == 200
    assert 'name="token"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["other", "pending", "made_up"])
def test_a_group_that_is_not_the_members_is_refused(
    client, member, group, other_group, two_groups, room, which
):
    _first, pending = two_groups
    value = {"other": other_group.pk, "pending": pending.pk, "made_up": 987654}[which]
    client.force_login(member)
    response = first_step(client, room, value)
    assert response.status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_garbled_group_is_refused(client, member, group, room):
    client.force_login(member)
    assert first_step(client, room, "abc").status_code == 403

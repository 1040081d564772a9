"""The bookings page reads little and still shows each group's calendar feed (issue #20)."""

import pytest
from django.urls import reverse

from facilities.models import GroupCalendarFeed
from groups.models import Membership
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_each_groups_feed_in_one_read_with_the_groups(
    client_for, representative, group, django_assert_max_num_queries
):
    second = GroupFactory(name="環境を守る会", name_kana="かんきょうをまもるかい")
    MembershipFactory(group=second, user=representative, role=Membership.Role.MEMBER)
    GroupCalendarFeed.objects.filter(group=second).delete()  # a group made before feeds were
    feed = GroupCalendarFeed.objects.get(group=group)
    client = client_for("representative")
    url = reverse("facilities:bookings")
    client.get(url)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    html = response.content.decode()
    feed_url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": feed.token})
    assert feed_url in html
    # The representative may make a new address for their group; of the other group, only its
    # representative can make one.
    assert reverse("facilities:group_feed_reset", kwargs={"slug": group.slug}) in html
    assert reverse("facilities:group_feed_reset", kwargs={"slug": second.slug}) not in html
    assert "環境を守る会" in html

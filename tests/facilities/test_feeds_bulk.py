"""Groups made in bulk get their private calendar feed through ``group_feeds_create_bulk``
(the hook gives one to each group saved one by one)."""

import pytest

from facilities import services
from facilities.models import GroupCalendarFeed

pytestmark = pytest.mark.django_db


def test_each_group_without_a_feed_gets_one_and_a_feed_already_there_is_kept(group, other_group):
    kept = GroupCalendarFeed.objects.get(group=group)
    GroupCalendarFeed.objects.filter(group=other_group).delete()

    assert services.group_feeds_create_bulk(groups=[group, other_group]) == 1

    assert GroupCalendarFeed.objects.get(group=group).token == kept.token
    made = GroupCalendarFeed.objects.get(group=other_group)
    assert len(made.token) >= 32 and made.token != kept.token
    assert services.group_feeds_create_bulk(groups=[group, other_group]) == 0

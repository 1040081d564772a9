"""A group's activity records load in a fixed number of queries, however many it has.

Each listed record links to its page, whose address holds the group's slug: the group comes
with the records, not one query per record."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import ActivityRecord
from tests.factories import GroupFactory


def add_records(group, n):
    ActivityRecord.objects.bulk_create(
        ActivityRecord(
            group=group,
            held_on=dt.date(2025, 4, 1) + dt.timedelta(days=i),
            title=f"活動{i}",
            body="地域の清掃をしました。",
        )
        for i in range(n)
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "listed", "pinned"),
    [
        # The group, the count (pagination), the records, their photos.
        ("groups:activities", 12, 4),
        # The group (the permission check, then with what its page shows), fields, areas,
        # records, photos, upcoming events, bulletin posts.
        ("groups:detail", 5, 8),
    ],
)
def test_the_activity_lists_take_the_same_queries_for_one_record_or_many(
    client, url_name, listed, pinned, django_assert_max_num_queries
):
    one = GroupFactory(name="一件の会", name_kana="いっけんのかい")
    many = GroupFactory(name="たくさんの会", name_kana="たくさんのかい")
    add_records(one, 1)
    add_records(many, 30)

    few = queries_for(client, reverse(url_name, args=[one.slug]))
    with django_assert_max_num_queries(pinned):
        response = client.get(reverse(url_name, args=[many.slug]))
    assert len(response.context["records"]) == listed
    assert queries_for(client, reverse(url_name, args=[many.slug])) == few
    html = response.content.decode()
    for record in response.context["records"]:
        assert f'href="/groups/{many.slug}/activities/{record.pk}/"' in html

"""Every existing group gets its private calendar feed (new groups get one when they are made;
until now a feed was made the first time a member opened the bookings page)."""

import secrets

from django.db import migrations


def make_feeds(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    GroupCalendarFeed = apps.get_model("facilities", "GroupCalendarFeed")
    have = set(GroupCalendarFeed.objects.values_list("group_id", flat=True))
    GroupCalendarFeed.objects.bulk_create(
        GroupCalendarFeed(group_id=pk, token=secrets.token_urlsafe(24))
        for pk in Group.objects.exclude(pk__in=have).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0003_equipment_loans"),
    ]

    operations = [migrations.RunPython(make_feeds, migrations.RunPython.noop)]

"""What the facilities app does when something happens in an app below it (groups knows
nothing of facilities, so it cannot call our services: these receivers are the extension
point). Connected in ``FacilitiesConfig.ready``."""

from __future__ import annotations

from django.db.models.signals import post_save

from facilities.services.calendars import group_feed_create
from groups.models import Group


def _group_saved(sender, instance: Group, created: bool, raw: bool = False, **kwargs) -> None:
    # Each group gets its private calendar feed when it is made, so the bookings page only
    # reads it (loading fixtures, ``raw``, leaves the data as it is).
    if created and not raw:
        group_feed_create(group=instance)


def connect() -> None:
    post_save.connect(_group_saved, sender=Group, dispatch_uid="facilities.group_feed_create")

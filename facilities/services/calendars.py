"""Private calendar feeds of groups: one is made with each group (through the hook in
``facilities.apps``), and its representative can replace its secret address."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from facilities.models import GroupCalendarFeed
from facilities.permissions import can_reset_feed
from facilities.rules import BookingNotAllowed
from groups.models import Group


def _new_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def group_feed_create(*, group: Group) -> GroupCalendarFeed:
    """The group's feed, made now when it has none (the group's creation calls this)."""
    feed, _created = GroupCalendarFeed.objects.get_or_create(
        group=group, defaults={"token": _new_token()}
    )
    return feed


@transaction.atomic
def group_feed_reset(*, actor, group: Group) -> GroupCalendarFeed:
    """A new secret address for the group's feed (made when it has none yet); the old one
    stops working at once."""
    if not can_reset_feed(actor, group):
        raise BookingNotAllowed(_("Only the group's representative can reset this address."))
    feed = GroupCalendarFeed.objects.select_for_update().filter(
        group=group
    ).first() or group_feed_create(group=group)
    feed.token = _new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    log_action(actor=actor, action="facilities.group_feed_reset", target=group)
    return feed


@transaction.atomic
def group_feeds_create_bulk(*, groups) -> int:
    """A feed for each of ``groups`` that has none (``group_feed_create`` for many groups at
    once: groups made in bulk, as the demo's years, send no ``post_save`` to the hook). Returns
    how many feeds were made."""
    ids = {g.pk for g in groups}
    have = set(
        GroupCalendarFeed.objects.filter(group_id__in=ids).values_list("group_id", flat=True)
    )
    made = GroupCalendarFeed.objects.bulk_create(
        [GroupCalendarFeed(group_id=pk, token=_new_token()) for pk in sorted(ids - have)],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(made)

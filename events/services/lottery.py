"""Lottery events: a fair, re-checkable draw of the places, by staff or by the cron job."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Event, Registration
from events.rules import (
    EventError,
    draw_order,
)
from events.services._places import _lock

logger = logging.getLogger(__name__)


@dataclass
class DrawResult:
    seed: str
    won: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    lost: list[Registration] = field(default_factory=list)


@transaction.atomic
def lottery_draw(
    *,
    actor,
    event: Event,
    now: dt.datetime | None = None,
    seed: str | None = None,
    early: bool = False,
) -> DrawResult:
    """Draw the places of a lottery event fairly and tell everyone by e-mail.

    Applicants are taken in id order and shuffled by ``random.Random(seed)``, the seed being 128
    bits from ``secrets`` and recorded on the event, so anyone can re-run the draw and check it.
    Places go to drawn applicants in drawn order while their party fits; the others join the
    waiting list in drawn order (or lose, when the event keeps no waiting list). Afterwards
    any places left are first come, first served until registration closes.
    """
    now = now or timezone.now()
    event = _lock(event)
    if not event.is_lottery:
        raise EventError(_("This event does not use a lottery."))
    if event.drawn_at is not None:
        raise EventError(_("The lottery for this event has already been drawn."))
    if not event.is_published:
        raise EventError(_("Only a published event can be drawn."))
    if now < event.draw_at and not early:
        raise EventError(_("The draw time has not come yet."))
    # Guests who did not confirm by the draw are not in it.
    Registration.objects.filter(event=event, status=Registration.Status.PENDING_GUEST).update(
        status=Registration.Status.CANCELLED,
        cancelled_at=now,
        status_on_confirm="",
        note=_("Not confirmed in time"),
    )
    seed = seed or secrets.token_hex(16)
    applicants = draw_order(
        list(event.registrations.filter(status=Registration.Status.LOTTERY_APPLIED).order_by("pk")),
        seed,
    )
    left = max(0, event.capacity - selectors.places_taken(event, now))
    result = DrawResult(seed=seed)
    position = selectors.waitlist_next_position(event)
    for registration in applicants:
        if registration.people <= left:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            left -= registration.people
            result.won.append(registration)
        elif event.waiting_list:
            registration.status = Registration.Status.WAITLISTED
            registration.waitlist_position = position
            position += 1
            result.waitlisted.append(registration)
        else:
            registration.status = Registration.Status.LOTTERY_LOST
            result.lost.append(registration)
    Registration.objects.bulk_update(
        applicants, ["status", "confirmed_at", "waitlist_position"], batch_size=500
    )
    event.drawn_at = now
    event.draw_seed = seed
    event.save(update_fields=["drawn_at", "draw_seed", "updated_at"])
    log_action(
        actor=actor,
        action="events.lottery_draw",
        target=event,
        seed=seed,
        applicants=len(applicants),
        won=len(result.won),
        waitlisted=len(result.waitlisted),
        lost=len(result.lost),
    )
    ids = [r.pk for r in applicants]
    transaction.on_commit(lambda: emails.lottery_results(ids))
    return result


def lotteries_draw_due(*, now: dt.datetime | None = None) -> int:
    """Draw every published lottery whose draw time has passed (the cron job)."""
    now = now or timezone.now()
    count = 0
    for event in selectors.lotteries_due(now):
        try:
            lottery_draw(actor=None, event=event, now=now)
            count += 1
        except EventError as exc:
            logger.info("lottery for %s not drawn: %s", event.slug, exc)
    return count

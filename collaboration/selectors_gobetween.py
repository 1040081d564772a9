"""Named reads of the go-between's record, each a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from collaboration.models_gobetween import Introduction
from groups.models import Consultation, Group

RECENT_DAYS = 60
LIST_LIMIT = 50


def follow_ups(today: dt.date | None = None) -> dict:
    """Staff's follow-up page: what is due (oldest first), what is pending later or without a
    date, and the outcomes recorded lately (three queries)."""
    today = today or timezone.localdate()
    pending = Introduction.objects.pending().with_parties()
    return {
        "due": list(pending.filter(follow_up_on__lte=today).order_by("follow_up_on", "pk")),
        "later": list(
            pending.exclude(follow_up_on__lte=today).order_by("follow_up_on", "made_on", "pk")[
                :LIST_LIMIT
            ]
        ),
        "closed": list(
            Introduction.objects.exclude(outcome=Introduction.Outcome.PENDING)
            .with_parties()
            .order_by("-outcome_on", "-pk")[:20]
        ),
    }


def due_count(today: dt.date | None = None) -> int:
    return Introduction.objects.due(today).count()


def consultations_to_refer(today: dt.date | None = None, limit: int = 10) -> list[Consultation]:
    """Recent consultations not referred yet (newest first, one query)."""
    today = today or timezone.localdate()
    referred = Introduction.objects.filter(consultation=OuterRef("pk"))
    return list(
        Consultation.objects.filter(held_on__gte=today - dt.timedelta(days=RECENT_DAYS))
        .exclude(Exists(referred))
        .select_related("group")
        .order_by("-held_on", "-pk")[:limit]
    )


def introductions_of_group(group: Group, limit: int = 20) -> list[Introduction]:
    """The introductions a group took part in, either side (one query)."""
    from django.db.models import Q

    return list(
        Introduction.objects.filter(Q(from_group=group) | Q(to_group=group))
        .with_parties()
        .order_by("-made_on", "-pk")[:limit]
    )


def introduction_for_page(pk: int) -> Introduction:
    return Introduction.objects.with_parties().get(pk=pk)

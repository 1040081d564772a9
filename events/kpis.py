"""The events app's figures for the reports (composed by ``reports.kpis``): exchange meetings
and their participants, all events, survey responses.

An event counts in the fiscal year in which it starts, once it has started and unless it was
cancelled or never published (only published events take place). Participants are the people
recorded as attending.

Queries per period: events grouped by fiscal year (exchange meetings and all events in one pass),
attendance grouped by the event's fiscal year, survey responses grouped by fiscal year.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from core.kpis import empty_months, month_key, period_filter, year_range
from events.models import Event, Registration, Response
from events.selectors import participants_by_activity_field

KEYS = (
    "exchange_meetings",
    "exchange_participants",
    "events_held",
    "event_participants",
    "survey_responses",
)


def _held(path: str = "") -> Q:
    """Published events that have started."""
    return Q(**{f"{path}status": Event.Status.PUBLISHED, f"{path}start__lt": timezone.now()})


def _is_exchange(path: str = "") -> Q:
    return Q(**{f"{path}kind": Event.Kind.EXCHANGE})


def _grouped(qs, group: dict, aggregates: dict):
    return qs.values(**group).annotate(**aggregates).order_by()


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    events = {
        row["fy"]: row
        for row in _grouped(
            Event.objects.filter(_held(), **period_filter("start", first, last)),
            {"fy": FiscalYearOf("start")},
            {
                "events_held": Count("pk"),
                "exchange_meetings": Count("pk", filter=_is_exchange()),
            },
        )
    }
    people = _people(
        {"fy": FiscalYearOf("event__start")}, period_filter("event__start", first, last)
    )
    responses = dict(
        _grouped(
            Response.objects.filter(**period_filter("submitted_at", first, last)),
            {"fy": FiscalYearOf("submitted_at")},
            {"n": Count("pk")},
        ).values_list("fy", "n")
    )
    result = {}
    for fy in year_range(first, last, [*events, *people, *responses]):
        row = events.get(fy, {})
        attended = people.get(fy, {})
        result[fy] = {
            "exchange_meetings": row.get("exchange_meetings", 0),
            "exchange_participants": attended.get("exchange_participants", 0),
            "events_held": row.get("events_held", 0),
            "event_participants": attended.get("event_participants", 0),
            "survey_responses": responses.get(fy, 0),
        }
    return result


def _people(group: dict, period: dict) -> dict:
    """Attendance (people who came) grouped by ``group``, from the registrations."""
    return {
        row.pop(next(iter(group))): row
        for row in _grouped(
            Registration.objects.filter(attended=True, **period).filter(_held("event__")),
            group,
            {
                "event_participants": Coalesce(Sum("attended_people"), 0),
                "exchange_participants": Coalesce(
                    Sum("attended_people", filter=_is_exchange("event__")), 0
                ),
            },
        )
    }


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    for row in _grouped(
        Event.objects.filter(_held(), **period_filter("start", fy.year, fy.year)),
        {"month": TruncMonth("start", tzinfo=TOKYO)},
        {"events_held": Count("pk"), "exchange_meetings": Count("pk", filter=_is_exchange())},
    ):
        months[month_key(row.pop("month"))].update(row)
    people = _people(
        {"month": TruncMonth("event__start", tzinfo=TOKYO)},
        period_filter("event__start", fy.year, fy.year),
    )
    for month, row in people.items():
        months[month_key(month)].update(row)
    for month, n in _grouped(
        Response.objects.filter(**period_filter("submitted_at", fy.year, fy.year)),
        {"month": TruncMonth("submitted_at", tzinfo=TOKYO)},
        {"n": Count("pk")},
    ).values_list("month", "n"):
        months[month_key(month)]["survey_responses"] = n
    return months


# --- Breakdowns by group and by activity field (issue 17 part 1)


def _attended_in(fy: FiscalYear, path: str = "") -> Q:
    """Attendance recorded at published events that start in ``fy``."""
    return Q(
        **{
            f"{path}attended": True,
            f"{path}event__status": Event.Status.PUBLISHED,
            f"{path}event__start__gte": fy.start,
            f"{path}event__start__lt": fy.end,
        }
    )


def participants_by_group(fy: FiscalYear) -> dict[int, dict]:
    """{group id: {"exchange_participants", "event_participants"}}: the people recorded as
    attending for each group (exchange meetings, and all events), one query."""
    exchange = Q(event__kind=Event.Kind.EXCHANGE)
    return {
        row["group"]: {
            "exchange_participants": row["exchange"] or 0,
            "event_participants": row["people"] or 0,
        }
        for row in Registration.objects.filter(_attended_in(fy), group__isnull=False)
        .values("group")
        .annotate(
            people=Sum("attended_people"),
            exchange=Sum("attended_people", filter=exchange),
        )
        .order_by()
    }


def participants_by_field(fy: FiscalYear) -> list[dict]:
    """[{"name", "exchange_participants", "event_participants"}] by the attending group's
    activity field, in the fields' order (``events.selectors.participants_by_activity_field``:
    two queries)."""
    everything = participants_by_activity_field(fy.year)
    exchange = dict(participants_by_activity_field(fy.year, kind=Event.Kind.EXCHANGE))
    return [
        {
            "slug": field.slug,
            "name": field.name,
            "exchange_participants": exchange.get(field, 0),
            "event_participants": people,
        }
        for field, people in everything
    ]

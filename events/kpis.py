"""The events app's figures for the reports (composed by ``reports.kpis``): exchange meetings
and their participants, all events, survey responses.

An event counts in the fiscal year in which it starts, once it has started and unless it was
cancelled or never published (only published events take place). Participants are the people
recorded as attending.

One query per period (UNION ALL): events grouped by fiscal year or month (exchange meetings and
all events in one pass), attendance grouped by the event's year or month, survey responses.
Within ``core.kpis.reading_months`` (a year's report) the same query grouped by month, read
once, answers the years, the months and the year to the compared day (issue #20).
"""

from __future__ import annotations

from django.db.models import Count, DateField, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from core.kpis import (
    MonthReading,
    empty_months,
    month_key,
    months_read_for,
    months_read_holding,
    period_filter,
    summed_by_field,
    year_range,
)
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


ZERO = Value(0, output_field=IntegerField())
COLUMNS = ("events_held", "exchange_meetings", "event_participants", "exchange_participants")


def _gathered(group, first: int | None, last: int) -> dict:
    """{group value: figures} of events held, the people who came and survey responses in one
    query (UNION ALL), grouped by ``group(field)`` (the fiscal year or the month)."""
    columns = ("g", "part", *COLUMNS, "n")
    pad = dict.fromkeys(COLUMNS, ZERO)
    events = (
        Event.objects.filter(_held(), **period_filter("start", first, last))
        .values(g=group("start"))
        .annotate(
            part=Value("events"),
            events_held=Count("pk"),
            exchange_meetings=Count("pk", filter=_is_exchange()),
            event_participants=ZERO,
            exchange_participants=ZERO,
            n=ZERO,
        )
        .order_by()
        .values_list(*columns)
    )
    people = (
        Registration.objects.filter(attended=True, **period_filter("event__start", first, last))
        .filter(_held("event__"))
        .values(g=group("event__start"))
        .annotate(
            part=Value("people"),
            events_held=ZERO,
            exchange_meetings=ZERO,
            event_participants=Coalesce(Sum("attended_people"), 0),
            exchange_participants=Coalesce(
                Sum("attended_people", filter=_is_exchange("event__")), 0
            ),
            n=ZERO,
        )
        .order_by()
        .values_list(*columns)
    )
    responses = (
        Response.objects.filter(**period_filter("submitted_at", first, last))
        .values(g=group("submitted_at"))
        .annotate(part=Value("responses"), **pad, n=Count("pk"))
        .order_by()
        .values_list(*columns)
    )
    result: dict = {}
    for g, part, held, exchange, people_n, exchange_people, n in events.union(
        people, responses, all=True
    ):
        figures = result.setdefault(g, dict.fromkeys(KEYS, 0))
        if part == "events":
            figures["events_held"], figures["exchange_meetings"] = held, exchange
        elif part == "people":
            figures["event_participants"] = people_n
            figures["exchange_participants"] = exchange_people
        else:
            figures["survey_responses"] = n
    return result


def _month(field: str):
    return TruncMonth(field, tzinfo=TOKYO, output_field=DateField())


def _by_bucket(read: MonthReading) -> dict:
    """Every figure of ``read``'s years by the bucket of its month (all of them sums)."""
    return _gathered(lambda field: read.bucket(field), read.first, read.last)


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    read = months_read_for(first, last)
    if read is not None:
        gathered = read.yearly(read.rows("events", _by_bucket), first, last)
    else:
        gathered = _gathered(FiscalYearOf, first, last)
    return {
        fy: gathered.get(fy, dict.fromkeys(KEYS, 0)) for fy in year_range(first, last, gathered)
    }


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    read = months_read_holding(fy.year)
    if read is not None:
        gathered = read.monthly(read.rows("events", _by_bucket), fy)
    else:
        gathered = _gathered(_month, fy.year, fy.year)
    for month, figures in gathered.items():
        months[month_key(month)].update(figures)
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


def participants_by_field_from(fields: list[dict], by_group: dict[int, dict]) -> list[dict]:
    """``participants_by_field`` summed from the same year's ``participants_by_group`` and the
    fields' groups (``groups.kpis.fields_with_groups``), no query: the same rows."""
    return summed_by_field(fields, by_group, ("exchange_participants", "event_participants"))

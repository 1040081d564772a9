"""The newsletter's figures for the reports (composed by ``reports.kpis``): issues published
and subscribers at year end.

Queries per period: issues grouped by fiscal year of publication; subscribers grouped by (fiscal
year confirmed, fiscal year they left), from which each year's end count follows, as for the
group register.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, DateField, IntegerField, Q, Value, When
from django.db.models.functions import Least, TruncMonth

from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from core.kpis import (
    MonthReading,
    date_period_filter,
    left_after_cutoff,
    month_key,
    months_read_for,
    months_read_holding,
    period_filter,
)
from newsletter.models import NewsletterIssue, Subscriber


def _issues(first: int | None, last: int, today: dt.date):
    """Issues published in the period; one scheduled later in the running year has not come out
    yet ("figures to date")."""
    return NewsletterIssue.objects.published(today).filter(
        **date_period_filter("published_on", first, last)
    )


def _subscribers(first: int | None, last: int):
    # When a subscriber stopped receiving: unsubscribed, or suppressed after a bounce
    # (PostgreSQL's LEAST skips NULLs: the earlier of the two dates that exist).
    qs = Subscriber.objects.annotate(left_at=Least("unsubscribed_at", "bounced_at")).filter(
        confirmed_at__isnull=False, **period_filter("confirmed_at", None, last)
    )
    if first is not None:
        qs = qs.filter(Q(left_at__isnull=True) | Q(left_at__gte=FiscalYear(first).start))
    return qs


def _issues_by_bucket(today: dt.date):
    def read(months: MonthReading) -> dict:
        return {
            bucket: {"n": n}
            for bucket, n in _issues(months.first, months.last, today)
            .values(b=months.bucket("published_on", is_date=True))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("b", "n")
        }

    return read


def issues_by_year(first: int | None, last: int, *, today: dt.date) -> dict[int, int]:
    months = months_read_for(first, last)
    if months is not None:
        # A year's report: the issues of its two years read once by month (issue #20).
        rows = months.rows(f"newsletter_issues:{today}", _issues_by_bucket(today))
        return {fy: sums["n"] for fy, sums in months.yearly(rows, first, last).items()}
    return dict(
        _issues(first, last, today)
        .values(fy=FiscalYearOf("published_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "n")
    )


def _left_year():
    """The fiscal year a subscriber left; none for leaving after a ``counted_until`` day."""
    after = left_after_cutoff("left_at", is_datetime=True)
    if not after:
        return FiscalYearOf("left_at")
    return Case(
        When(Q(**after), then=Value(None)),
        default=FiscalYearOf("left_at"),
        output_field=IntegerField(),
    )


def subscriber_spans(first: int | None, last: int) -> list[tuple[int, int | None, int]]:
    """[(fiscal year confirmed, fiscal year left or None, how many)]."""
    return list(
        _subscribers(first, last)
        .values(on=FiscalYearOf("confirmed_at"), off=_left_year())
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("on", "off", "n")
    )


def subscribers_at_end(spans, fy: int) -> int:
    return sum(n for on, off, n in spans if on <= fy and (off is None or off > fy))


def issues_by_month(fy: FiscalYear, *, today: dt.date) -> dict[dt.date, int]:
    months = months_read_holding(fy.year)
    if months is not None:
        rows = months.rows(f"newsletter_issues:{today}", _issues_by_bucket(today))
        return {month: sums["n"] for month, sums in months.monthly(rows, fy).items()}
    return {
        month_key(month): n
        for month, n in _issues(fy.year, fy.year, today)
        .values(month=TruncMonth("published_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    }


def subscribers_by_month(fy: FiscalYear) -> dict[dt.date, int]:
    """{first day of month: subscribers at the month's end} for the twelve months of ``fy``."""
    # Month confirmed within the year (None: before it); month left within the year (None:
    # still subscribed at its end).
    rows = [
        (month_key(on), month_key(off), n)
        for on, off, n in _subscribers(fy.year, fy.year)
        .values(
            on=Case(
                When(
                    confirmed_at__gte=fy.start,
                    then=TruncMonth("confirmed_at", tzinfo=TOKYO, output_field=DateField()),
                ),
                output_field=DateField(),
            ),
            off=Case(
                When(
                    left_at__lt=fy.end,
                    then=TruncMonth("left_at", tzinfo=TOKYO, output_field=DateField()),
                ),
                output_field=DateField(),
            ),
        )
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("on", "off", "n")
    ]
    return {
        month: sum(
            n for on, off, n in rows if (on is None or on <= month) and (off is None or off > month)
        )
        for month in fy.months()
    }

"""The bulletin board's figures for the reports (composed by ``reports.kpis``): posts that went
public, by category.

Posts that went public are those still on the board or later withdrawn by their group (posts
staff hid are not counted), by the time they were published. One query per period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth

from bulletin.models import BulletinPost
from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from core.kpis import (
    MonthReading,
    choice_labels,
    month_key,
    months_read_for,
    months_read_holding,
    period_filter,
)

PUBLIC_STATUSES = (BulletinPost.Status.PUBLISHED, BulletinPost.Status.WITHDRAWN)


def _posts(first: int | None, last: int):
    return BulletinPost.objects.filter(
        status__in=PUBLIC_STATUSES, **period_filter("published_at", first, last)
    )


def _by(group, first: int | None, last: int) -> dict:
    """{group: {"bulletin_posts": n, "bulletin_posts.category.<c>": n, ...}} of the posts
    grouped by ``group("published_at")`` (the fiscal year, or a month's bucket)."""
    posts: dict = {}
    for g, category, n in (
        _posts(first, last)
        .values("category", g=group("published_at"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("g", "category", "n")
    ):
        posts.setdefault(g, {"bulletin_posts": 0})
        posts[g]["bulletin_posts"] += n
        posts[g][f"bulletin_posts.category.{category}"] = n
    return posts


def _by_bucket(months: MonthReading) -> dict:
    return _by(months.bucket, months.first, months.last)


def posts_by_year(first: int | None, last: int) -> dict[int, dict[str, int]]:
    """{fiscal year: {"bulletin_posts": n, "bulletin_posts.category.<c>": n, ...}}."""
    months = months_read_for(first, last)
    if months is not None:
        # A year's report: the posts of its two years read once by month (issue #20).
        return months.yearly(months.rows("bulletin_posts", _by_bucket), first, last)
    return _by(FiscalYearOf, first, last)


def posts_by_month(fy: FiscalYear) -> dict[dt.date, int]:
    months = months_read_holding(fy.year)
    if months is not None:
        rows = months.rows("bulletin_posts", _by_bucket)
        return {month: sums["bulletin_posts"] for month, sums in months.monthly(rows, fy).items()}
    return {
        month_key(month): n
        for month, n in _posts(fy.year, fy.year)
        .values(month=TruncMonth("published_at", tzinfo=TOKYO))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    }


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {"bulletin_posts.category": choice_labels(BulletinPost, "category")}

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
from core.kpis import choice_labels, month_key, period_filter

PUBLIC_STATUSES = (BulletinPost.Status.PUBLISHED, BulletinPost.Status.WITHDRAWN)


def _posts(first: int | None, last: int):
    return BulletinPost.objects.filter(
        status__in=PUBLIC_STATUSES, **period_filter("published_at", first, last)
    )


def posts_by_year(first: int | None, last: int) -> dict[int, dict[str, int]]:
    """{fiscal year: {"bulletin_posts": n, "bulletin_posts.category.<c>": n, ...}}."""
    posts: dict[int, dict[str, int]] = {}
    for fy, category, n in (
        _posts(first, last)
        .values("category", fy=FiscalYearOf("published_at"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "category", "n")
    ):
        posts.setdefault(fy, {"bulletin_posts": 0})
        posts[fy]["bulletin_posts"] += n
        posts[fy][f"bulletin_posts.category.{category}"] = n
    return posts


def posts_by_month(fy: FiscalYear) -> dict[dt.date, int]:
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

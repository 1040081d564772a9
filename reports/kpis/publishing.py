"""Publishing: newsletter issues, newsletter subscribers at year end, bulletin-board posts.

Queries per period: issues grouped by fiscal year of publication; subscribers grouped by (fiscal
year confirmed, fiscal year unsubscribed), from which each year's end count follows, as for the
group register; bulletin posts grouped by fiscal year of publication.
"""

from __future__ import annotations

from django.db.models import Case, Count, DateField, F, Q, When
from django.db.models.functions import Least, TruncMonth

from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from reports.kpis.base import (
    choice_labels,
    empty_months,
    get_model,
    has_field,
    month_key,
    period_filter_for,
    year_range,
)

KEYS = ("newsletter_issues", "subscribers_end", "bulletin_posts")
# Bulletin posts that went public: still on the board, or later withdrawn by their group (posts
# staff hid are not counted).
PUBLIC_POSTS = ("published", "withdrawn")


def _issue():
    return get_model("newsletter.NewsletterIssue", "published_on")


def _subscriber():
    return get_model("newsletter.Subscriber", "confirmed_at", "unsubscribed_at")


def _post():
    return get_model("bulletin.BulletinPost", "published_at", "status")


def _issues(first: int | None, last: int):
    Issue = _issue()
    qs = Issue.objects.filter(**period_filter_for(Issue, "published_on", first, last))
    if has_field(Issue, "status"):
        qs = qs.filter(status="published")
    # An issue scheduled later in the running year has not come out yet ("figures to date").
    from reports.annual import report_today  # the reports' one notion of today

    return qs.filter(published_on__lte=report_today())


def _posts(first: int | None, last: int):
    """Posts that went public in the period (by the time they were published)."""
    Post = _post()
    if Post is None:
        return None
    return Post.objects.filter(
        status__in=PUBLIC_POSTS, **period_filter_for(Post, "published_at", first, last)
    )


def _left_at():
    """When a subscriber stopped receiving: unsubscribed or suppressed after a bounce."""
    if has_field(_subscriber(), "bounced_at"):
        # PostgreSQL's LEAST skips NULLs: the earlier of the two dates that exist.
        return Least("unsubscribed_at", "bounced_at")
    return F("unsubscribed_at")


def _subscribers(first: int | None, last: int):
    Subscriber = _subscriber()
    qs = Subscriber.objects.annotate(left_at=_left_at()).filter(
        confirmed_at__isnull=False, **period_filter_for(Subscriber, "confirmed_at", None, last)
    )
    if first is not None:
        qs = qs.filter(Q(left_at__isnull=True) | Q(left_at__gte=FiscalYear(first).start))
    return qs


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    issues, posts, subscribers = {}, {}, []
    Issue = _issue()
    if Issue is not None:
        issues = dict(
            _issues(first, last)
            .values(fy=FiscalYearOf("published_on"))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("fy", "n")
        )
    qs = _posts(first, last)
    if qs is not None:
        for fy, category, n in (
            qs.values("category", fy=FiscalYearOf("published_at"))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("fy", "category", "n")
        ):
            posts.setdefault(fy, {"bulletin_posts": 0})
            posts[fy]["bulletin_posts"] += n
            posts[fy][f"bulletin_posts.category.{category}"] = n
    if _subscriber() is not None:
        subscribers = list(
            _subscribers(first, last)
            .values(on=FiscalYearOf("confirmed_at"), off=FiscalYearOf("left_at"))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("on", "off", "n")
        )
    seen = [*issues, *posts, *(on for on, _off, _n in subscribers)]
    return {
        fy: {
            "newsletter_issues": issues.get(fy, 0),
            "subscribers_end": sum(
                n for on, off, n in subscribers if on <= fy and (off is None or off > fy)
            ),
            "bulletin_posts": 0,
            **posts.get(fy, {}),
        }
        for fy in year_range(first, last, seen)
    }


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    Issue = _issue()
    if Issue is not None:
        for month, n in (
            _issues(fy.year, fy.year)
            .values(month=TruncMonth("published_on"))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("month", "n")
        ):
            months[month_key(month)]["newsletter_issues"] = n
    qs = _posts(fy.year, fy.year)
    if qs is not None:
        for month, n in (
            qs.values(month=TruncMonth("published_at", tzinfo=TOKYO))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("month", "n")
        ):
            months[month_key(month)]["bulletin_posts"] = n
    if _subscriber() is not None:
        # Month confirmed within the year (None: before it); month unsubscribed within the year
        # (None: still subscribed at its end).
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
        for month, figures in months.items():
            figures["subscribers_end"] = sum(
                n
                for on, off, n in rows
                if (on is None or on <= month) and (off is None or off > month)
            )
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {"bulletin_posts.category": choice_labels(_post(), "category")}

"""Publishing: newsletter issues, newsletter subscribers at year end, bulletin-board posts.

Composed from the newsletter's figures (``newsletter.kpis``) and the bulletin board's
(``bulletin.kpis``); "to date" is the reports' one notion of today (``reports.annual``).
"""

from __future__ import annotations

from bulletin import kpis as bulletin_kpis
from core.fiscal import FiscalYear
from core.kpis import empty_months, year_range
from newsletter import kpis as newsletter_kpis
from reports import annual

KEYS = ("newsletter_issues", "subscribers_end", "bulletin_posts")


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    issues = newsletter_kpis.issues_by_year(first, last, today=annual.report_today())
    posts = bulletin_kpis.posts_by_year(first, last)
    spans = newsletter_kpis.subscriber_spans(first, last)
    seen = [*issues, *posts, *(on for on, _off, _n in spans)]
    return {
        fy: {
            "newsletter_issues": issues.get(fy, 0),
            "subscribers_end": newsletter_kpis.subscribers_at_end(spans, fy),
            "bulletin_posts": 0,
            **posts.get(fy, {}),
        }
        for fy in year_range(first, last, seen)
    }


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    issues = newsletter_kpis.issues_by_month(fy, today=annual.report_today())
    posts = bulletin_kpis.posts_by_month(fy)
    subscribers = newsletter_kpis.subscribers_by_month(fy)
    for month, figures in months.items():
        figures["newsletter_issues"] = issues.get(month, 0)
        figures["bulletin_posts"] = posts.get(month, 0)
        figures["subscribers_end"] = subscribers[month]
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return bulletin_kpis.breakdown_labels()

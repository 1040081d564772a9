"""Named reads of the bulletin board."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from bulletin.models import BulletinPost, BulletinSettings, GroupQuota, PostReport
from core.fiscal import FiscalYear


def board(category: str | None = None):
    """Published, unexpired posts with their group, newest first (the board's list)."""
    qs = BulletinPost.objects.visible().select_related("group").newest_first()
    if category:
        qs = qs.filter(category=category)
    return qs


def active_posts_for_group(group, limit: int = 5) -> list:
    """Published, unexpired posts of ``group``, newest first (group page)."""
    return list(board().filter(group=group)[:limit])


def newest(limit: int = 5) -> list:
    """Published, unexpired posts, newest first (home page)."""
    return list(board()[:limit])


def posts_for_group_admin(groups):
    """Every post of the given groups (any status), for their members' "our posts" page."""
    return (
        BulletinPost.objects.filter(group__in=groups)
        .select_related("group", "author")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved=False)))
        .order_by("-created_at")
    )


def open_report_count(post) -> int:
    """Reports on ``post`` the office has not dealt with yet (shown to the post's group)."""
    return post.reports.filter(resolved=False).count()


def posts_for_digest(start: dt.date, end: dt.date) -> list:
    """Published posts that were on the board at some time during [start, end]."""
    return list(
        BulletinPost.objects.filter(
            status=BulletinPost.Status.PUBLISHED,
            published_at__date__lte=end,
            expires_on__gte=start,
        )
        .select_related("group")
        .order_by("category", "-published_at")
    )


def yearly_quota(group) -> int:
    own = GroupQuota.objects.filter(group=group).values_list("yearly_limit", flat=True).first()
    return own if own is not None else BulletinSettings.load().default_yearly_quota


def posts_this_year(group, year: FiscalYear | None = None) -> int:
    """Posts the group made in the fiscal year (withdrawn and hidden ones count too)."""
    year = year or FiscalYear.current()
    return BulletinPost.objects.filter(
        group=group, created_at__gte=year.start, created_at__lt=year.end
    ).count()


# --- the admin home (core.admin_site) ----------------------------------------------------------


def admin_waiting_counts() -> dict[str, int]:
    """Posts waiting for review and posts with reports not yet resolved (one query)."""
    open_reports = PostReport.objects.filter(post=OuterRef("pk"), resolved=False)
    return BulletinPost.objects.aggregate(
        pending=Count("pk", filter=Q(status=BulletinPost.Status.PENDING)),
        reported=Count("pk", filter=Q(Exists(open_reports))),
    )

"""Named reads of the newsletter."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from core.fiscal import FiscalYear, FiscalYearOf
from core.tasks import stalled_jobs
from newsletter.models import Delivery, NewsletterIssue
from newsletter.tasks import issue_lock

LEFT = [Delivery.Status.PENDING, Delivery.Status.CLAIMED, Delivery.Status.SENDING]


def public_issues():
    return NewsletterIssue.objects.published().order_by("-published_on", "-number")


def issue_years() -> list[int]:
    """Fiscal years that have public issues, newest first."""
    return list(
        public_issues()
        .annotate(fy=FiscalYearOf("published_on"))
        .values_list("fy", flat=True)
        .order_by("-fy")
        .distinct()
    )


def issues_of_year(year: FiscalYear):
    return public_issues().filter(published_on__gte=year.first_day, published_on__lte=year.last_day)


def with_progress(queryset):
    """Issues annotated with their delivery counts: sent, failed, skipped and left."""
    return queryset.annotate(
        n_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        n_failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        n_skipped=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SKIPPED)),
        n_left=Count("deliveries", filter=Q(deliveries__status__in=LEFT)),
    )


def progress(issue) -> dict:
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "sent": counts.get(Delivery.Status.SENT, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
        "left": sum(counts.get(s, 0) for s in LEFT),
        "total": sum(counts.values()),
    }


def send_state(issue) -> dict:
    """Whether the issue's background send is stalled (its worker died while it held the
    issue), with the time of the last progress, for the admin's "resume" offer."""
    stalled = stalled_jobs(lock=issue_lock(issue.pk))
    last = Delivery.objects.filter(issue=issue).aggregate(
        sent=Max("sent_at"), claimed=Max("claimed_at")
    )
    moments = [moment for moment in last.values() if moment is not None]
    return {
        "stalled": bool(stalled),
        "job_ids": [job.id for job in stalled],
        "last_progress": max(moments) if moments else None,
    }

"""The collaboration app's figures for the reports (composed by ``reports.kpis``), issue #18
part 6: joint-project proposals received (by kind) and adopted, projects running and completed,
partners involved, introductions made and consultations referred.

Each figure counts in the fiscal year (Asia/Tokyo) of its date:

- proposals received: sent to the office (``submitted_at``), by kind (行政提案型 / 市民提案型);
- proposals adopted: the department's answer 採択 (``ProposalAnswer.decided_at``);
- projects running at year end (a level): the project's agreement has started it
  (``starts_on`` on or before the day) and it was not completed by then;
- projects completed: the office closed it after the final report (``completed_at``);
- partners involved: different partners (departments, companies, schools...) a proposal was
  assigned to or an introduction was made to in the year;
- introductions made: a group introduced from the partner suggestions (``made_on``);
- consultations referred: a consultation referred to a partner or a group (``made_on``).

Queries per period: proposals grouped by (fiscal year, kind); adopted answers by fiscal year;
the projects' dates (one small table, levels computed from it); introductions grouped by
(fiscal year, kind); the partners involved by (fiscal year, partner), two parts in one UNION.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth

from collaboration.models import Project, Proposal, ProposalAnswer
from collaboration.models_gobetween import Introduction
from core.fiscal import TOKYO, FiscalYear, FiscalYearOf
from core.kpis import (
    choice_labels,
    cutoff_instant,
    date_period_filter,
    empty_months,
    last_counted_day,
    month_key,
    period_filter,
    year_range,
)

KEYS = (
    "proposals_received",
    "proposals_adopted",
    "projects_running",
    "projects_completed",
    "partners_involved",
    "introductions_made",
    "consultations_referred",
)
FLOWS = tuple(key for key in KEYS if key != "projects_running")

PROPOSAL_KINDS = "proposals_received.kind"


def _zeros() -> dict:
    return dict.fromkeys(KEYS, 0)


def _project_spans(last: int) -> list[tuple[dt.date, dt.date | None]]:
    """(first day, day completed or None) of every project started by the period's end."""
    rows = Project.objects.filter(
        status__in=(Project.Status.RUNNING, Project.Status.COMPLETED),
        starts_on__isnull=False,
        starts_on__lte=last_counted_day(last),
    ).values_list("starts_on", "completed_at")
    cutoff = cutoff_instant()
    spans = []
    for starts_on, completed_at in rows:
        if completed_at is not None and cutoff is not None and completed_at >= cutoff:
            completed_at = None  # completed after the counted day: still running on it
        done = completed_at.astimezone(TOKYO).date() if completed_at else None
        spans.append((starts_on, done))
    return spans


def _running_on(spans, day: dt.date) -> int:
    return sum(1 for start, done in spans if start <= day and (done is None or done > day))


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    proposals = list(
        Proposal.objects.filter(
            submitted_at__isnull=False, **period_filter("submitted_at", first, last)
        )
        .values("kind", fy=FiscalYearOf("submitted_at"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "kind", "n")
    )
    adopted = dict(
        ProposalAnswer.objects.filter(
            decision=ProposalAnswer.Decision.ADOPTED, **period_filter("decided_at", first, last)
        )
        .values(fy=FiscalYearOf("decided_at"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "n")
    )
    completed = dict(
        Project.objects.filter(
            status=Project.Status.COMPLETED, **period_filter("completed_at", first, last)
        )
        .values(fy=FiscalYearOf("completed_at"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "n")
    )
    introductions = list(
        Introduction.objects.filter(**date_period_filter("made_on", first, last))
        .values("kind", fy=FiscalYearOf("made_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("fy", "kind", "n")
    )
    partners = _partners(first, last)
    spans = _project_spans(last)
    seen = [
        *(fy for fy, _k, _n in proposals),
        *adopted,
        *completed,
        *(fy for fy, _k, _n in introductions),
        *partners,
        *(FiscalYear.of(start).year for start, _done in spans),
    ]
    result = {}
    for fy in year_range(first, last, seen):
        figures = _zeros()
        for year, kind, n in proposals:
            if year == fy:
                figures["proposals_received"] += n
                figures[f"{PROPOSAL_KINDS}.{kind}"] = n
        figures["proposals_adopted"] = adopted.get(fy, 0)
        figures["projects_completed"] = completed.get(fy, 0)
        figures["projects_running"] = _running_on(spans, last_counted_day(fy))
        figures["partners_involved"] = len(partners.get(fy, ()))
        for year, kind, n in introductions:
            if year == fy:
                figures[_introduction_key(kind)] += n
        result[fy] = figures
    return result


def _introduction_key(kind: str) -> str:
    if kind == Introduction.Kind.REFERRAL:
        return "consultations_referred"
    return "introductions_made"


def _partners(first: int | None, last: int) -> dict[int, set[int]]:
    """{fiscal year: ids of the partners involved}: departments proposals were assigned to and
    partners introductions were made to, one query (UNION ALL)."""
    assigned = (
        Proposal.objects.filter(
            department__isnull=False,
            assigned_at__isnull=False,
            **period_filter("assigned_at", first, last),
        )
        .annotate(fy=FiscalYearOf("assigned_at"))
        .values_list("fy", "department_id")
    )
    introduced = (
        Introduction.objects.filter(
            partner__isnull=False, **date_period_filter("made_on", first, last)
        )
        .annotate(fy=FiscalYearOf("made_on"))
        .values_list("fy", "partner_id")
    )
    result: dict[int, set[int]] = {}
    for fy, partner in assigned.union(introduced, all=True):
        result.setdefault(fy, set()).add(partner)
    return result


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    for month, n in (
        Proposal.objects.filter(
            submitted_at__isnull=False, **period_filter("submitted_at", fy.year, fy.year)
        )
        .values(month=TruncMonth("submitted_at", tzinfo=TOKYO))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    ):
        months[month_key(month)]["proposals_received"] = n
    for month, n in (
        ProposalAnswer.objects.filter(
            decision=ProposalAnswer.Decision.ADOPTED,
            **period_filter("decided_at", fy.year, fy.year),
        )
        .values(month=TruncMonth("decided_at", tzinfo=TOKYO))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    ):
        months[month_key(month)]["proposals_adopted"] = n
    for month, kind, n in (
        Introduction.objects.filter(**date_period_filter("made_on", fy.year, fy.year))
        .values("kind", month=TruncMonth("made_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "kind", "n")
    ):
        key = _introduction_key(kind)
        months[month_key(month)][key] = n
    spans = _project_spans(fy.year)
    for month, figures in months.items():
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        figures["projects_running"] = _running_on(spans, end)
        figures["projects_completed"] = sum(
            1 for _start, done in spans if done is not None and done.replace(day=1) == month
        )
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {PROPOSAL_KINDS: choice_labels(Proposal, "kind")}

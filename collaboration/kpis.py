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

Two queries per period: every count grouped by fiscal year (or month) in one UNION ALL
(``_counts``), and the projects' dates (one small table, the levels computed from it).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Count, DateField, F, Value
from django.db.models.functions import Cast, TruncMonth

from collaboration.models import Project, Proposal, ProposalAnswer
from collaboration.models_gobetween import Introduction
from core.fiscal import TOKYO, FiscalYear, FiscalYearOf, fiscal_year_of
from core.kpis import (
    MonthReading,
    choice_labels,
    cutoff_instant,
    date_period_filter,
    empty_months,
    last_counted_day,
    month_key,
    months_read_for,
    months_read_holding,
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


def _counts(group, first: int | None, last: int) -> list[tuple]:
    """Every count of the period in one query (UNION ALL): rows (group, part, detail, n), where
    ``group(field)`` is the SQL expression grouping by year or month. Parts: "received" by
    proposal kind, "adopted", "completed", introductions by kind, and "partner" rows whose
    detail is a partner's id (partners involved are counted once each in Python)."""

    def rows(qs, field: str, part: str, detail=None):
        return (
            qs.values(g=group(field), detail=detail if detail is not None else Value(""))
            .annotate(part=Value(part), n=Count("pk"))
            .order_by()
            .values_list("g", "part", "detail", "n")
        )

    received = rows(
        Proposal.objects.filter(
            submitted_at__isnull=False, **period_filter("submitted_at", first, last)
        ),
        "submitted_at",
        "received",
        F("kind"),
    )
    adopted = rows(
        ProposalAnswer.objects.filter(
            decision=ProposalAnswer.Decision.ADOPTED, **period_filter("decided_at", first, last)
        ),
        "decided_at",
        "adopted",
    )
    completed = rows(
        Project.objects.filter(
            status=Project.Status.COMPLETED, **period_filter("completed_at", first, last)
        ),
        "completed_at",
        "completed",
    )
    introduced = rows(
        Introduction.objects.filter(**date_period_filter("made_on", first, last)),
        "made_on",
        "introduction",
        F("kind"),
    )
    assigned_to = rows(
        Proposal.objects.filter(
            department__isnull=False,
            assigned_at__isnull=False,
            **period_filter("assigned_at", first, last),
        ),
        "assigned_at",
        "partner",
        Cast("department_id", CharField()),
    )
    introduced_to = rows(
        Introduction.objects.filter(
            partner__isnull=False, **date_period_filter("made_on", first, last)
        ),
        "made_on",
        "partner",
        Cast("partner_id", CharField()),
    )
    return list(
        received.union(adopted, completed, introduced, assigned_to, introduced_to, all=True)
    )


def _add(figures: dict, partners: set, part: str, detail: str, n: int) -> None:
    if part == "received":
        figures["proposals_received"] += n
        key = f"{PROPOSAL_KINDS}.{detail}"
        figures[key] = figures.get(key, 0) + n
    elif part == "adopted":
        figures["proposals_adopted"] += n
    elif part == "completed":
        figures["projects_completed"] += n
    elif part == "introduction":
        figures[_introduction_key(detail)] += n
    elif part == "partner":
        partners.add(detail)


def _by_bucket(read: MonthReading) -> list[tuple]:
    """``_counts`` of ``read``'s years by the bucket of their month (``made_on`` is a date)."""
    return _counts(
        lambda field: read.bucket(field, is_date=field == "made_on"), read.first, read.last
    )


def _year_counts(first: int | None, last: int) -> list[tuple]:
    """``_counts`` by fiscal year: within a year's report, from its months read once (the
    counts summed, the partners' ids gathered by ``_add`` as from one query: issue #20)."""
    read = months_read_for(first, last)
    if read is None:
        return _counts(FiscalYearOf, first, last)
    counted = cutoff_instant() is not None
    rows = []
    for bucket, part, detail, n in read.rows("collaboration", _by_bucket):
        month, before = read.lowers[bucket - 1]
        fy = fiscal_year_of(month)
        if first <= fy <= last and (before or not counted):
            rows.append((fy, part, detail, n))
    return rows


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    counts = _year_counts(first, last)
    spans = _project_spans(last)
    seen = [fy for fy, *_rest in counts] + [FiscalYear.of(start).year for start, _ in spans]
    result = {}
    for fy in year_range(first, last, seen):
        figures, partners = _zeros(), set()
        for year, part, detail, n in counts:
            if year == fy:
                _add(figures, partners, part, detail, n)
        figures["partners_involved"] = len(partners)
        figures["projects_running"] = _running_on(spans, last_counted_day(fy))
        result[fy] = figures
    return result


def _introduction_key(kind: str) -> str:
    if kind == Introduction.Kind.REFERRAL:
        return "consultations_referred"
    return "introductions_made"


def _month_of(field: str):
    if field == "made_on":  # a date: its month as it is
        return TruncMonth(field, output_field=DateField())
    return TruncMonth(field, tzinfo=TOKYO, output_field=DateField())


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    partners = {month: set() for month in months}
    read = months_read_holding(fy.year)
    if read is not None:
        rows = [
            (read.lowers[bucket - 1][0], part, detail, n)
            for bucket, part, detail, n in read.rows("collaboration", _by_bucket)
            if fiscal_year_of(read.lowers[bucket - 1][0]) == fy.year
        ]
    else:
        rows = _counts(_month_of, fy.year, fy.year)
    for month, part, detail, n in rows:
        key = month_key(month)
        _add(months[key], partners[key], part, detail, n)
    spans = _project_spans(fy.year)
    for month, figures in months.items():
        # A partner involved in two months counts in each (the year's figure counts it once).
        figures["partners_involved"] = len(partners[month])
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        figures["projects_running"] = _running_on(spans, end)
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {PROPOSAL_KINDS: choice_labels(Proposal, "kind")}

"""Reads of collaboration, with their joins decided here (templates never query)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from collaboration.models import (
    CallWindow,
    CollaborationSettings,
    DepartmentOfficial,
    Meeting,
    Partner,
    ProgressReport,
    Project,
    ProjectFile,
    Proposal,
    ProposalAnswer,
    Theme,
)
from groups.models import ActivityField


def published_themes() -> QuerySet[Theme]:
    return Theme.objects.published().select_related("department", "field")


def open_themes(today: dt.date | None = None) -> QuerySet[Theme]:
    return (
        published_themes()
        .filter(deadline__gte=today or timezone.localdate())
        .order_by("deadline", "pk")
    )


def past_themes(today: dt.date | None = None) -> QuerySet[Theme]:
    return (
        published_themes()
        .filter(deadline__lt=today or timezone.localdate())
        .order_by("-deadline", "-pk")
    )


def departments() -> QuerySet[Partner]:
    return Partner.objects.filter(kind=Partner.Kind.DEPARTMENT, is_active=True).order_by("name")


def reachable_officials(department: Partner) -> QuerySet[DepartmentOfficial]:
    """The officials of ``department`` who are told by e-mail and can answer on the portal: an
    active account with an address."""
    return DepartmentOfficial.objects.filter(department=department, user__is_active=True).exclude(
        user__email=""
    )


def department_has_nobody_on_the_portal(department: Partner) -> bool:
    return not reachable_officials(department).exists()


def departments_to_assign() -> QuerySet[Partner]:
    """The departments a proposal can go to, each with ``reachable_officials``: how many of its
    officials have an active account with an address, that is who is told by e-mail and can
    answer on the portal (``reachable_officials``, counted here for every department at once)."""
    return departments().annotate(
        reachable_officials=Count(
            "officials",
            filter=Q(officials__user__is_active=True) & ~Q(officials__user__email=""),
        )
    )


def open_window(today: dt.date | None = None) -> CallWindow | None:
    today = today or timezone.localdate()
    return (
        CallWindow.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on")
        .first()
    )


def next_window(today: dt.date | None = None) -> CallWindow | None:
    today = today or timezone.localdate()
    return CallWindow.objects.filter(opens_on__gt=today).order_by("opens_on").first()


def citizen_proposals_open(today: dt.date | None = None) -> bool:
    """May a group send a proposal of its own (市民提案型) today?"""
    if (
        CollaborationSettings.load().citizen_proposals
        == CollaborationSettings.CitizenProposals.ANYTIME
    ):
        return True
    return open_window(today) is not None


def _with_list_joins(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("group", "theme", "department")


def proposals_of_groups(groups) -> QuerySet[Proposal]:
    return _with_list_joins(Proposal.objects.filter(group__in=groups)).order_by(
        "-created_at", "-pk"
    )


def all_proposals() -> QuerySet[Proposal]:
    """Every proposal but the groups' drafts (the office reads what was sent)."""
    return _with_list_joins(Proposal.objects.exclude(status=Proposal.Status.DRAFT)).order_by(
        "-submitted_at", "-pk"
    )


def screening_queue() -> QuerySet[Proposal]:
    """Submitted proposals the office has not yet assigned, oldest first."""
    return _with_list_joins(Proposal.objects.filter(status=Proposal.Status.SUBMITTED)).order_by(
        "submitted_at", "pk"
    )


def awaiting_answer(department: Partner | None = None) -> QuerySet[Proposal]:
    """Assigned proposals still waiting for the department's answer, soonest due first."""
    qs = Proposal.objects.filter(status__in=Proposal.AWAITING_ANSWER)
    if department is not None:
        qs = qs.filter(department=department)
    return _with_list_joins(qs).order_by("answer_due", "pk")


def answered(department: Partner | None = None, limit: int = 20) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(status__in=Proposal.DECIDED)
    if department is not None:
        qs = qs.filter(department=department)
    return _with_list_joins(qs).order_by("-assigned_at", "-pk")[:limit]


def department_desk_summary(user, today: dt.date | None = None) -> dict | None:
    """For My Page: the department ``user`` is an official of, with how many proposals await
    its answer, how many of them are past their due date and the nearest due date, in one query
    (None when ``user`` belongs to no department)."""
    today = today or timezone.localdate()
    awaiting = Q(assigned_proposals__status__in=Proposal.AWAITING_ANSWER)
    return (
        Partner.objects.filter(kind=Partner.Kind.DEPARTMENT, officials__user=user)
        .annotate(
            awaiting=Count("assigned_proposals", filter=awaiting),
            overdue=Count(
                "assigned_proposals", filter=awaiting & Q(assigned_proposals__answer_due__lt=today)
            ),
            nearest_due=Min("assigned_proposals__answer_due", filter=awaiting),
        )
        .values("name", "awaiting", "overdue", "nearest_due")
        .first()
    )


def office_desk_summary(today: dt.date | None = None) -> dict:
    """For the office's My Page: proposals to screen, and those awaiting a department's answer
    with how many are past their due date, in one query."""
    today = today or timezone.localdate()
    awaiting = Q(status__in=Proposal.AWAITING_ANSWER)
    return Proposal.objects.aggregate(
        to_screen=Count("pk", filter=Q(status=Proposal.Status.SUBMITTED)),
        awaiting=Count("pk", filter=awaiting),
        overdue=Count("pk", filter=awaiting & Q(answer_due__lt=today)),
    )


def themes_of(department: Partner) -> QuerySet[Theme]:
    return (
        Theme.objects.filter(department=department)
        .annotate(
            submitted=Count("proposals", filter=~Q(proposals__status__in=["draft", "withdrawn"]))
        )
        .select_related("field")
        .order_by("-deadline", "-pk")
    )


def proposal_page(proposal: Proposal) -> Proposal:
    """A proposal with its attachments, meetings and answers, in three queries."""
    return (
        Proposal.objects.select_related("group", "theme", "department", "field", "project")
        .prefetch_related(
            "attachments",
            Prefetch("meetings", queryset=Meeting.objects.order_by("held_on", "pk")),
            Prefetch(
                "answers",
                queryset=ProposalAnswer.objects.select_related("department").order_by(
                    "decided_at", "pk"
                ),
            ),
        )
        .get(pk=proposal.pk)
    )


# --------------------------------------------------------------------------- projects


def _project_joins(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("group", "department", "field")


def public_projects(field_slug: str | None = None) -> QuerySet[Project]:
    """Every project (all were adopted), by field, then the newest first; public data only."""
    qs = Project.objects.all()
    if field_slug:
        qs = qs.filter(field__slug=field_slug)
    return _project_joins(qs).order_by(
        F("field__order").asc(nulls_last=True), "field__pk", "-adopted_at", "-pk"
    )


def project_fields():
    """The activity fields that have projects (the list's filter)."""
    return ActivityField.objects.filter(
        pk__in=Project.objects.exclude(field=None).values("field")
    ).order_by("order", "pk")


def public_project(slug: str) -> Project:
    return _project_joins(Project.objects.all()).select_related("final_report").get(slug=slug)


def projects_for_desk(department: Partner | None = None) -> QuerySet[Project]:
    """A department's projects (the office: every project), those still running first."""
    qs = Project.objects.all()
    if department is not None:
        qs = qs.filter(department=department)
    return (
        _project_joins(qs)
        .annotate(evaluations_in=Count("evaluations", distinct=True))
        .order_by("status", "-adopted_at", "-pk")
    )


def projects_of_groups(groups) -> QuerySet[Project]:
    return _project_joins(Project.objects.filter(group__in=groups)).order_by("-adopted_at", "-pk")


def project_workspace(project: Project) -> Project:
    """A project with its agreement, documents, reports and evaluations, in a fixed number of
    queries."""
    return (
        _project_joins(Project.objects.all())
        .select_related("agreement", "final_report", "proposal")
        .prefetch_related(
            Prefetch("files", queryset=ProjectFile.objects.filter(report=None).order_by("pk")),
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.prefetch_related("files").order_by(
                    "reported_on", "pk"
                ),
            ),
            "evaluations",
        )
        .get(pk=project.pk)
    )

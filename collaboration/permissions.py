"""Who may do what in collaboration: every view asks here.

- the public: published themes (and adopted projects);
- a registered group's members: their group's proposals (draft, edit, submit, withdraw, attach);
- office staff: everything; they screen proposals and assign them to a department;
- a department official (an official whose account belongs to a department, DepartmentOfficial):
  the proposals assigned to their department only, which they answer; their department's themes.

Projects (協働事業): everyone reads their public page; the group's members, the department's
officials and the office work in the project's workspace. The office or the department records
the agreement (協定); the group's members write the progress and final reports; each side (the
group's members, the department's officials) evaluates once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.roles import is_office_staff, is_official
from collaboration.models import DepartmentOfficial, Evaluation, Partner, Project, Proposal, Theme
from collaboration.selectors import department_has_nobody_on_the_portal
from groups.models import Group
from groups.permissions import groups_user_can_act_for, is_member


def department_of(user) -> Partner | None:
    """The department an official's account belongs to (None for anyone else)."""
    if not is_official(user):
        return None
    cached = getattr(user, "_collaboration_department", False)
    if cached is False:
        post = (
            DepartmentOfficial.objects.select_related("department")
            .filter(user=user, department__kind=Partner.Kind.DEPARTMENT)
            .first()
        )
        cached = post.department if post else None
        user._collaboration_department = cached
    return cached


def is_department_official(user) -> bool:
    return department_of(user) is not None


def can_use_desk(user) -> bool:
    """The desk: the office's screening queue, or a department's proposals awaiting answer."""
    return is_office_staff(user) or is_department_official(user)


def proposing_groups(user):
    """Registered groups whose member ``user`` is: they may draft proposals for them."""
    return groups_user_can_act_for(user)


def can_propose(user) -> bool:
    return proposing_groups(user).exists()


def can_edit(user, proposal: Proposal) -> bool:
    """Drafting, submitting, withdrawing, attaching: the group's members, while registered."""
    group: Group = proposal.group
    return group.is_registered and is_member(user, group)


def can_see(user, proposal: Proposal) -> bool:
    if is_office_staff(user) or is_member(user, proposal.group):
        return True
    department = department_of(user)
    return (
        department is not None
        and proposal.department_id == department.pk
        and proposal.status in Proposal.WITH_DEPARTMENT
    )


def can_answer(user, proposal: Proposal) -> bool:
    department = department_of(user)
    return department is not None and proposal.department_id == department.pk


def can_record_answer_for_department(user, proposal: Proposal) -> bool:
    """Staff enter the answer a department sent the office, when nobody there uses the portal
    (it could not answer here itself)."""
    return (
        is_office_staff(user)
        and proposal.department_id is not None
        and department_has_nobody_on_the_portal(proposal.department)
    )


def can_record_meeting(user, proposal: Proposal) -> bool:
    return is_office_staff(user) or can_answer(user, proposal)


def can_assign(user) -> bool:
    return is_office_staff(user)


def proposal_for_viewer(pk: int, user) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("group", "theme", "department", "field"), pk=pk
    )
    if not can_see(user, proposal):
        raise PermissionDenied
    return proposal


def proposal_for_editor(pk: int, user) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("group", "theme"), pk=pk)
    if not can_edit(user, proposal):
        raise PermissionDenied
    return proposal


def proposal_for_department(pk: int, user) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("group", "theme", "department"), pk=pk
    )
    if not (can_answer(user, proposal) or can_record_answer_for_department(user, proposal)):
        raise PermissionDenied
    return proposal


def theme_for_department(slug: str, user) -> Theme:
    theme = get_object_or_404(Theme.objects.select_related("department"), slug=slug)
    department = department_of(user)
    if not (is_office_staff(user) or (department and theme.department_id == department.pk)):
        raise PermissionDenied
    return theme


# --------------------------------------------------------------------------- projects


def is_project_department(user, project: Project) -> bool:
    department = department_of(user)
    return department is not None and project.department_id == department.pk


def can_see_workspace(user, project: Project) -> bool:
    return (
        is_office_staff(user)
        or is_member(user, project.group)
        or is_project_department(user, project)
    )


def can_record_agreement(user, project: Project) -> bool:
    return is_office_staff(user) or is_project_department(user, project)


def can_report(user, project: Project) -> bool:
    """Progress and final reports: the group's members."""
    return is_member(user, project.group)


def evaluation_side(user, project: Project) -> str | None:
    """The side ``user`` evaluates for: the group's (a member) or the department's (one of its
    officials); None for anyone else (the office reads, it does not rate)."""
    if is_member(user, project.group):
        return Evaluation.Side.GROUP
    if is_project_department(user, project):
        return Evaluation.Side.DEPARTMENT
    return None


def _project(slug: str) -> Project:
    return get_object_or_404(
        Project.objects.select_related("group", "department", "field"), slug=slug
    )


def project_for_workspace(slug: str, user) -> Project:
    project = _project(slug)
    if not can_see_workspace(user, project):
        raise PermissionDenied
    return project


def project_for_agreement(slug: str, user) -> Project:
    project = _project(slug)
    if not can_record_agreement(user, project):
        raise PermissionDenied
    return project


def project_for_reporter(slug: str, user) -> Project:
    project = _project(slug)
    if not can_report(user, project):
        raise PermissionDenied
    return project


def project_for_evaluator(slug: str, user) -> tuple[Project, str]:
    project = _project(slug)
    side = evaluation_side(user, project)
    if side is None:
        raise PermissionDenied
    return project, side

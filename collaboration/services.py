"""What changes collaboration: partners, themes, proposals, their assignment, meetings and the
department's answer. Keyword-only, atomic, audited (collaboration/audit.py) and e-mailed on
commit (the mail log keeps every mail). Views, the admin, the demo and tests all come here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_office_staff, is_official
from collaboration import emails, selectors
from collaboration.models import (
    Agreement,
    CallWindow,
    CollaborationSettings,
    DepartmentOfficial,
    Evaluation,
    FinalReport,
    Meeting,
    Partner,
    ProgressReport,
    Project,
    ProjectFile,
    Proposal,
    ProposalAnswer,
    ProposalAttachment,
    Theme,
)
from collaboration.permissions import can_record_agreement, department_of, evaluation_side
from core import dates
from core.audit import log_action
from groups.models import Group, Membership

MAX_ATTACHMENTS = 5
PROPOSAL_FIELDS = (
    "title",
    "field",
    "aim",
    "activities",
    "role_group",
    "role_city",
    "budget",
    "budget_note",
    "schedule",
)
THEME_FIELDS = (
    "title",
    "field",
    "issue",
    "expectations",
    "budget_min",
    "budget_max",
    "deadline",
)


class CollaborationError(Exception):
    """A user-facing reason why a collaboration action cannot be done."""


# --------------------------------------------------------------------------- mail


def _link(obj) -> str:
    return emails.link(obj)


def _group_addresses(group: Group) -> list[str]:
    return sorted(
        {
            address
            for address in Membership.objects.filter(group=group, user__is_active=True).values_list(
                "user__email", flat=True
            )
            if address
        }
    )


def _department_addresses(department: Partner) -> list[str]:
    return sorted(
        set(selectors.reachable_officials(department).values_list("user__email", flat=True))
    )


def _mail(subject, body, recipients: list[str], **context) -> None:
    """``subject`` and ``body``: lazy messages, made in the recipients' language (emails.py)."""
    emails.send_after_commit(subject=subject, body=body, to=recipients, context=context)


def _validate(obj, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise CollaborationError(" ".join(exc.messages)) from exc


# --------------------------------------------------------------------------- partners (admin)


def partner_save(*, actor, partner: Partner, changed: list[str] | None = None) -> Partner:
    """Staff save a partner (the admin's form); audited with the changed fields."""
    with transaction.atomic():
        partner.save()
        log_action(
            actor=actor,
            action="collaboration.partner_save",
            target=partner,
            fields=list(changed or []),
        )
    return partner


def partner_delete(*, actor, partner: Partner) -> None:
    with transaction.atomic():
        log_action(actor=actor, action="collaboration.partner_delete", target=partner)
        partner.delete()


def official_assign(*, actor, user, department: Partner) -> DepartmentOfficial:
    """The official's account belongs to ``department`` from now on (one department each)."""
    if not department.is_department:
        raise CollaborationError(_("Only a city department can have officials."))
    if not is_official(user):
        raise CollaborationError(
            _("%(user)s is not a city official: give the account the city official role first.")
            % {"user": user}
        )
    with transaction.atomic():
        post, _created = DepartmentOfficial.objects.update_or_create(
            user=user, defaults={"department": department}
        )
        log_action(
            actor=actor,
            action="collaboration.official_assign",
            target=user,
            department=department.name,
        )
    user.__dict__.pop("_collaboration_department", None)
    return post


def official_remove(*, actor, post: DepartmentOfficial) -> None:
    with transaction.atomic():
        log_action(actor=actor, action="collaboration.official_remove", target=post.user)
        post.delete()


def settings_update(*, actor, citizen_proposals: str) -> CollaborationSettings:
    """Whether groups may propose projects of their own at any time or in call windows only."""
    with transaction.atomic():
        obj = CollaborationSettings.load()
        obj.citizen_proposals = citizen_proposals
        obj.save()
        log_action(
            actor=actor,
            action="collaboration.settings_update",
            target=obj,
            citizen_proposals=citizen_proposals,
        )
    return obj


def window_save(*, actor, window: CallWindow, changed: list[str] | None = None) -> CallWindow:
    if window.closes_on < window.opens_on:
        raise CollaborationError(_("A call window cannot close before it opens."))
    with transaction.atomic():
        window.save()
        log_action(
            actor=actor,
            action="collaboration.window_save",
            target=window,
            fields=list(changed or []),
        )
    return window


def window_delete(*, actor, window: CallWindow) -> None:
    with transaction.atomic():
        log_action(actor=actor, action="collaboration.window_delete", target=window)
        window.delete()


# --------------------------------------------------------------------------- themes


def _unique_slug(title: str, deadline: dt.date) -> str:
    base = slugify(title, allow_unicode=False)[:50].strip("-") or "theme"
    base = f"{deadline.year}-{base}"
    slug, n = base, 2
    while Theme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_budget(budget_min, budget_max) -> None:
    if budget_min is not None and budget_max is not None and budget_max < budget_min:
        raise CollaborationError(_("The budget's upper end is below its lower end."))


def theme_save(
    *,
    actor,
    department: Partner,
    theme: Theme | None = None,
    publish: bool = False,
    now: dt.datetime | None = None,
    **fields,
) -> Theme:
    """A department's theme (行政提案型), new or edited; ``publish`` puts it online at once."""
    if not department.is_department:
        raise CollaborationError(_("Only a city department publishes themes."))
    now = now or timezone.now()
    creating = theme is None
    theme = theme or Theme(department=department)
    if theme.status == Theme.Status.WITHDRAWN:
        raise CollaborationError(_("A withdrawn theme can no longer be changed."))
    changed = [
        name
        for name in THEME_FIELDS
        if name in fields and getattr(theme, name, None) != fields[name]
    ]
    for name in THEME_FIELDS:
        if name in fields:
            setattr(theme, name, fields[name])
    _check_budget(theme.budget_min, theme.budget_max)
    if creating and theme.deadline < timezone.localdate(now):
        raise CollaborationError(_("The deadline cannot be in the past."))
    if creating:
        theme.slug = _unique_slug(theme.title, theme.deadline)
    _validate(theme, exclude=["department", "status", "published_at"])
    with transaction.atomic():
        theme.save()
        if creating:
            Theme.objects.filter(pk=theme.pk).update(created_at=now)
        log_action(
            actor=actor,
            action="collaboration.theme_save",
            target=theme,
            fields=changed,
            at=now if creating else None,
        )
        if publish and theme.status == Theme.Status.DRAFT:
            theme_publish(actor=actor, theme=theme, now=now)
    return theme


def theme_staff_save(*, actor, theme: Theme, changed: list[str] | None = None) -> Theme:
    """Staff edit a theme in the admin (a department's own page uses ``theme_save``)."""
    if not theme.department.is_department:
        raise CollaborationError(_("Only a city department publishes themes."))
    _check_budget(theme.budget_min, theme.budget_max)
    creating = theme.pk is None
    if creating and not theme.slug:
        theme.slug = _unique_slug(theme.title, theme.deadline)
    with transaction.atomic():
        theme.save()
        log_action(
            actor=actor, action="collaboration.theme_save", target=theme, fields=list(changed or [])
        )
    return theme


def theme_publish(*, actor, theme: Theme, now: dt.datetime | None = None) -> Theme:
    now = now or timezone.now()
    if theme.status != Theme.Status.DRAFT:
        raise CollaborationError(_("Only a draft theme can be published."))
    if theme.deadline < timezone.localdate(now):
        raise CollaborationError(_("The deadline has passed: set a new one before publishing."))
    with transaction.atomic():
        theme.status = Theme.Status.PUBLISHED
        theme.published_at = now
        theme.save(update_fields=["status", "published_at"])
        log_action(actor=actor, action="collaboration.theme_publish", target=theme, at=now)
    return theme


def theme_withdraw(*, actor, theme: Theme) -> Theme:
    if theme.status == Theme.Status.WITHDRAWN:
        return theme
    with transaction.atomic():
        theme.status = Theme.Status.WITHDRAWN
        theme.save(update_fields=["status"])
        log_action(actor=actor, action="collaboration.theme_withdraw", target=theme)
    return theme


# --------------------------------------------------------------------------- proposals


def _check_group(actor, group: Group) -> None:
    if not group.is_registered or not Membership.objects.filter(group=group, user=actor).exists():
        raise CollaborationError(_("Only members of a registered group can propose for it."))


def _check_can_send(proposal: Proposal, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    if proposal.theme_id:
        theme = proposal.theme
        if theme.status != Theme.Status.PUBLISHED:
            raise CollaborationError(_("This theme no longer takes proposals."))
        if theme.deadline < today:
            raise CollaborationError(
                _("The deadline for this theme (%(day)s) has passed.")
                % {"day": dates.day(theme.deadline)}
            )
    elif not selectors.citizen_proposals_open(today):
        raise CollaborationError(
            _("Groups' own proposals are accepted within the call windows only; none is open now.")
        )


def proposal_create(
    *,
    actor,
    group: Group,
    theme: Theme | None = None,
    now: dt.datetime | None = None,
    **fields,
) -> Proposal:
    """A draft proposal of ``group`` (to ``theme``, or the group's own idea)."""
    now = now or timezone.now()
    _check_group(actor, group)
    proposal = Proposal(
        group=group,
        theme=theme,
        kind=Proposal.Kind.ADMINISTRATIVE if theme else Proposal.Kind.CITIZEN,
        created_by=actor,
        created_at=now,
        **{name: fields[name] for name in PROPOSAL_FIELDS if name in fields},
    )
    _check_can_send(proposal, now)
    _validate(proposal, exclude=["group", "theme", "created_by", "department"])
    with transaction.atomic():
        proposal.save()
        log_action(actor=actor, action="collaboration.proposal_create", target=proposal, at=now)
    return proposal


def proposal_update(*, actor, proposal: Proposal, **fields) -> Proposal:
    """The group edits its draft (a submitted proposal is the office's to read, unchanged)."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("theme", "group")
            .get(pk=proposal.pk)
        )
        if not proposal.is_draft:
            raise CollaborationError(_("Only a draft can be edited; this proposal was sent."))
        changed = [n for n in PROPOSAL_FIELDS if n in fields and getattr(proposal, n) != fields[n]]
        for name in changed:
            setattr(proposal, name, fields[name])
        _validate(proposal, exclude=["group", "theme", "created_by", "department"])
        if changed:
            proposal.save(update_fields=changed)
            log_action(
                actor=actor,
                action="collaboration.proposal_update",
                target=proposal,
                fields=changed,
            )
    return proposal


def proposal_submit(*, actor, proposal: Proposal, now: dt.datetime | None = None) -> Proposal:
    """The group sends its draft to the office (before the theme's deadline)."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("theme", "group")
            .get(pk=proposal.pk)
        )
        if not proposal.is_draft:
            raise CollaborationError(_("This proposal was already sent."))
        _check_can_send(proposal, now)
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = now
        proposal.save(update_fields=["status", "submitted_at"])
        log_action(actor=actor, action="collaboration.proposal_submit", target=proposal, at=now)
        _mail(
            gettext_lazy("New joint-project proposal: %(title)s"),
            gettext_lazy("%(group)s sent a joint-project proposal.\n\n%(title)s\n%(url)s\n"),
            [settings.OFFICE_EMAIL],
            group=proposal.group.name,
            title=proposal.title,
            url=_link(proposal),
        )
        _mail(
            gettext_lazy("We received your proposal: %(title)s"),
            gettext_lazy(
                "Thank you. The office received your joint-project proposal and will screen it, "
                "then pass it to the city department concerned.\n\n%(title)s\n%(url)s\n"
            ),
            _group_addresses(proposal.group),
            title=proposal.title,
            url=_link(proposal),
        )
    return proposal


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        if not proposal.can_be_withdrawn:
            raise CollaborationError(_("A decided or withdrawn proposal cannot be withdrawn."))
        was_sent = not proposal.is_draft
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.save(update_fields=["status"])
        log_action(actor=actor, action="collaboration.proposal_withdraw", target=proposal)
        if was_sent:
            _mail(
                gettext_lazy("Proposal withdrawn: %(title)s"),
                gettext_lazy("The group withdrew its proposal.\n\n%(url)s\n"),
                [settings.OFFICE_EMAIL]
                + (_department_addresses(proposal.department) if proposal.department_id else []),
                title=proposal.title,
                url=_link(proposal),
            )
    return proposal


def proposal_assign(
    *,
    actor,
    proposal: Proposal,
    department: Partner,
    answer_due: dt.date,
    now: dt.datetime | None = None,
) -> Proposal:
    """The office, having screened it, passes the proposal to a department (or to another one
    while it still awaits an answer)."""
    now = now or timezone.now()
    if not department.is_department:
        raise CollaborationError(_("Proposals are assigned to a city department."))
    if answer_due < timezone.localdate(now):
        raise CollaborationError(_("The answer's due date cannot be in the past."))
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=proposal.pk)
        )
        if proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.ASSIGNED):
            raise CollaborationError(
                _("Only a submitted proposal waiting for its first answer can be assigned.")
            )
        proposal.status = Proposal.Status.ASSIGNED
        proposal.department = department
        proposal.answer_due = answer_due
        proposal.assigned_at = now
        proposal.save(update_fields=["status", "department", "answer_due", "assigned_at"])
        log_action(
            actor=actor,
            action="collaboration.proposal_assign",
            target=proposal,
            department=department.name,
            answer_due=answer_due.isoformat(),
            at=now,
        )
        context = {
            "title": proposal.title,
            "group": proposal.group.name,
            "department": department.name,
            "due": answer_due,
            "url": _link(proposal),
        }
        _mail(
            gettext_lazy("A proposal awaits your department's answer: %(title)s"),
            gettext_lazy(
                "The office passed a joint-project proposal from %(group)s to %(department)s.\n"
                "Answer due by %(due)s.\n\n%(url)s\n"
            ),
            _department_addresses(department),
            **context,
        )
        _mail(
            gettext_lazy("Your proposal went to %(department)s"),
            gettext_lazy(
                "The office passed your proposal “%(title)s” to %(department)s, which will answer "
                "by %(due)s.\n\n%(url)s\n"
            ),
            _group_addresses(proposal.group),
            **context,
        )
    return proposal


def meeting_record(
    *,
    actor,
    proposal: Proposal,
    held_on: dt.date,
    attendees: str,
    notes: str,
    now: dt.datetime | None = None,
) -> Meeting:
    """A meeting (協議) about a proposal with the department, recorded with its notes."""
    now = now or timezone.now()
    if held_on > timezone.localdate(now):
        raise CollaborationError(_("A meeting is recorded once it has been held."))
    if proposal.status not in Proposal.WITH_DEPARTMENT:
        raise CollaborationError(_("Meetings are recorded once the proposal is with a department."))
    meeting = Meeting(
        proposal=proposal, held_on=held_on, attendees=attendees, notes=notes, recorded_by=actor
    )
    _validate(meeting, exclude=["proposal", "recorded_by"])
    with transaction.atomic():
        meeting.save()
        log_action(
            actor=actor,
            action="collaboration.meeting_record",
            target=proposal,
            held_on=held_on.isoformat(),
            at=now,
        )
    return meeting


def proposal_answer(
    *,
    actor,
    proposal: Proposal,
    department: Partner,
    decision: str,
    reasons: str,
    now: dt.datetime | None = None,
) -> ProposalAnswer:
    """The department's answer: 採択 / 不採択 (final) or 継続協議 (another answer follows).
    ``department``: the actor's own (permissions.department_of); another's is refused. The
    office's staff enter the answer of a department nobody in which uses the portal, as the
    department sent it to them (marked so on the answer)."""
    now = now or timezone.now()
    on_behalf = department_of(actor) != department
    if on_behalf and not (
        is_office_staff(actor) and selectors.department_has_nobody_on_the_portal(department)
    ):
        raise CollaborationError(
            _(
                "Only the department answers; the office enters an answer only for a department "
                "nobody in which uses the portal."
            )
        )
    if decision not in ProposalAnswer.Decision.values:
        raise CollaborationError(_("Choose an answer."))
    if not reasons.strip():
        raise CollaborationError(_("Give the reasons for the answer."))
    try:
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update(of=("self",))
                .select_related("group")
                .get(pk=proposal.pk)
            )
            if proposal.department_id != department.pk:
                raise CollaborationError(
                    _("This proposal is assigned to another department: only it can answer.")
                )
            if proposal.is_decided:
                raise CollaborationError(
                    _("This proposal was already answered (%(answer)s).")
                    % {"answer": proposal.get_status_display()}
                )
            if not proposal.awaits_answer:
                raise CollaborationError(_("This proposal does not await an answer."))
            answer = ProposalAnswer.objects.create(
                proposal=proposal,
                decision=decision,
                reasons=reasons.strip(),
                department=department,
                decided_by=actor,
                decided_at=now,
                recorded_by_office=on_behalf,
            )
            proposal.status = decision
            proposal.save(update_fields=["status"])
            log_action(
                actor=actor,
                action="collaboration.proposal_answer",
                target=proposal,
                decision=decision,
                at=now,
                recorded_by_office=on_behalf,
            )
            context = {
                "department": department.name,
                "title": proposal.title,
                "answer": ProposalAnswer.Decision(decision).label,
                "reasons": answer.reasons,
                "url": _link(proposal),
            }
            _mail(
                gettext_lazy("The city's answer to your proposal: %(answer)s"),
                gettext_lazy(
                    "%(department)s answered your joint-project proposal “%(title)s”: "
                    "%(answer)s.\n\nReasons:\n%(reasons)s\n\n%(url)s\n"
                ),
                _group_addresses(proposal.group),
                **context,
            )
            _mail(
                gettext_lazy("%(department)s answered a proposal: %(answer)s"),
                "%(title)s\n%(url)s\n",
                [settings.OFFICE_EMAIL],
                **context,
            )
            if decision == ProposalAnswer.Decision.ADOPTED:
                project_create(actor=actor, proposal=proposal, now=now)
    except IntegrityError as exc:  # two answers at once: the database keeps one final answer
        raise CollaborationError(_("This proposal was already answered.")) from exc
    return answer


# --------------------------------------------------------------------------- attachments


def attachment_add(*, actor, proposal: Proposal, content, name: str) -> ProposalAttachment:
    """``content``: a file already checked by core.uploads (PDF, or an image without EXIF)."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        if proposal.status in (*Proposal.DECIDED, Proposal.Status.WITHDRAWN):
            raise CollaborationError(_("Documents cannot be added to a closed proposal."))
        if proposal.attachments.count() >= MAX_ATTACHMENTS:
            raise CollaborationError(
                _("A proposal has at most %(n)d documents.") % {"n": MAX_ATTACHMENTS}
            )
        attachment = ProposalAttachment(proposal=proposal, name=name[:120], uploaded_by=actor)
        attachment.file.save(content.name, content, save=False)
        attachment.save()
        log_action(
            actor=actor,
            action="collaboration.attachment_add",
            target=proposal,
            name=attachment.name,
        )
    return attachment


def attachment_delete(*, actor, attachment: ProposalAttachment) -> None:
    proposal = attachment.proposal
    if not proposal.is_draft:
        raise CollaborationError(_("Documents of a sent proposal stay with it."))
    with transaction.atomic():
        log_action(
            actor=actor,
            action="collaboration.attachment_delete",
            target=proposal,
            name=attachment.name,
        )
        attachment.delete()
    transaction.on_commit(lambda: attachment.file.delete(save=False))


# --------------------------------------------------------------------------- projects (協働事業)

MAX_PROJECT_FILES = 10
AGREEMENT_FIELDS = ("role_group", "role_city", "budget", "starts_on", "ends_on", "concluded_on")


def _project_slug(title: str, year: int) -> str:
    base = slugify(title, allow_unicode=False)[:50].strip("-") or "project"
    base = f"{year}-{base}"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locked_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("group", "department")
        .get(pk=project.pk)
    )


def _project_people(project: Project) -> list[str]:
    """Everyone concerned: the group's members, the department's officials, the office."""
    return [
        *_group_addresses(project.group),
        *_department_addresses(project.department),
        settings.OFFICE_EMAIL,
    ]


def _project_context(project: Project) -> dict:
    return {
        "title": project.title,
        "group": project.group.name,
        "department": project.department.name,
        "url": emails.link(project, project.get_workspace_url()),
    }


def project_create(*, actor, proposal: Proposal, now: dt.datetime | None = None) -> Project:
    """An adopted proposal (採択) becomes a project, preparing its agreement. Called by
    ``proposal_answer`` in the same transaction; once per proposal."""
    now = now or timezone.now()
    if proposal.status != Proposal.Status.ADOPTED:
        raise CollaborationError(_("Only an adopted proposal becomes a project."))
    with transaction.atomic():
        if Project.objects.filter(proposal=proposal).exists():
            raise CollaborationError(_("This proposal is already a project."))
        project = Project.objects.create(
            proposal=proposal,
            slug=_project_slug(proposal.title, timezone.localdate(now).year),
            title=proposal.title,
            group=proposal.group,
            department=proposal.department,
            field=proposal.field,
            aims=proposal.aim,
            summary=proposal.aim[:300],
            budget=proposal.budget,
            adopted_at=now,
        )
        log_action(actor=actor, action="collaboration.project_create", target=project, at=now)
    return project


def _check_dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise CollaborationError(_("The project cannot end before it starts."))


def _add_file(*, actor, project: Project, content, name: str, report=None) -> ProjectFile:
    if project.files.count() >= MAX_PROJECT_FILES:
        raise CollaborationError(
            _("A project has at most %(n)d documents.") % {"n": MAX_PROJECT_FILES}
        )
    item = ProjectFile(project=project, report=report, name=name[:120], uploaded_by=actor)
    item.file.save(content.name, content, save=False)
    item.save()
    return item


def agreement_record(
    *,
    actor,
    project: Project,
    role_group: str,
    role_city: str,
    budget: int,
    starts_on: dt.date,
    ends_on: dt.date,
    concluded_on: dt.date,
    summary: str | None = None,
    document=None,
    now: dt.datetime | None = None,
) -> Agreement:
    """協定: the office or the department's official records what both sides agreed; the project
    runs from then on. ``document``: a file already checked by core.uploads (optional)."""
    now = now or timezone.now()
    if not can_record_agreement(actor, project):
        raise CollaborationError(
            _("Only the office or the department's officials record the agreement.")
        )
    _check_dates(starts_on, ends_on)
    if concluded_on > timezone.localdate(now):
        raise CollaborationError(_("An agreement is recorded once it has been concluded."))
    if not role_group.strip() or not role_city.strip():
        raise CollaborationError(_("Write the roles of both sides."))
    with transaction.atomic():
        project = _locked_project(project)
        if project.status != Project.Status.PREPARING:
            raise CollaborationError(_("The agreement of this project was already recorded."))
        agreement = Agreement(
            project=project,
            role_group=role_group.strip(),
            role_city=role_city.strip(),
            budget=budget,
            starts_on=starts_on,
            ends_on=ends_on,
            concluded_on=concluded_on,
            recorded_by=actor,
            recorded_at=now,
        )
        _validate(agreement, exclude=["project", "recorded_by"])
        agreement.save()
        project.status = Project.Status.RUNNING
        project.starts_on, project.ends_on, project.budget = starts_on, ends_on, budget
        fields = ["status", "starts_on", "ends_on", "budget"]
        if summary is not None:
            project.summary = summary.strip()
            fields.append("summary")
        project.save(update_fields=fields)
        if document is not None:
            _add_file(actor=actor, project=project, content=document, name=document.original_name)
        log_action(
            actor=actor,
            action="collaboration.agreement_record",
            target=project,
            concluded_on=concluded_on.isoformat(),
            at=now,
        )
        _mail(
            gettext_lazy("Agreement concluded: %(title)s"),
            gettext_lazy(
                "The agreement (協定) of the joint project “%(title)s” between %(group)s and "
                "%(department)s was recorded: %(starts)s to %(ends)s, budget %(budget)s yen.\n"
                "The group's members write their progress reports in the project's "
                "workspace.\n\n%(url)s\n"
            ),
            _project_people(project),
            starts=starts_on,
            ends=ends_on,
            budget=f"{budget:,}",
            **_project_context(project),
        )
    return agreement


def project_document_add(*, actor, project: Project, content, name: str) -> ProjectFile:
    """A further document of the agreement (the office or the department)."""
    if not can_record_agreement(actor, project):
        raise CollaborationError(
            _("Only the office or the department's officials add the agreement's documents.")
        )
    with transaction.atomic():
        project = _locked_project(project)
        item = _add_file(actor=actor, project=project, content=content, name=name)
        log_action(
            actor=actor, action="collaboration.project_document_add", target=project, name=name
        )
    return item


def _check_member(actor, project: Project) -> None:
    if not Membership.objects.filter(group=project.group_id, user=actor).exists():
        raise CollaborationError(_("Only the group's members write its reports."))


def progress_report_add(
    *,
    actor,
    project: Project,
    reported_on: dt.date,
    text: str,
    document=None,
    now: dt.datetime | None = None,
) -> ProgressReport:
    """経過報告 by a member of the group while the project runs (with an optional document)."""
    now = now or timezone.now()
    _check_member(actor, project)
    if not text.strip():
        raise CollaborationError(_("Write what happened."))
    if reported_on > timezone.localdate(now):
        raise CollaborationError(_("A progress report cannot be dated in the future."))
    with transaction.atomic():
        project = _locked_project(project)
        if project.status != Project.Status.RUNNING:
            raise CollaborationError(
                _("Progress reports are written while the project runs (after its agreement).")
            )
        if project.starts_on and reported_on < project.starts_on:
            raise CollaborationError(
                _("The project started on %(day)s: a report cannot be dated before it.")
                % {"day": dates.day(project.starts_on)}
            )
        report = ProgressReport(
            project=project,
            reported_on=reported_on,
            text=text.strip(),
            written_by=actor,
            created_at=now,
        )
        _validate(report, exclude=["project", "written_by"])
        report.save()
        if document is not None:
            _add_file(
                actor=actor,
                project=project,
                content=document,
                name=document.original_name,
                report=report,
            )
        log_action(
            actor=actor,
            action="collaboration.progress_report_add",
            target=project,
            reported_on=reported_on.isoformat(),
            at=now,
        )
        _mail(
            gettext_lazy("Progress report: %(title)s"),
            gettext_lazy(
                "%(group)s wrote a progress report (経過報告) of the joint project “%(title)s” "
                "(%(day)s).\n\n%(url)s\n"
            ),
            [*_department_addresses(project.department), settings.OFFICE_EMAIL],
            day=reported_on,
            **_project_context(project),
        )
    return report


def final_report_submit(
    *,
    actor,
    project: Project,
    results: str,
    spending: int,
    spending_note: str = "",
    now: dt.datetime | None = None,
) -> FinalReport:
    """完了報告: the group's results and spending, once; the project is completed and both
    sides are asked for their evaluation."""
    now = now or timezone.now()
    _check_member(actor, project)
    if not results.strip():
        raise CollaborationError(_("Write the project's results."))
    try:
        with transaction.atomic():
            project = _locked_project(project)
            if project.status == Project.Status.COMPLETED:
                raise CollaborationError(_("The final report of this project was already sent."))
            if project.status != Project.Status.RUNNING:
                raise CollaborationError(
                    _("The final report follows the agreement: none is recorded yet.")
                )
            report = FinalReport(
                project=project,
                results=results.strip(),
                spending=spending,
                spending_note=spending_note.strip(),
                written_by=actor,
                submitted_at=now,
            )
            _validate(report, exclude=["project", "written_by"])
            report.save()
            project.status = Project.Status.COMPLETED
            project.completed_at = now
            project.save(update_fields=["status", "completed_at"])
            log_action(
                actor=actor, action="collaboration.final_report_submit", target=project, at=now
            )
            _mail(
                gettext_lazy("Final report: %(title)s — please evaluate"),
                gettext_lazy(
                    "%(group)s sent the final report (完了報告) of the joint project "
                    "“%(title)s”. The project is completed.\n"
                    "Both sides now evaluate it together (合同評価): the group and %(department)s "
                    "each rate it once in the project's workspace.\n\n%(url)s\n"
                ),
                _project_people(project),
                **_project_context(project),
            )
    except IntegrityError as exc:  # two reports at once: the database keeps one
        raise CollaborationError(_("The final report of this project was already sent.")) from exc
    return report


def evaluation_submit(
    *,
    actor,
    project: Project,
    side: str,
    rating_goals: int,
    rating_effect: int,
    rating_roles: int,
    rating_continuity: int,
    comment: str,
    next_year: str,
    now: dt.datetime | None = None,
) -> Evaluation:
    """合同評価: one side's ratings (1–5 per criterion), comment and wish for next year; each
    side once. ``side``: the actor's own (permissions.evaluation_side); another's is refused."""
    now = now or timezone.now()
    if side not in Evaluation.Side.values or evaluation_side(actor, project) != side:
        raise CollaborationError(
            _(
                "Only the group's members and the department's officials evaluate, each for "
                "their side."
            )
        )
    if next_year not in Evaluation.NextYear.values:
        raise CollaborationError(_("Choose what should happen next year."))
    if not comment.strip():
        raise CollaborationError(_("Write a comment with your ratings."))
    label = Evaluation.Side(side).label
    already = _("%(side)s has already evaluated this project; each side evaluates once.")
    try:
        with transaction.atomic():
            project = _locked_project(project)
            if project.status != Project.Status.COMPLETED:
                raise CollaborationError(_("A project is evaluated after its final report."))
            if project.evaluations.filter(side=side).exists():
                raise CollaborationError(already % {"side": label})
            evaluation = Evaluation(
                project=project,
                side=side,
                rating_goals=rating_goals,
                rating_effect=rating_effect,
                rating_roles=rating_roles,
                rating_continuity=rating_continuity,
                comment=comment.strip(),
                next_year=next_year,
                written_by=actor,
                submitted_at=now,
            )
            _validate(evaluation, exclude=["project", "written_by"])
            evaluation.save()
            log_action(
                actor=actor,
                action="collaboration.evaluation_submit",
                target=project,
                side=side,
                next_year=next_year,
                at=now,
            )
            if project.evaluations.count() == 2:
                _mail(
                    gettext_lazy("Joint evaluation complete: %(title)s"),
                    gettext_lazy(
                        "The group and %(department)s have both evaluated the joint project "
                        "“%(title)s”. Read the joint evaluation in the project's "
                        "workspace.\n\n%(url)s\n"
                    ),
                    _project_people(project),
                    **_project_context(project),
                )
            else:
                other = (
                    _department_addresses(project.department)
                    if side == Evaluation.Side.GROUP
                    else _group_addresses(project.group)
                )
                _mail(
                    gettext_lazy("Your evaluation is awaited: %(title)s"),
                    gettext_lazy(
                        "%(side)s evaluated the joint project “%(title)s”. The joint evaluation "
                        "is shown once your side has answered too.\n\n%(url)s\n"
                    ),
                    [*other, settings.OFFICE_EMAIL],
                    side=label,
                    **_project_context(project),
                )
    except IntegrityError as exc:  # both at once: the database keeps one per side
        raise CollaborationError(already % {"side": label}) from exc
    return evaluation

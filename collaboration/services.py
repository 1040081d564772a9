"""What changes collaboration: partners, themes, proposals, their assignment, meetings and the
department's answer. Keyword-only, atomic, audited (collaboration/audit.py) and e-mailed on
commit (the mail log keeps every mail). Views, the admin, the demo and tests all come here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.roles import is_official
from collaboration import selectors
from collaboration.models import (
    CallWindow,
    CollaborationSettings,
    DepartmentOfficial,
    Meeting,
    Partner,
    Proposal,
    ProposalAnswer,
    ProposalAttachment,
    Theme,
)
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
    return f"{settings.SITE_URL}{obj.get_absolute_url()}"


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
        {
            address
            for address in DepartmentOfficial.objects.filter(
                department=department, user__is_active=True
            ).values_list("user__email", flat=True)
            if address
        }
    )


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    subject = f"[{_('Collaboration')}] {subject}"
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
        )
    )


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
            _("%(user)s is not a city official: ask an administrator to make them one first.")
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
                % {"day": theme.deadline.isoformat()}
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
            _("New joint-project proposal: %(title)s") % {"title": proposal.title},
            _("%(group)s sent a joint-project proposal.\n\n%(title)s\n%(url)s\n")
            % {"group": proposal.group.name, "title": proposal.title, "url": _link(proposal)},
            [settings.OFFICE_EMAIL],
        )
        _mail(
            _("We received your proposal: %(title)s") % {"title": proposal.title},
            _(
                "Thank you. The office received your joint-project proposal and will screen it, "
                "then pass it to the city department concerned.\n\n%(title)s\n%(url)s\n"
            )
            % {"title": proposal.title, "url": _link(proposal)},
            _group_addresses(proposal.group),
        )
    return proposal


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        if proposal.status in (*Proposal.DECIDED, Proposal.Status.WITHDRAWN):
            raise CollaborationError(_("A decided or withdrawn proposal cannot be withdrawn."))
        was_sent = not proposal.is_draft
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.save(update_fields=["status"])
        log_action(actor=actor, action="collaboration.proposal_withdraw", target=proposal)
        if was_sent:
            _mail(
                _("Proposal withdrawn: %(title)s") % {"title": proposal.title},
                _("The group withdrew its proposal.\n\n%(url)s\n") % {"url": _link(proposal)},
                [settings.OFFICE_EMAIL]
                + (_department_addresses(proposal.department) if proposal.department_id else []),
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
        _mail(
            _("A proposal awaits your department's answer: %(title)s") % {"title": proposal.title},
            _(
                "The office passed a joint-project proposal from %(group)s to %(department)s.\n"
                "Answer due by %(due)s.\n\n%(url)s\n"
            )
            % {
                "group": proposal.group.name,
                "department": department.name,
                "due": answer_due.isoformat(),
                "url": _link(proposal),
            },
            _department_addresses(department),
        )
        _mail(
            _("Your proposal went to %(department)s") % {"department": department.name},
            _(
                "The office passed your proposal “%(title)s” to %(department)s, which will answer "
                "by %(due)s.\n\n%(url)s\n"
            )
            % {
                "title": proposal.title,
                "department": department.name,
                "due": answer_due.isoformat(),
                "url": _link(proposal),
            },
            _group_addresses(proposal.group),
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
    ``department``: the actor's own (permissions.department_of); another's is refused."""
    now = now or timezone.now()
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
            )
            proposal.status = decision
            proposal.save(update_fields=["status"])
            log_action(
                actor=actor,
                action="collaboration.proposal_answer",
                target=proposal,
                decision=decision,
                at=now,
            )
            label = answer.get_decision_display()
            _mail(
                _("The city's answer to your proposal: %(answer)s") % {"answer": label},
                _(
                    "%(department)s answered your joint-project proposal “%(title)s”: "
                    "%(answer)s.\n\nReasons:\n%(reasons)s\n\n%(url)s\n"
                )
                % {
                    "department": department.name,
                    "title": proposal.title,
                    "answer": label,
                    "reasons": answer.reasons,
                    "url": _link(proposal),
                },
                _group_addresses(proposal.group),
            )
            _mail(
                _("%(department)s answered a proposal: %(answer)s")
                % {"department": department.name, "answer": label},
                f"{proposal.title}\n{_link(proposal)}\n",
                [settings.OFFICE_EMAIL],
            )
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

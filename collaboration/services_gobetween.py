"""What changes the go-between's record (媒介役): a consultation referred to a partner or a
group, an introduction made from the partner suggestions, its follow-up and what came of it.
Keyword-only, atomic, audited (collaboration/audit.py); staff's pages and the admin call these.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from collaboration.models import Partner
from collaboration.models_gobetween import Introduction
from core.audit import log_action
from groups.models import Consultation, Group

EDITABLE_FIELDS = ("made_on", "note", "follow_up_on", "assignee")


class GoBetweenError(Exception):
    """A user-facing reason why the go-between's record cannot be written."""


def _check_parties(*, from_group: Group | None, to_group: Group | None, partner) -> None:
    if (to_group is None) == (partner is None):
        raise GoBetweenError(_("Choose either a partner or a registered group to introduce to."))
    if to_group is not None and not to_group.is_registered:
        raise GoBetweenError(_("Only a registered group can be introduced to."))
    if to_group is not None and from_group is not None and to_group.pk == from_group.pk:
        raise GoBetweenError(_("A group cannot be introduced to itself."))
    if partner is not None and not partner.is_active:
        raise GoBetweenError(_("This partner is no longer active."))


def _check_follow_up(
    *, made_on: dt.date, follow_up_on: dt.date | None, assignee, today: dt.date | None = None
) -> None:
    if made_on > (today or timezone.localdate()):
        raise GoBetweenError(_("The date of the introduction cannot be in the future."))
    if follow_up_on is not None and follow_up_on < made_on:
        raise GoBetweenError(_("The follow-up date cannot be before the introduction."))
    if assignee is not None and not is_office_staff(assignee):
        raise GoBetweenError(_("The follow-up is for a member of the office's staff."))


def _record(*, actor, now: dt.datetime | None, note: str, audit: dict, **values) -> Introduction:
    """Save the introduction (referral or suggestion) and audit it: the tail both records share.
    ``now``: a replayed past step (the demo seeder) is recorded when it happened."""
    try:
        with transaction.atomic():
            row = Introduction.objects.create(
                note=note.strip(),
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                **values,
            )
    except IntegrityError as exc:  # a check the services above missed: never a 500
        raise GoBetweenError(_("This introduction could not be recorded.")) from exc
    if now is not None:
        Introduction.objects.filter(pk=row.pk).update(created_at=now)
        row.created_at = now
    log_action(
        actor=actor,
        action="collaboration.introduction_record",
        target=row,
        kind=row.kind,
        at=now,
        **audit,
    )
    return row


@transaction.atomic
def referral_record(
    *,
    actor,
    consultation: Consultation,
    to_group: Group | None = None,
    partner: Partner | None = None,
    made_on: dt.date | None = None,
    follow_up_on: dt.date | None = None,
    assignee=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Introduction:
    """A consultation referred (つなぐ) to a partner or a registered group. ``now``: when it was
    recorded, for a replay of the past (the demo seeder)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    made_on = made_on or today
    consultation = Consultation.objects.select_related("group").get(pk=consultation.pk)
    _check_parties(from_group=consultation.group, to_group=to_group, partner=partner)
    _check_follow_up(made_on=made_on, follow_up_on=follow_up_on, assignee=assignee, today=today)
    if made_on < consultation.held_on:
        raise GoBetweenError(_("A referral cannot be dated before the consultation."))
    return _record(
        actor=actor,
        now=now,
        note=note,
        audit={"consultation": consultation.pk},
        kind=Introduction.Kind.REFERRAL,
        consultation=consultation,
        from_group=consultation.group,
        to_group=to_group,
        partner=partner,
        made_on=made_on,
        follow_up_on=follow_up_on,
        assignee=assignee,
    )


@transaction.atomic
def introduction_record(
    *,
    actor,
    from_group: Group,
    to_group: Group | None = None,
    partner: Partner | None = None,
    made_on: dt.date | None = None,
    follow_up_on: dt.date | None = None,
    assignee=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Introduction:
    """A registered group (A) introduced to another group or a partner (B) on a date, as the
    partner suggestions proposed."""
    today = timezone.localdate(now) if now else timezone.localdate()
    made_on = made_on or today
    if not from_group.is_registered:
        raise GoBetweenError(_("Only a registered group can be introduced."))
    _check_parties(from_group=from_group, to_group=to_group, partner=partner)
    _check_follow_up(made_on=made_on, follow_up_on=follow_up_on, assignee=assignee, today=today)
    return _record(
        actor=actor,
        now=now,
        note=note,
        audit={},
        kind=Introduction.Kind.SUGGESTION,
        from_group=from_group,
        to_group=to_group,
        partner=partner,
        made_on=made_on,
        follow_up_on=follow_up_on,
        assignee=assignee,
    )


@transaction.atomic
def introduction_update(*, actor, introduction: Introduction, values: dict) -> Introduction:
    """Staff change the date, note, follow-up date or who follows it up (the admin); nothing is
    written when nothing changed."""
    row = Introduction.objects.select_for_update().get(pk=introduction.pk)
    changed = [
        name for name in EDITABLE_FIELDS if name in values and getattr(row, name) != values[name]
    ]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    _check_follow_up(made_on=row.made_on, follow_up_on=row.follow_up_on, assignee=row.assignee)
    row.save(update_fields=changed)
    log_action(
        actor=actor, action="collaboration.introduction_update", target=row, fields=sorted(changed)
    )
    return row


@transaction.atomic
def introduction_outcome_set(
    *,
    actor,
    introduction: Introduction,
    outcome: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Introduction:
    """What came of it: connected, or no result (with a note); or back to pending with a new
    follow-up date when staff keep following it up."""
    if outcome not in Introduction.Outcome.values:
        raise GoBetweenError(_("Choose what came of the introduction."))
    row = Introduction.objects.select_for_update().get(pk=introduction.pk)
    note = (note or "").strip()
    if row.outcome == outcome and row.outcome_note == note:
        raise GoBetweenError(_("This outcome is already recorded."))
    if outcome == Introduction.Outcome.NO_RESULT and not note:
        raise GoBetweenError(_("Say briefly why nothing came of it."))
    row.outcome = outcome
    row.outcome_note = note
    today = timezone.localdate(now) if now else timezone.localdate()
    row.outcome_on = None if outcome == Introduction.Outcome.PENDING else today
    row.save(update_fields=["outcome", "outcome_note", "outcome_on"])
    log_action(
        actor=actor,
        action="collaboration.introduction_outcome",
        target=row,
        outcome=outcome,
        at=now,
    )
    return row


@transaction.atomic
def introduction_delete(*, actor, introduction: Introduction) -> None:
    log_action(actor=actor, action="collaboration.introduction_delete", target=introduction)
    introduction.delete()

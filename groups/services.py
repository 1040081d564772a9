"""Every write of the groups app: views, admin actions and commands all call these functions.

Each function is keyword-only and atomic, locks the rows whose rules it checks, writes an audit
row, and raises ``GroupError`` (a translated, user-facing message) when a rule says no.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import dates
from core.audit import log_action
from core.fiscal import FiscalYear, fiscal_year_of
from core.models import AuditLog
from core.text import normalise_phone
from core.uploads import load_image
from groups import emails
from groups.models import (
    RESERVED_SLUGS,
    ActivityField,
    ActivityPhoto,
    ActivityRecord,
    Area,
    Consultation,
    Group,
    GroupDocument,
    GroupRenewal,
    Invitation,
    Membership,
    RegistrationSequence,
    normalize_name,
)

# Fields a group's members may change on its public profile.
PROFILE_FIELDS = [
    "name",
    "name_kana",
    "summary",
    "description",
    "founded_year",
    "member_count",
    "meeting_frequency",
    "looking_for",
    "offers",
    "needs",
    "website",
    "sns_url",
    "public_email",
]
# Staff-only contact details, changed by representatives (and staff).
PRIVATE_FIELDS = ["representative_name", "representative_phone", "representative_address"]


def _with_phone_normalised(data: dict) -> dict:
    """The representative's phone as stored: half-width (core.text.normalise_phone)."""
    if "representative_phone" not in data:
        return data
    return {**data, "representative_phone": normalise_phone(data["representative_phone"])}


# How long the office takes to review an application (said in the applicant's acknowledgement).
REVIEW_DAYS = getattr(settings, "GROUP_REVIEW_DAYS", 7)

STALE_AFTER = dt.timedelta(days=365)
STALE_REMIND_AFTER = dt.timedelta(days=14)
STALE_LIST_AFTER = dt.timedelta(days=14)
INVITATION_SALT = "groups.invitation"


class GroupError(Exception):
    """A rule of the groups app said no; the message is shown to the user as it is."""


class AlreadySubmitted(GroupError):
    """The same form was posted twice; ``target`` is what the first post made."""

    def __init__(self, message, *, target=None):
        super().__init__(message)
        self.target = target


class PhotoLimitReached(GroupError):
    """The member has uploaded as many photos as an hour allows."""


# --------------------------------------------------------------------------- helpers


def _locked(group: Group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def representative_emails(group: Group) -> list[str]:
    return list(
        Membership.objects.filter(group=group, role=Membership.Role.REPRESENTATIVE)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def _slug_for_new_group() -> str:
    while True:
        slug = f"g-{secrets.token_hex(3)}"
        if not Group.objects.filter(slug=slug).exists():
            return slug


def _name_taken_error() -> GroupError:
    return GroupError(_("A group with this name has already registered or applied."))


# --------------------------------------------------------------------------- registration


def registration_number_allocate(*, day: dt.date) -> str:
    """The next registration number of ``day``'s fiscal year, e.g. "R7-023".

    The year's sequence row is created if missing (``ON CONFLICT DO NOTHING``) and then locked,
    so concurrent approvals queue up and each gets its own serial. Must run inside a transaction.
    """
    fiscal_year = fiscal_year_of(day)
    RegistrationSequence.objects.bulk_create(
        [RegistrationSequence(fiscal_year=fiscal_year)], ignore_conflicts=True
    )
    sequence = RegistrationSequence.objects.select_for_update().get(fiscal_year=fiscal_year)
    era_code = FiscalYear(fiscal_year).era_code
    while True:
        sequence.last_serial += 1
        number = f"{era_code}-{sequence.last_serial:03d}"
        # Numbers typed in by hand (older paper registrations) are skipped, never reused.
        if not Group.objects.filter(registration_number=number).exists():
            break
    sequence.save(update_fields=["last_serial"])
    return number


def application_already_sent(token) -> bool:
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return False
    return Group.objects.filter(submission_token=token).exists()


def _applied_group_create(
    *,
    data: dict,
    fields: Iterable,
    areas: Iterable,
    logo: ContentFile | None,
    submission_token: uuid.UUID | None = None,
    photo_budget_of=None,
) -> Group:
    """The group of a new application (the citizen's or one on paper), "applied" and waiting
    for approval; a taken name or web address name, or a second send, is refused."""
    if Group.objects.filter(name__iexact=normalize_name(data.get("name", ""))).exists():
        raise _name_taken_error()
    data = _with_phone_normalised(data)
    now = timezone.now()
    group = Group(
        **{key: data[key] for key in PROFILE_FIELDS + PRIVATE_FIELDS if key in data},
        slug=data.get("slug") or _slug_for_new_group(),
        status=Group.Status.APPLIED,
        applied_on=timezone.localdate(),
        eligibility_confirmed_at=now,
        profile_updated_at=now,
        submission_token=submission_token,
    )
    if logo is not None:
        if photo_budget_of is not None:
            _check_photo_budget(photo_budget_of, 1)
        group.logo.save(logo.name, logo, save=False)
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        if "submission_token" in str(exc):
            raise AlreadySubmitted(_("This application has already been sent.")) from exc
        if "slug" in str(exc):
            raise GroupError(_("This web address name is already taken.")) from exc
        raise _name_taken_error() from exc
    group.fields.set(fields)
    group.areas.set(areas)
    return group


@transaction.atomic
def group_apply(
    *,
    actor,
    data: dict,
    fields: Iterable = (),
    areas: Iterable = (),
    documents: Iterable[tuple[str, ContentFile]] = (),
    logo: ContentFile | None = None,
    submission_token: uuid.UUID | None = None,
) -> Group:
    """A citizen applies (仮登録): the group is created as "applied" and the actor becomes its
    representative; the documents go to private storage; the office is told by e-mail."""
    if submission_token:
        earlier = Group.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            raise AlreadySubmitted(_("This application has already been sent."), target=earlier)
    group = _applied_group_create(
        data=data,
        fields=fields,
        areas=areas,
        logo=logo,
        submission_token=submission_token,
        photo_budget_of=actor,
    )
    Membership.objects.create(group=group, user=actor, role=Membership.Role.REPRESENTATIVE)
    for kind, content in documents:
        document = GroupDocument(group=group, kind=kind, uploaded_by=actor)
        document.file.save(content.name, content, save=True)
    log_action(actor=actor, action="groups.group_apply", target=group, **_logo_note(logo))
    emails.send_after_commit(
        "application_received",
        to=[settings.OFFICE_EMAIL],
        context={
            "group": group,
            "applicant": actor,
            "admin_url": emails.absolute_url(
                reverse("admin:groups_groupapplication_change", args=[group.pk])
            ),
        },
    )
    # The applicant's acknowledgement: what happens next and how long the review takes.
    emails.send_after_commit(
        "application_thanks",
        to=[actor.email],
        context={
            "group": group,
            "applicant": actor,
            "review_days": REVIEW_DAYS,
            "group_url": emails.group_url(group),
            "account_url": emails.account_url(),
        },
    )
    return group


@transaction.atomic
def group_apply_on_paper(
    *,
    actor,
    data: dict,
    fields: Iterable = (),
    areas: Iterable = (),
    logo: ContentFile | None = None,
) -> Group:
    """Staff enter an application that came on paper: the group waits for approval like any
    other, with no member yet (the representative joins later through an invitation)."""
    if not is_office_staff(actor):
        raise GroupError(_("Only office staff can enter a paper application."))
    group = _applied_group_create(data=data, fields=fields, areas=areas, logo=logo)
    log_action(
        actor=actor, action="groups.group_apply", target=group, on_paper=True, **_logo_note(logo)
    )
    return group


@transaction.atomic
def group_approve(*, actor, group: Group, on: dt.date | None = None) -> Group:
    """Staff approve an application: registered, numbered, renewed for this fiscal year."""
    group = _locked(group)
    if group.status != Group.Status.APPLIED:
        raise GroupError(_("%(group)s is not a pending application.") % {"group": group.name})
    day = on or timezone.localdate()
    group.status = Group.Status.REGISTERED
    group.registered_on = day
    group.withdrawn_on = None
    group.status_reason = ""
    group.registration_number = registration_number_allocate(day=day)
    group.save(
        update_fields=[
            "status",
            "registered_on",
            "withdrawn_on",
            "status_reason",
            "registration_number",
            "updated_at",
        ]
    )
    GroupRenewal.objects.get_or_create(
        group=group, fiscal_year=fiscal_year_of(day), defaults={"confirmed_by": actor}
    )
    log_action(
        actor=actor,
        action="groups.group_approve",
        target=group,
        registration_number=group.registration_number,
    )
    emails.send_after_commit(
        "approved",
        to=representative_emails(group),
        context={"group": group, "group_url": emails.group_url(group)},
    )
    return group


@transaction.atomic
def group_reject(*, actor, group: Group, reason: str) -> Group:
    reason = (reason or "").strip()
    if not reason:
        raise GroupError(_("Give the reason for the rejection."))
    group = _locked(group)
    if group.status != Group.Status.APPLIED:
        raise GroupError(_("%(group)s is not a pending application.") % {"group": group.name})
    group.status = Group.Status.REJECTED
    group.status_reason = reason
    group.save(update_fields=["status", "status_reason", "updated_at"])
    log_action(actor=actor, action="groups.group_reject", target=group, reason=reason)
    emails.send_after_commit(
        "rejected",
        to=representative_emails(group),
        context={"group": group, "reason": reason, "account_url": emails.account_url()},
    )
    return group


@transaction.atomic
def group_resubmit(*, actor, group: Group) -> Group:
    """After a rejection the representative corrects the application and sends it again."""
    group = _locked(group)
    if group.status != Group.Status.REJECTED:
        raise GroupError(_("Only a rejected application can be sent again."))
    group.status = Group.Status.APPLIED
    group.applied_on = timezone.localdate()
    group.save(update_fields=["status", "applied_on", "updated_at"])
    log_action(actor=actor, action="groups.group_resubmit", target=group)
    emails.send_after_commit(
        "application_received",
        to=[settings.OFFICE_EMAIL],
        context={
            "group": group,
            "applicant": actor,
            "resubmitted": True,
            "admin_url": emails.absolute_url(
                reverse("admin:groups_groupapplication_change", args=[group.pk])
            ),
        },
    )
    return group


@transaction.atomic
def group_suspend(*, actor, group: Group, reason: str) -> Group:
    reason = (reason or "").strip()
    if not reason:
        raise GroupError(_("Give the reason for the suspension."))
    group = _locked(group)
    if group.status != Group.Status.REGISTERED:
        raise GroupError(_("%(group)s is not registered.") % {"group": group.name})
    group.status = Group.Status.SUSPENDED
    group.status_reason = reason
    group.save(update_fields=["status", "status_reason", "updated_at"])
    log_action(actor=actor, action="groups.group_suspend", target=group, reason=reason)
    emails.send_after_commit(
        "suspended",
        to=representative_emails(group),
        context={"group": group, "reason": reason},
    )
    return group


@transaction.atomic
def group_reinstate(*, actor, group: Group) -> Group:
    group = _locked(group)
    if group.status != Group.Status.SUSPENDED:
        raise GroupError(_("%(group)s is not suspended.") % {"group": group.name})
    group.status = Group.Status.REGISTERED
    group.status_reason = ""
    group.save(update_fields=["status", "status_reason", "updated_at"])
    log_action(actor=actor, action="groups.group_reinstate", target=group)
    return group


@transaction.atomic
def group_withdraw(*, actor, group: Group, reason: str, on: dt.date | None = None) -> Group:
    """End a registration (登録抹消), e.g. when a group did not renew; ``withdrawn_on`` keeps the
    yearly counts exact."""
    reason = (reason or "").strip()
    if not reason:
        raise GroupError(_("Give the reason for the withdrawal."))
    group = _locked(group)
    if group.status not in (Group.Status.REGISTERED, Group.Status.SUSPENDED):
        raise GroupError(_("%(group)s is not registered.") % {"group": group.name})
    day = on or timezone.localdate()
    if group.registered_on and day < group.registered_on:
        raise GroupError(_("The withdrawal date is before the registration date."))
    group.status = Group.Status.WITHDRAWN
    group.withdrawn_on = day
    group.status_reason = reason
    group.save(update_fields=["status", "withdrawn_on", "status_reason", "updated_at"])
    Invitation.objects.filter(
        group=group, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    log_action(
        actor=actor, action="groups.group_withdraw", target=group, reason=reason, on=str(day)
    )
    emails.send_after_commit(
        "withdrawn",
        to=representative_emails(group),
        context={"group": group, "reason": reason},
    )
    return group


@transaction.atomic
def group_profile_update(
    *,
    actor,
    group: Group,
    data: dict,
    fields: Iterable | None = None,
    areas: Iterable | None = None,
    logo: ContentFile | None = None,
    remove_logo: bool = False,
) -> Group:
    """Members edit the public profile (representatives and staff also the private contact).
    Saving clears any stale-profile flag."""
    group = _locked(group)
    if "name" in data and (
        Group.objects.filter(name__iexact=normalize_name(data["name"]))
        .exclude(pk=group.pk)
        .exists()
    ):
        raise _name_taken_error()
    data = _with_phone_normalised(data)
    keys = PROFILE_FIELDS + PRIVATE_FIELDS
    before = {key: getattr(group, key) for key in keys}
    for key in keys:
        if key in data:
            setattr(group, key, data[key])
    # Compare what will be stored: retyping ＮＰＯ where NPO is stored changes nothing.
    group.normalize_text_fields()
    changed = [key for key in keys if getattr(group, key) != before[key]]
    new_slug = (data.get("slug") or "").strip().lower()
    if new_slug and new_slug != group.slug:
        if new_slug in RESERVED_SLUGS or Group.objects.filter(slug=new_slug).exists():
            raise GroupError(_("This page address is already taken."))
        group.slug = new_slug
        changed.append("slug")
    if remove_logo and group.logo:
        group.logo.delete(save=False)
        group.logo = ""
        changed.append("logo")
    if logo is not None:
        _check_photo_budget(actor, 1)
        group.logo.save(logo.name, logo, save=False)
        changed.append("logo")
    group.profile_updated_at = timezone.now()
    group.stale_notified_at = group.stale_reminded_at = group.stale_listed_at = None
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        if "slug" in str(exc):
            raise GroupError(_("This page address is already taken.")) from exc
        raise _name_taken_error() from exc
    if fields is not None:
        group.fields.set(fields)
    if areas is not None:
        group.areas.set(areas)
    log_action(
        actor=actor,
        action="groups.group_profile_update",
        target=group,
        changed=changed,
        **_logo_note(logo),
    )
    return group


def renewal_due(group: Group, *, fiscal_year: int | None = None) -> bool:
    fiscal_year = fiscal_year or FiscalYear.current().year
    return (
        group.is_registered
        and not GroupRenewal.objects.filter(group=group, fiscal_year=fiscal_year).exists()
    )


def renewal_check(*, group: Group, fiscal_year: int) -> None:
    """The renewal rules, read only (the admin's add form shows their answer before saving):
    a registered group, once per fiscal year."""
    if group.status != Group.Status.REGISTERED:
        raise GroupError(_("Only a registered group can renew its registration."))
    if GroupRenewal.objects.filter(group=group, fiscal_year=fiscal_year).exists():
        raise GroupError(
            _("The registration is already renewed for %(year)s.")
            % {"year": FiscalYear(fiscal_year).label}
        )


@transaction.atomic
def group_renew(
    *,
    actor,
    group: Group,
    data: dict,
    note: str = "",
    documents: Iterable[tuple[str, ContentFile]] = (),
    fiscal_year: int | None = None,
) -> GroupRenewal:
    """A representative confirms the group's details for this fiscal year (年度更新)."""
    fiscal_year = fiscal_year or FiscalYear.current().year
    group = _locked(group)
    renewal_check(group=group, fiscal_year=fiscal_year)
    data = _with_phone_normalised(data)
    for key in PRIVATE_FIELDS:
        if key in data:
            setattr(group, key, data[key])
    group.save(update_fields=[*PRIVATE_FIELDS, "updated_at"])
    renewal = GroupRenewal.objects.create(
        group=group, fiscal_year=fiscal_year, confirmed_by=actor, note=note.strip()
    )
    for kind, content in documents:
        document = GroupDocument(group=group, kind=kind, uploaded_by=actor)
        document.file.save(content.name, content, save=True)
    log_action(actor=actor, action="groups.group_renew", target=group, fiscal_year=fiscal_year)
    emails.send_after_commit(
        "renewed",
        to=[settings.OFFICE_EMAIL],
        context={"group": group, "renewal": renewal, "fiscal_year": FiscalYear(fiscal_year)},
    )
    return renewal


def renewal_remind(*, actor, groups: Iterable[Group]) -> int:
    """E-mail the representatives of groups that have not renewed this fiscal year."""
    fiscal_year = FiscalYear.current()
    sent = 0
    for group in groups:
        with transaction.atomic():
            if not renewal_due(group, fiscal_year=fiscal_year.year):
                continue
            emails.send_after_commit(
                "renewal_reminder",
                to=representative_emails(group),
                context={
                    "group": group,
                    "fiscal_year": fiscal_year,
                    "renew_url": emails.absolute_url(
                        reverse("groups:renew", kwargs={"slug": group.slug})
                    ),
                },
            )
            log_action(actor=actor, action="groups.renewal_remind", target=group)
            sent += 1
    return sent


# --------------------------------------------------------------------------- membership


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, or None when the link is forged, altered or too old."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=dt.timedelta(days=Invitation.VALID_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return (
        Invitation.objects.select_related("group", "invited_by")
        .filter(pk=payload.get("i"), key=payload.get("k"))
        .first()
    )


@transaction.atomic
def invitation_create(*, actor, group: Group, email: str) -> Invitation:
    email = (email or "").strip().lower()
    group = _locked(group)
    if group.status not in (Group.Status.REGISTERED, Group.Status.APPLIED):
        raise GroupError(_("Members can be invited only while the group is registered."))
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise GroupError(_("%(email)s is already a member of the group.") % {"email": email})
    now = timezone.now()
    # An old, unanswered invitation to the same address is replaced by the new one.
    open_invitations = Invitation.objects.filter(
        group=group, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    for old in open_invitations:
        if old.is_open:
            raise GroupError(
                _("%(email)s has already been invited. The invitation is valid until %(date)s.")
                % {"email": email, "date": dates.day(old.expires_at)}
            )
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    invitation = Invitation.objects.create(group=group, email=email, invited_by=actor)
    log_action(actor=actor, action="groups.invitation_create", target=group, email=email)
    emails.send_after_commit(
        "invitation",
        to=[email],
        context={
            "group": group,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": emails.absolute_url(
                reverse("groups:invitation", kwargs={"token": invitation_token(invitation)})
            ),
            "valid_days": Invitation.VALID_DAYS,
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise GroupError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_action(
        actor=actor,
        action="groups.invitation_revoke",
        target=invitation.group,
        email=invitation.email,
    )
    return invitation


def user_addresses(user) -> set[str]:
    """The verified e-mail addresses of an account (the primary one included)."""
    addresses = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    return addresses


@transaction.atomic
def invitation_accept(*, user, invitation: Invitation) -> Membership:
    invitation = (
        Invitation.objects.select_for_update().select_related("group").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise GroupError(_("This invitation has expired or was already used."))
    if invitation.email.lower() not in user_addresses(user):
        raise GroupError(
            _(
                "This invitation was sent to %(email)s. Log in with that address (or add and "
                "verify it on your account) to accept it."
            )
            % {"email": invitation.email}
        )
    group = _locked(invitation.group)
    if group.status not in (Group.Status.REGISTERED, Group.Status.APPLIED):
        raise GroupError(_("This group is no longer registered."))
    membership, _created = Membership.objects.get_or_create(group=group, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        actor=user, action="groups.invitation_accept", target=group, invitation=invitation.pk
    )
    emails.send_after_commit(
        "invitation_accepted",
        to=representative_emails(group),
        context={"group": group, "member": user},
    )
    return membership


def is_last_representative(membership: Membership) -> bool:
    """True when ``membership`` is its group's only representative (who may not leave)."""
    if not membership.is_representative:
        return False
    return not (
        Membership.objects.filter(group_id=membership.group_id, role=Membership.Role.REPRESENTATIVE)
        .exclude(pk=membership.pk)
        .exists()
    )


def _check_keeps_a_representative(group: Group, *, without: Membership) -> None:
    others = (
        Membership.objects.filter(group=group, role=Membership.Role.REPRESENTATIVE)
        .exclude(pk=without.pk)
        .exists()
    )
    if not others:
        raise GroupError(
            _(
                "A group always needs at least one representative. Make another member "
                "representative first."
            )
        )


@transaction.atomic
def membership_set_role(*, actor, membership: Membership, role: str) -> Membership:
    """Share the representative role (promote) or step down (demote), never leaving the group
    without a representative. The group row is locked so two representatives stepping down at
    the same moment cannot both succeed."""
    if role not in Membership.Role.values:
        raise GroupError(_("Unknown role."))
    group = _locked(membership.group)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.REPRESENTATIVE:
        _check_keeps_a_representative(group, without=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    log_action(
        actor=actor,
        action="groups.membership_set_role",
        target=group,
        user=membership.user.email,
        role=role,
    )
    return membership


@transaction.atomic
def representative_hand_over(*, actor, group: Group, to: Membership) -> Membership:
    """The acting representative makes ``to`` representative and becomes an ordinary member."""
    group = _locked(group)
    to = Membership.objects.select_related("user").get(pk=to.pk, group=group)
    mine = Membership.objects.filter(group=group, user=actor).first()
    if mine is None or not mine.is_representative:
        raise GroupError(_("Only a representative can hand over the role."))
    if to.pk == mine.pk:
        raise GroupError(_("Choose another member."))
    to.role = Membership.Role.REPRESENTATIVE
    to.save(update_fields=["role"])
    mine.role = Membership.Role.MEMBER
    mine.save(update_fields=["role"])
    log_action(
        actor=actor, action="groups.representative_hand_over", target=group, to=to.user.email
    )
    emails.send_after_commit(
        "handed_over",
        to=[to.user.email],
        context={"group": group, "previous": actor, "group_url": emails.group_url(group)},
    )
    return to


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """A representative removes a member, or a member leaves; the last representative cannot go."""
    group = _locked(membership.group)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.is_representative:
        _check_keeps_a_representative(group, without=membership)
    email = membership.user.email
    membership.delete()
    action = "groups.membership_leave" if actor == membership.user else "groups.membership_remove"
    log_action(actor=actor, action=action, target=group, user=email)


# --------------------------------------------------------------------------- photo budget
# Each member uploads at most PHOTOS_PER_HOUR pictures in any hour: activity photos and the
# group's logo (decoding and storing pictures is the portal's costliest work).

PHOTOS_PER_HOUR = 30
PHOTO_WINDOW = dt.timedelta(hours=1)
LOGO_ACTIONS = ("groups.group_apply", "groups.group_profile_update")


def photo_limit_message(left: int) -> str:
    return _(
        "You can upload up to %(n)d photos an hour; you have %(left)d left for now. "
        "Please try again a little later."
    ) % {"n": PHOTOS_PER_HOUR, "left": left}


def photos_left_this_hour(user) -> int:
    """How many more pictures ``user`` may upload now: the last hour's uploads, counted from
    the activity photos they uploaded and the logos in the audit log."""
    since = timezone.now() - PHOTO_WINDOW
    photos = ActivityPhoto.objects.filter(uploaded_by=user, uploaded_at__gt=since).count()
    logos = AuditLog.objects.filter(
        actor=user, action__in=LOGO_ACTIONS, created_at__gt=since, data__logo_uploaded=True
    ).count()
    return max(0, PHOTOS_PER_HOUR - photos - logos)


def _check_photo_budget(actor, count: int) -> None:
    """Raise PhotoLimitReached when ``count`` more pictures would go over the member's hour."""
    if not count:
        return
    # Lock the member's row: two posts at once cannot both spend the last photos left.
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
    left = photos_left_this_hour(actor)
    if count > left:
        raise PhotoLimitReached(photo_limit_message(left))


def _logo_note(logo: ContentFile | None) -> dict:
    """The audit row of an upload of a logo says so: the hourly budget counts it."""
    return {"logo_uploaded": True} if logo is not None else {}


# --------------------------------------------------------------------------- activity records

THUMBNAIL_SIDE = 480


def _thumbnail(content: ContentFile) -> ContentFile:
    # Checked again here (pixels from the header, before decoding) whoever calls the service.
    try:
        image = load_image(content)
    except ValidationError as exc:
        raise GroupError(" ".join(exc.messages)) from exc
    with image:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80, optimize=True)
    content.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _add_photos(record: ActivityRecord, photos: list[ContentFile], start: int, *, actor) -> None:
    # Every photo is checked (and its thumbnail made) before any file is stored.
    thumbnails = [_thumbnail(content) for content in photos]
    for offset, (content, thumb) in enumerate(zip(photos, thumbnails, strict=True)):
        photo = ActivityPhoto(record=record, order=start + offset, uploaded_by=actor)
        photo.image.save(content.name, content, save=False)
        photo.thumbnail.save(thumb.name, thumb, save=False)
        photo.save()


def _check_held_on(held_on: dt.date) -> None:
    if held_on > timezone.localdate():
        raise GroupError(_("The date of the activity cannot be in the future."))


@transaction.atomic
def activity_record_create(
    *,
    actor,
    group: Group,
    held_on: dt.date,
    title: str,
    body: str,
    photos: list[ContentFile] = (),
    submission_token: uuid.UUID | None = None,
) -> ActivityRecord:
    photos = list(photos)
    if len(photos) > ActivityRecord.MAX_PHOTOS:
        raise GroupError(_("Add at most %(n)d photos.") % {"n": ActivityRecord.MAX_PHOTOS})
    _check_held_on(held_on)
    group = _locked(group)
    if not group.is_registered:
        raise GroupError(_("Only a registered group can post activity records."))
    if submission_token:
        earlier = ActivityRecord.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            raise AlreadySubmitted(
                _("This activity record has already been posted."), target=earlier
            )
    _check_photo_budget(actor, len(photos))
    try:
        with transaction.atomic():
            record = ActivityRecord.objects.create(
                group=group,
                held_on=held_on,
                title=title.strip(),
                body=body.strip(),
                created_by=actor,
                submission_token=submission_token,
            )
    except IntegrityError as exc:
        raise AlreadySubmitted(_("This activity record has already been posted.")) from exc
    _add_photos(record, photos, start=0, actor=actor)
    log_action(
        actor=actor, action="groups.activity_record_create", target=record, photos=len(photos)
    )
    return record


@transaction.atomic
def activity_record_update(
    *,
    actor,
    record: ActivityRecord,
    held_on: dt.date,
    title: str,
    body: str,
    new_photos: list[ContentFile] = (),
    remove_photo_ids: Iterable[int] = (),
) -> ActivityRecord:
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    _check_held_on(held_on)
    remove_photo_ids = {int(pk) for pk in remove_photo_ids}
    kept = [p for p in record.photos.all() if p.pk not in remove_photo_ids]
    new_photos = list(new_photos)
    if len(kept) + len(new_photos) > ActivityRecord.MAX_PHOTOS:
        raise GroupError(
            _("A record can have at most %(n)d photos; it has %(kept)d.")
            % {"n": ActivityRecord.MAX_PHOTOS, "kept": len(kept)}
        )
    _check_photo_budget(actor, len(new_photos))
    removed = list(record.photos.filter(pk__in=remove_photo_ids))
    record.held_on, record.title, record.body = held_on, title.strip(), body.strip()
    record.save(update_fields=["held_on", "title", "body", "updated_at"])
    for photo in removed:
        image, thumb = photo.image, photo.thumbnail
        photo.delete()
        transaction.on_commit(lambda i=image, t=thumb: (i.delete(save=False), t.delete(save=False)))
    start = max((p.order for p in kept), default=-1) + 1
    _add_photos(record, new_photos, start=start, actor=actor)
    log_action(actor=actor, action="groups.activity_record_update", target=record)
    return record


@transaction.atomic
def activity_record_delete(*, actor, record: ActivityRecord) -> None:
    files = [(p.image, p.thumbnail) for p in record.photos.all()]
    log_action(actor=actor, action="groups.activity_record_delete", target=record)
    record.delete()
    for image, thumb in files:
        transaction.on_commit(lambda i=image, t=thumb: (i.delete(save=False), t.delete(save=False)))


# --------------------------------------------------------------------------- the office's records


def _require_staff(actor) -> None:
    if not is_office_staff(actor):
        raise GroupError(_("Only office staff can do this."))


def _changed(row, values: dict) -> list[str]:
    return sorted(key for key, value in values.items() if getattr(row, key) != value)


CATEGORY_FIELDS = ["slug", "name", "name_en", "order"]


@transaction.atomic
def category_save(*, actor, model, values: dict, category=None):
    """Add or change an activity field or an area (``model``: ActivityField or Area)."""
    _require_staff(actor)
    if model not in (ActivityField, Area):
        raise GroupError(_("Unknown list."))
    values = {key: value for key, value in values.items() if key in CATEGORY_FIELDS}
    if category is None or category.pk is None:
        row = model.objects.create(**values)
        log_action(actor=actor, action="groups.category_create", target=row, name=row.name)
        return row
    row = model.objects.select_for_update().get(pk=category.pk)
    changed = _changed(row, values)
    if changed:
        for key in changed:
            setattr(row, key, values[key])
        row.save(update_fields=changed)
        log_action(actor=actor, action="groups.category_update", target=row, fields=changed)
    return row


@transaction.atomic
def category_delete(*, actor, category) -> None:
    """Remove an activity field or area no group uses (a group's profile is never changed
    behind its back: move the groups to another first)."""
    _require_staff(actor)
    row = type(category).objects.select_for_update().filter(pk=category.pk).first()
    if row is None:
        return
    used = row.groups.count()
    if used:
        raise GroupError(
            _("%(name)s is used by %(n)d group(s): choose another for them first.")
            % {"name": row.name, "n": used}
        )
    log_action(actor=actor, action="groups.category_delete", target=row, name=row.name)
    row.delete()


CONSULTATION_FIELDS = [
    "held_on",
    "group",
    "person_name",
    "channel",
    "category",
    "summary",
    "follow_up",
    "follow_up_done",
    "staff_member",
]


@transaction.atomic
def consultation_save(*, actor, values: dict, consultation: Consultation | None = None):
    """Log a consultation (相談対応) or correct one; the audit row names the fields changed,
    never what was said."""
    _require_staff(actor)
    values = {key: value for key, value in values.items() if key in CONSULTATION_FIELDS}
    if values.get("staff_member") is None:
        values["staff_member"] = actor
    if not values.get("group") and not (values.get("person_name") or "").strip():
        raise GroupError(_("Choose the group, or write the name of the person."))
    if consultation is None or consultation.pk is None:
        row = Consultation.objects.create(**values)
        log_action(actor=actor, action="groups.consultation_create", target=row)
        return row
    row = Consultation.objects.select_for_update().get(pk=consultation.pk)
    changed = _changed(row, values)
    if changed:
        for key in changed:
            setattr(row, key, values[key])
        row.save()
        log_action(actor=actor, action="groups.consultation_update", target=row, fields=changed)
    return row


@transaction.atomic
def consultation_delete(*, actor, consultation: Consultation) -> None:
    _require_staff(actor)
    row = Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    if row is not None:
        log_action(actor=actor, action="groups.consultation_delete", target=row)
        row.delete()


@transaction.atomic
def group_document_delete(*, actor, document: GroupDocument) -> None:
    """Remove a document uploaded by mistake; the file goes once the removal is committed."""
    _require_staff(actor)
    row = GroupDocument.objects.select_for_update().filter(pk=document.pk).first()
    if row is None:
        return
    log_action(
        actor=actor,
        action="groups.document_delete",
        target=row.group,
        kind=row.get_kind_display(),
    )
    stored = row.file
    row.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --------------------------------------------------------------------------- contact


def contact_send(
    *,
    group: Group,
    sender_name: str,
    sender_email: str,
    subject: str,
    message: str,
    copy_to_sender=None,
) -> int:
    """Send a visitor's message to the group's representatives. Their addresses stay hidden:
    the visitor sees none, and replies go to the visitor (reply-to). A group without a
    representative account is reached through the office, which forwards the message.

    ``copy_to_sender`` (a signed-in user) also gets a copy, at their own verified address only:
    never at an address typed in the form, which anyone could fill with someone else's."""
    if not group.is_registered:
        raise GroupError(_("This group cannot be contacted through the portal."))
    recipients = representative_emails(group)
    via_office = not recipients
    with transaction.atomic():
        emails.send_after_commit(
            "contact",
            to=recipients or [settings.OFFICE_EMAIL],
            reply_to=[sender_email],
            context={
                "group": group,
                "sender_name": sender_name,
                "sender_email": sender_email,
                "subject": subject,
                "message": message,
                "via_office": via_office,
            },
        )
        copy_address = _verified_address(copy_to_sender)
        if copy_address:
            emails.send_after_commit(
                "contact_copy",
                to=[copy_address],
                context={
                    "group": group,
                    "sender_name": sender_name,
                    "subject": subject,
                    "message": message,
                    "group_url": emails.group_url(group),
                },
            )
        log_action(
            actor=copy_to_sender if copy_address else None,
            action="groups.contact_send",
            target=group,
            via_office=via_office,
            copy_to_sender=bool(copy_address),
        )
    return len(recipients)


def _verified_address(user) -> str:
    """The user's primary address when it is verified, else ""."""
    if not (user and user.is_authenticated and user.email):
        return ""
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True)
    return user.email if verified.exists() else ""


# --------------------------------------------------------------------------- stale profiles


def profile_is_stale(group: Group, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return group.is_registered and group.profile_touched_at < now - STALE_AFTER


def stale_groups(now: dt.datetime | None = None):
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    return Group.objects.registered().filter(
        Q(profile_updated_at__lt=cutoff) | Q(profile_updated_at__isnull=True, created_at__lt=cutoff)
    )


def stale_groups_flag(*, now: dt.datetime | None = None) -> dict:
    """One daily pass: notify representatives of profiles not updated for a year, remind them
    two weeks later, and two weeks after that put the group on the staff list (and tell the
    office). Editing the profile clears every step."""
    now = now or timezone.now()
    stale = stale_groups(now)
    counts = {"notified": 0, "reminded": 0, "listed": 0}

    def edit_url(group):
        return emails.absolute_url(reverse("groups:edit", kwargs={"slug": group.slug}))

    for group in stale.filter(stale_notified_at__isnull=True).iterator():
        with transaction.atomic():
            emails.send_after_commit(
                "stale_notice",
                to=representative_emails(group),
                context={"group": group, "edit_url": edit_url(group), "reminder": False},
            )
            Group.objects.filter(pk=group.pk).update(stale_notified_at=now)
        counts["notified"] += 1
    for group in stale.filter(
        stale_notified_at__lte=now - STALE_REMIND_AFTER, stale_reminded_at__isnull=True
    ).iterator():
        with transaction.atomic():
            emails.send_after_commit(
                "stale_notice",
                to=representative_emails(group),
                context={"group": group, "edit_url": edit_url(group), "reminder": True},
            )
            Group.objects.filter(pk=group.pk).update(stale_reminded_at=now)
        counts["reminded"] += 1
    newly_listed = list(
        stale.filter(
            stale_reminded_at__lte=now - STALE_LIST_AFTER, stale_listed_at__isnull=True
        ).order_by("name_kana")
    )
    if newly_listed:
        with transaction.atomic():
            Group.objects.filter(pk__in=[g.pk for g in newly_listed]).update(stale_listed_at=now)
            emails.send_after_commit(
                "stale_staff_list",
                to=[settings.OFFICE_EMAIL],
                context={
                    "groups": newly_listed,
                    "admin_url": emails.absolute_url(
                        reverse("admin:groups_group_changelist") + "?stale=listed"
                    ),
                },
            )
        counts["listed"] = len(newly_listed)
    return counts


# --------------------------------------------------------------------------- history (bulk)


@dataclass
class GroupHistory:
    """One group's life as the office recorded it, for ``group_histories_create_bulk``.

    The representative applied at ``applied_at``; then, in this order and only as the per-row
    services allow: staff rejected it (``rejected_reason``) or approved it on ``approved_on``; a
    registered group renewed in the fiscal years of ``renewals`` (year -> when); staff suspended
    it (``suspended_reason``) or withdrew it on ``withdrawn_on`` (``withdrawn_reason``).
    """

    representative: object
    data: dict
    applied_at: dt.datetime
    fields: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    documents: list[tuple[str, ContentFile]] = field(default_factory=list)
    approved_on: dt.date | None = None
    renewals: dict[int, dt.datetime] = field(default_factory=dict)
    rejected_reason: str = ""
    suspended_reason: str = ""
    withdrawn_on: dt.date | None = None
    withdrawn_reason: str = ""
    profile_updated_at: dt.datetime | None = None


def _history_moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _check_history(history: GroupHistory, today: dt.date, now: dt.datetime) -> None:
    """The rules of group_apply / approve / reject / renew / suspend / withdraw, for one past
    life; raises GroupError naming the group when a step is one the product cannot take."""
    name = history.data.get("name", "")

    def no(message: str) -> GroupError:
        return GroupError(f"{name}: {message}")

    if history.representative is None or not getattr(history.representative, "pk", None):
        raise no(_("An application needs the account of its representative."))
    if history.applied_at > now:
        raise no(_("The date of the activity cannot be in the future."))
    applied_on = timezone.localdate(history.applied_at)
    approved = history.approved_on
    if history.rejected_reason.strip() and approved:
        raise no(_("%(group)s is not a pending application.") % {"group": name})
    if approved is None:
        if history.renewals or history.withdrawn_on or history.suspended_reason.strip():
            raise no(_("%(group)s is not registered.") % {"group": name})
        return
    if approved < applied_on or approved > today:
        raise no(_("%(group)s is not a pending application.") % {"group": name})
    if history.suspended_reason.strip() and history.withdrawn_on:
        raise no(_("%(group)s is not registered.") % {"group": name})
    if history.withdrawn_on is not None:
        if not history.withdrawn_reason.strip():
            raise no(_("Give the reason for the withdrawal."))
        if history.withdrawn_on < approved or history.withdrawn_on > today:
            raise no(_("The withdrawal date is before the registration date."))
    last_day = history.withdrawn_on or today
    for fiscal_year, at in history.renewals.items():
        day = timezone.localdate(at)
        if (
            fiscal_year_of(day) != fiscal_year
            or day < approved
            or day > last_day
            or fiscal_year == fiscal_year_of(approved)  # the approval renews its own year
        ):
            raise no(_("Only a registered group can renew its registration."))


@transaction.atomic
def group_histories_create_bulk(
    *, actor, histories: list[GroupHistory], now: dt.datetime | None = None
) -> list[Group]:
    """Record many groups' past lives at once (the office's register of earlier years, or the
    demo): each history is checked against the rules of the per-row services, registration
    numbers are taken from the fiscal years' sequences in order of approval (under their row
    locks), and every step leaves its audit row dated when it happened. No e-mail goes out: the
    steps are in the past. Raises GroupError, and writes nothing, when one history breaks a rule.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    names = set()
    for history in histories:
        _check_history(history, today, now)
        name = normalize_name(history.data.get("name", ""))
        if name.lower() in names:
            raise _name_taken_error()
        names.add(name.lower())
    taken = Group.objects.annotate(lower=Lower("name")).filter(lower__in=names)
    if taken.exists():
        raise _name_taken_error()

    groups = []
    for history in histories:
        data = _with_phone_normalised(history.data)
        group = Group(
            **{k: data[k] for k in PROFILE_FIELDS + PRIVATE_FIELDS if k in data},
            slug=history.data.get("slug") or _slug_for_new_group(),
            status=Group.Status.APPLIED,
            applied_on=timezone.localdate(history.applied_at),
            eligibility_confirmed_at=history.applied_at,
            profile_updated_at=history.profile_updated_at or history.applied_at,
        )
        if history.approved_on:
            group.status = Group.Status.REGISTERED
            group.registered_on = history.approved_on
            if history.withdrawn_on:
                group.status = Group.Status.WITHDRAWN
                group.withdrawn_on = history.withdrawn_on
                group.status_reason = history.withdrawn_reason.strip()
            elif history.suspended_reason.strip():
                group.status = Group.Status.SUSPENDED
                group.status_reason = history.suspended_reason.strip()
        elif history.rejected_reason.strip():
            group.status = Group.Status.REJECTED
            group.status_reason = history.rejected_reason.strip()
        group.normalize_text_fields()
        groups.append(group)

    # Registration numbers in order of approval, from each fiscal year's locked sequence.
    approved = sorted(
        (g for g in groups if g.registered_on), key=lambda g: (g.registered_on, g.name_kana)
    )
    years = sorted({fiscal_year_of(g.registered_on) for g in approved})
    RegistrationSequence.objects.bulk_create(
        [RegistrationSequence(fiscal_year=y) for y in years], ignore_conflicts=True
    )
    sequences = {
        s.fiscal_year: s
        for s in RegistrationSequence.objects.select_for_update()
        .filter(fiscal_year__in=years)
        .order_by("fiscal_year")
    }
    used = set(
        Group.objects.filter(registration_number__isnull=False).values_list(
            "registration_number", flat=True
        )
    )
    for group in approved:
        sequence = sequences[fiscal_year_of(group.registered_on)]
        era_code = FiscalYear(sequence.fiscal_year).era_code
        while True:
            sequence.last_serial += 1
            number = f"{era_code}-{sequence.last_serial:03d}"
            if number not in used:
                break
        used.add(number)
        group.registration_number = number
    RegistrationSequence.objects.bulk_update(list(sequences.values()), ["last_serial"])

    try:
        with transaction.atomic():
            Group.objects.bulk_create(groups, batch_size=1000)
    except IntegrityError as exc:
        if "slug" in str(exc):
            raise GroupError(_("This web address name is already taken.")) from exc
        raise _name_taken_error() from exc
    _stamp(Group, [(g.pk, h.applied_at) for g, h in zip(groups, histories, strict=True)])

    field_links, area_links, memberships, renewals, log = [], [], [], [], []
    group_type = ContentType.objects.get_for_model(Group)

    def audit(at, who, action, group, **data):
        log.append(
            (
                at,
                AuditLog(
                    actor=who,
                    action=action,
                    target_type=group_type,
                    target_id=str(group.pk),
                    target_repr=str(group)[:200],
                    data=data,
                ),
            )
        )

    for group, history in zip(groups, histories, strict=True):
        rep = history.representative
        field_links += [
            Group.fields.through(group_id=group.pk, activityfield_id=getattr(f, "pk", f))
            for f in history.fields
        ]
        area_links += [
            Group.areas.through(group_id=group.pk, area_id=getattr(a, "pk", a))
            for a in history.areas
        ]
        memberships.append(Membership(group=group, user=rep, role=Membership.Role.REPRESENTATIVE))
        for kind, content in history.documents:
            document = GroupDocument(group=group, kind=kind, uploaded_by=rep)
            document.file.save(content.name, content, save=True)
        audit(history.applied_at, rep, "groups.group_apply", group)
        if history.rejected_reason.strip():
            at = max(history.applied_at, now - dt.timedelta(days=1))
            audit(at, actor, "groups.group_reject", group, reason=group.status_reason)
        if not group.registered_on:
            continue
        approved_at = max(_history_moment(group.registered_on), history.applied_at)
        audit(
            approved_at,
            actor,
            "groups.group_approve",
            group,
            registration_number=group.registration_number,
        )
        first_year = fiscal_year_of(group.registered_on)
        renewals.append(
            GroupRenewal(
                group=group, fiscal_year=first_year, confirmed_by=actor, confirmed_at=approved_at
            )
        )
        for fiscal_year, at in sorted(history.renewals.items()):
            renewals.append(
                GroupRenewal(
                    group=group, fiscal_year=fiscal_year, confirmed_by=rep, confirmed_at=at
                )
            )
            audit(at, rep, "groups.group_renew", group, fiscal_year=fiscal_year)
        if group.status == Group.Status.SUSPENDED:
            at = min(now, max(approved_at, now - dt.timedelta(days=30)))
            audit(at, actor, "groups.group_suspend", group, reason=group.status_reason)
        if group.withdrawn_on:
            audit(
                max(_history_moment(group.withdrawn_on, 15), approved_at),
                actor,
                "groups.group_withdraw",
                group,
                reason=group.status_reason,
                on=str(group.withdrawn_on),
            )
    Group.fields.through.objects.bulk_create(field_links, batch_size=2000)
    Group.areas.through.objects.bulk_create(area_links, batch_size=2000)
    Membership.objects.bulk_create(memberships, batch_size=2000)
    GroupRenewal.objects.bulk_create(renewals, batch_size=2000)
    rows = AuditLog.objects.bulk_create([row for _at, row in log], batch_size=2000)
    _stamp(AuditLog, [(row.pk, at) for (at, _row), row in zip(log, rows, strict=True)])
    return groups


def _stamp(model, moments: list[tuple[int, dt.datetime]]) -> None:
    """Set ``created_at`` (stamped on insert) of many rows to when each really happened, in one
    statement per chunk."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(moments), 5000):
            chunk = moments[start : start + 5000]
            cursor.execute(
                f"UPDATE {table} AS t SET created_at = v.at "
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE t.id = v.id",
                [[pk for pk, _at in chunk], [at for _pk, at in chunk]],
            )


@transaction.atomic
def activity_records_create_bulk(
    *, records: list[ActivityRecord], now: dt.datetime | None = None
) -> list[ActivityRecord]:
    """Many text-only activity records at once (the demo's earlier years): each is checked as
    ``activity_record_create`` checks it (a registered group, a day not in the future, a title)
    and leaves its audit row, by its author, dated when it was posted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    group_ids = {r.group_id for r in records}
    registered = set(
        Group.objects.select_for_update()
        .filter(pk__in=group_ids, status=Group.Status.REGISTERED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for record in records:
        if record.group_id not in registered:
            raise GroupError(_("Only a registered group can post activity records."))
        if record.held_on > today:
            raise GroupError(_("The date of the activity cannot be in the future."))
        record.title, record.body = record.title.strip(), record.body.strip()
    created = ActivityRecord.objects.bulk_create(records, batch_size=2000)
    record_type = ContentType.objects.get_for_model(ActivityRecord)
    rows = AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=r.created_by,
                action="groups.activity_record_create",
                target_type=record_type,
                target_id=str(r.pk),
                target_repr=str(r)[:200],
                data={"photos": 0},
            )
            for r in created
        ],
        batch_size=2000,
    )
    posted = [min(_history_moment(r.held_on, 20), now) for r in created]
    _stamp(ActivityRecord, [(r.pk, at) for r, at in zip(created, posted, strict=True)])
    _stamp(AuditLog, [(row.pk, at) for row, at in zip(rows, posted, strict=True)])
    return created

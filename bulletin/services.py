"""What changes the bulletin board: posting, editing, withdrawing, moderating, reporting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from bulletin import selectors
from bulletin.models import (
    DETAIL_FIELDS,
    MAX_DAYS_ON_BOARD,
    BulletinPost,
    BulletinSettings,
    PostReport,
)
from core.audit import log_action
from core.clientip import client_network
from core.fiscal import FiscalYear
from core.registry import forget  # forget("home"): the home page shows our content
from groups.models import Group


class BulletinError(Exception):
    """A user-facing reason why a bulletin action cannot be done."""


EDITABLE = ("category", "title", "body", *DETAIL_FIELDS, "expires_on")


def _check_expiry(expires_on: dt.date, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if expires_on < today:
        raise BulletinError(_("The last day on the board cannot be in the past."))
    if expires_on > today + dt.timedelta(days=MAX_DAYS_ON_BOARD):
        raise BulletinError(
            _("A post may stay on the board for at most %(days)d days.")
            % {"days": MAX_DAYS_ON_BOARD}
        )


def _validate(post: BulletinPost) -> None:
    try:
        post.full_clean(exclude=["group", "author", "status"])
    except ValidationError as exc:
        raise BulletinError(" ".join(exc.messages)) from exc


def _notify_staff(post: BulletinPost, subject: str) -> None:
    url = f"{settings.SITE_URL}{reverse('admin:bulletin_bulletinpost_change', args=[post.pk])}"
    transaction.on_commit(
        lambda: send_mail(
            f"[{_('Bulletin board')}] {subject}: {post.title}",
            f"{post.group.name}\n{post.title}\n\n{url}\n",
            settings.DEFAULT_FROM_EMAIL,
            [settings.OFFICE_EMAIL],
            fail_silently=True,
        )
    )


def post_create(*, actor, group: Group, now: dt.datetime | None = None, **fields) -> BulletinPost:
    """A new notice from ``group``; counted against the group's quota for this fiscal year.

    Under pre-moderation it waits for staff; under post-moderation it is published at once.
    ``now``: when it was posted, for the demo seeder replaying earlier years.
    """
    at = now
    now = now or timezone.now()
    data = {name: fields.get(name, "") for name in EDITABLE}
    _check_expiry(data["expires_on"], timezone.localdate(now))
    board = BulletinSettings.load()
    with transaction.atomic():
        # One post at a time per group, so two posts cannot both take the last place.
        Group.objects.select_for_update().get(pk=group.pk)
        year = FiscalYear.of(timezone.localdate(now))
        limit = selectors.yearly_quota(group)
        if selectors.posts_this_year(group, year) >= limit:
            raise BulletinError(
                _(
                    "Your group has used its %(limit)d posts for %(year)s. "
                    "Please ask the office if you need more."
                )
                % {"limit": limit, "year": year.label}
            )
        post = BulletinPost(group=group, author=actor, **data)
        _validate(post)
        if board.premoderated:
            post.status = BulletinPost.Status.PENDING
        else:
            post.status = BulletinPost.Status.PUBLISHED
            post.published_at = now
        post.save()
        if at is not None:  # created_at is stamped on insert
            post.created_at = at
            post.save(update_fields=["created_at"])
        log_action(
            actor=actor, action="bulletin.post_create", target=post, status=post.status, at=at
        )
        _notify_staff(
            post, _("New post to review") if board.premoderated else _("New post published")
        )
    if post.status == BulletinPost.Status.PUBLISHED:
        forget("home")
    return post


def post_update(*, actor, post: BulletinPost, **fields) -> BulletinPost:
    """The group edits its post; under pre-moderation an edited post is reviewed again."""
    if post.status in (BulletinPost.Status.WITHDRAWN, BulletinPost.Status.HIDDEN):
        raise BulletinError(_("This post can no longer be edited."))
    for name in EDITABLE:
        if name in fields:
            setattr(post, name, fields[name])
    _check_expiry(post.expires_on)
    _validate(post)
    with transaction.atomic():
        if BulletinSettings.load().premoderated and post.status == BulletinPost.Status.PUBLISHED:
            post.status = BulletinPost.Status.PENDING
            post.published_at = None
            _notify_staff(post, _("Edited post to review"))
        post.save()
        log_action(actor=actor, action="bulletin.post_update", target=post, status=post.status)
    forget("home")
    return post


def post_withdraw(
    *, actor, post: BulletinPost, now: dt.datetime | None = None, note: str = ""
) -> None:
    """The group (or staff for it: ``note`` says why) takes its post off the board."""
    if post.status == BulletinPost.Status.WITHDRAWN:
        return
    with transaction.atomic():
        post.status = BulletinPost.Status.WITHDRAWN
        fields = ["status", "updated_at"]
        if note:
            post.moderation_note = note[:300]
            fields.append("moderation_note")
        post.save(update_fields=fields)
        log_action(actor=actor, action="bulletin.post_withdraw", target=post, note=note, at=now)
    forget("home")


def post_publish(*, actor, post: BulletinPost, now: dt.datetime | None = None) -> None:
    """Staff publish (approve) a post; its open reports are settled with it."""
    if post.expires_on < timezone.localdate(now or timezone.now()):
        raise BulletinError(_("The post has expired; it cannot be published."))
    with transaction.atomic():
        post.status = BulletinPost.Status.PUBLISHED
        post.published_at = post.published_at or now or timezone.now()
        post.moderation_note = ""
        post.save(update_fields=["status", "published_at", "moderation_note", "updated_at"])
        post.reports.filter(resolved=False).update(resolved=True)
        log_action(actor=actor, action="bulletin.post_publish", target=post, at=now)
    forget("home")


def post_hide(*, actor, post: BulletinPost, note: str = "", now: dt.datetime | None = None) -> None:
    """Staff take a post off the board (the group sees it as hidden, with the note)."""
    with transaction.atomic():
        post.status = BulletinPost.Status.HIDDEN
        post.moderation_note = note[:300]
        post.save(update_fields=["status", "moderation_note", "updated_at"])
        log_action(actor=actor, action="bulletin.post_hide", target=post, note=note, at=now)
    forget("home")


def reporter_key(actor, ip: str = "") -> str:
    """Who is reporting: an account, or else a keyed hash of the visitor's network (an IPv4 /24,
    an IPv6 /64: ``core.clientip.client_network``), so that one line's many addresses are one
    reporter. The address itself is never stored; without SECRET_KEY the hash cannot be reversed
    by trying every network."""
    if getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    network = client_network(ip) if ip else "unknown"
    digest = salted_hmac("bulletin.report.net", network, algorithm="sha256").hexdigest()
    return f"ip:{digest}"


def post_report(
    *, actor, post: BulletinPost, reason: str, message: str = "", ip: str = ""
) -> PostReport:
    """Anyone reports a post, and the office is told of each new reporter. Reports from enough
    different signed-in accounts take it off the board until staff decide; anonymous reports
    only flag it for staff, since anyone can have many addresses (issue #12). An account counts
    once, an anonymous visitor once per network of ``ip``; a repeat report is kept for staff but
    not counted again."""
    key = reporter_key(actor, ip)
    with transaction.atomic():
        post = BulletinPost.objects.select_for_update().get(pk=post.pk)
        open_reports = post.reports.filter(resolved=False)
        repeat = open_reports.filter(reporter_key=key).exists()
        report = PostReport.objects.create(
            post=post,
            reason=reason,
            message=message,
            reporter=actor if getattr(actor, "is_authenticated", False) else None,
            reporter_key=key,
        )
        threshold = BulletinSettings.load().hide_after_reports
        accounts = open_reports.exclude(reporter=None).values("reporter").distinct().count()
        hidden = False
        if threshold and accounts >= threshold and post.status == BulletinPost.Status.PUBLISHED:
            post.status = BulletinPost.Status.PENDING
            post.moderation_note = _(
                "Taken off the board after reports; the office will review it."
            )
            post.save(update_fields=["status", "moderation_note", "updated_at"])
            hidden = True
        log_action(
            actor=actor,
            action="bulletin.post_report",
            target=post,
            reason=reason,
            repeat=repeat,
            hidden=hidden,
        )
        if not repeat:
            # One e-mail per reporter: repeating a report does not flood the office.
            _notify_staff(post, _("A post was reported"))
    if hidden:
        forget("home")
    return report


# --- Staff's decisions and edits in the admin (issue #14): each checked on the locked row,
# audited in the same transaction; a decision already taken says so and changes nothing.

DECISIONS = ("publish", "hide", "withdraw")


def _decision_refusal(post: BulletinPost, decision: str) -> str | None:
    status = post.status
    if decision == "publish":
        if status == BulletinPost.Status.PUBLISHED:
            return _("This post is already published; nothing was changed.")
        if status == BulletinPost.Status.WITHDRAWN:
            return _("The group withdrew this post; it cannot be published again.")
    elif decision == "hide":
        if status == BulletinPost.Status.HIDDEN:
            return _("This post is already hidden; nothing was changed.")
        if status == BulletinPost.Status.WITHDRAWN:
            return _("This post is withdrawn; there is nothing to hide.")
    elif decision == "withdraw":
        if status == BulletinPost.Status.WITHDRAWN:
            return _("This post is already withdrawn; nothing was changed.")
    else:
        return _("Choose a decision.")
    return None


def post_decide(*, actor, post: BulletinPost, decision: str, note: str = "") -> BulletinPost:
    """Staff decide on a post: ``publish`` (its open reports are settled), ``hide`` (with a
    note the group reads, required) or ``withdraw`` (for the group, e.g. at its request on the
    phone). Raises BulletinError when the decision is not possible in the post's present state."""
    note = (note or "").strip()
    with transaction.atomic():
        post = BulletinPost.objects.select_for_update().get(pk=post.pk)
        refusal = _decision_refusal(post, decision)
        if refusal:
            raise BulletinError(refusal)
        if decision == "publish":
            post_publish(actor=actor, post=post)
        elif decision == "hide":
            if not note:
                raise BulletinError(_("Write a note for the group: why the post was hidden."))
            post_hide(actor=actor, post=post, note=note)
        else:
            post_withdraw(actor=actor, post=post, note=note)
    post.refresh_from_db()
    return post


def post_update_by_staff(*, actor, post: BulletinPost, changed: list[str]) -> BulletinPost:
    """Staff correct a post's text in the admin (its status changes only by a decision);
    nothing is written when nothing changed."""
    fields = [name for name in changed if name in (*EDITABLE, "group", "author")]
    if not fields:
        return post
    if "expires_on" in fields:  # an expired post's typo can still be corrected
        _check_expiry(post.expires_on)
    _validate(post)
    with transaction.atomic():
        post.save(update_fields=[*fields, "updated_at"])
        log_action(
            actor=actor,
            action="bulletin.post_update",
            target=post,
            status=post.status,
            fields=sorted(fields),
            by_staff=True,
        )
    forget("home")
    return post


@transaction.atomic
def post_delete(*, actor, post: BulletinPost) -> None:
    """Staff delete a post for good (hiding it keeps it for the group and the record)."""
    log_action(
        actor=actor,
        action="bulletin.post_delete",
        target=post,
        title=post.title,
        group=post.group_id,
        status=post.status,
    )
    post.delete()
    transaction.on_commit(lambda: forget("home"))


@transaction.atomic
def report_resolve(*, actor, report: PostReport) -> bool:
    """Staff settle a report without changing the post; False when it was settled already."""
    report = PostReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved:
        return False
    report.resolved = True
    report.save(update_fields=["resolved"])
    log_action(actor=actor, action="bulletin.report_resolve", target=report.post, report=report.pk)
    return True


@transaction.atomic
def quota_save(*, actor, quota, changed: list[str]):
    """Staff set a group's yearly number of posts (a new row or an edit)."""
    is_new = quota.pk is None
    if not changed and not is_new:
        return quota
    quota.save()
    log_action(
        actor=actor,
        action="bulletin.quota_update",
        target=quota.group,
        yearly_limit=quota.yearly_limit,
        fields=sorted(changed),
        created=is_new,
    )
    return quota


@transaction.atomic
def quota_delete(*, actor, quota) -> None:
    log_action(actor=actor, action="bulletin.quota_delete", target=quota.group)
    quota.delete()


@transaction.atomic
def board_settings_update(*, actor, board: BulletinSettings, changed: list[str]):
    """Staff change the board's rules (pre-moderation, the yearly number of posts, reports)."""
    if not changed:
        return board
    board.save()
    log_action(
        actor=actor,
        action="bulletin.settings_update",
        target=board,
        **{name: getattr(board, name) for name in sorted(changed)},
    )
    forget("home")
    return board

"""What changes the news app: the opinion box, and staff's edits of news posts, programme
episodes and opinions in the admin (each audited)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import dates
from core.audit import log_action
from core.registry import forget
from groups.models import Group, Membership
from news.models import AppearanceRequest, NewsPost, Opinion, ProgrammeEpisode


def opinion_submit(
    *,
    actor,
    addressed_to: str,
    topic: str,
    message: str,
    name: str = "",
    email: str = "",
    wants_reply: bool = False,
) -> Opinion:
    """Store an opinion for staff and tell the office's inbox (without the sender's details)."""
    with transaction.atomic():
        opinion = Opinion.objects.create(
            addressed_to=addressed_to,
            topic=topic,
            message=message,
            name=name,
            email=email,
            wants_reply=wants_reply,
            user=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action(actor=actor, action="news.opinion_submit", target=opinion)
        subject, body = _opinion_notice(opinion)
        transaction.on_commit(
            lambda: send_mail(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [settings.OFFICE_EMAIL],
                fail_silently=True,
            )
        )
    return opinion


def _opinion_notice(opinion: Opinion) -> tuple[str, str]:
    """The office's notice of a new opinion (without the sender's details): in the office's
    language whatever the sender's page was in, with the portal's subject prefix."""
    url = f"{settings.SITE_URL}{reverse('admin:news_opinion_change', args=[opinion.pk])}"
    with translation.override(settings.LANGUAGE_CODE):
        prefix = str(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        subject = f"{prefix}{_('[Opinion box] A new opinion was received')}"
        body = f"{opinion.get_addressed_to_display()} / {opinion.get_topic_display()}\n\n{url}\n"
    return subject, body


# --- Staff's edits in the admin (issue #14): each saved with its audit row in one transaction;
# nothing is written when nothing changed.


def _forget_home() -> None:
    """The home page shows the news: forget it now and again once the change is committed
    (a visitor in between may have cached the page as it was)."""
    forget("home")
    transaction.on_commit(lambda: forget("home"))


@transaction.atomic
def news_post_save(*, actor, post: NewsPost, changed: list[str]) -> NewsPost:
    """Write or edit a news post (お知らせ); a future ``publish_at`` schedules it."""
    is_new = post.pk is None
    if not changed and not is_new:
        return post
    if is_new and getattr(actor, "is_authenticated", False):
        post.created_by = actor
    post.save()
    log_action(
        actor=actor,
        action="news.news_post_save",
        target=post,
        fields=sorted(changed),
        created=is_new,
    )
    _forget_home()
    return post


@transaction.atomic
def news_post_delete(*, actor, post: NewsPost) -> None:
    log_action(actor=actor, action="news.news_post_delete", target=post, title=post.title)
    post.delete()
    _forget_home()


@transaction.atomic
def episode_save(*, actor, episode: ProgrammeEpisode, changed: list[str]) -> ProgrammeEpisode:
    """Add or edit an episode of the broadcast programme (広報番組)."""
    is_new = episode.pk is None
    if not changed and not is_new:
        return episode
    episode.save()
    log_action(
        actor=actor,
        action="news.episode_save",
        target=episode,
        fields=sorted(changed),
        created=is_new,
    )
    return episode


@transaction.atomic
def episode_delete(*, actor, episode: ProgrammeEpisode) -> None:
    log_action(actor=actor, action="news.episode_delete", target=episode, title=episode.title)
    episode.delete()


class OpinionError(Exception):
    """Why staff's change of an opinion cannot be done."""


@transaction.atomic
def opinion_update(
    *, actor, opinion: Opinion, status: str | None = None, staff_note: str | None = None
) -> Opinion:
    """Staff move an opinion on (read, answered, closed) and keep their note. Saving the
    opinion's page counts as reading it: a new opinion becomes read. Reading the page alone
    changes nothing (a GET never writes)."""
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    fields = []
    if status is None and opinion.status == Opinion.Status.NEW:
        status = Opinion.Status.READ
    if status is not None and status != opinion.status:
        if status not in Opinion.Status.values:
            raise OpinionError(_("Choose a status."))
        if status == Opinion.Status.NEW:
            raise OpinionError(_("An opinion that was read cannot be new again."))
        previous, opinion.status = opinion.status, status
        fields.append("status")
    if staff_note is not None and staff_note != opinion.staff_note:
        opinion.staff_note = staff_note
        fields.append("staff_note")
    if not fields:
        return opinion
    opinion.save(update_fields=fields)
    log_action(
        actor=actor,
        action="news.opinion_update",
        target=opinion,
        status=opinion.status,
        previous=previous if "status" in fields else opinion.status,
        fields=fields,
    )
    return opinion


# --- Asking to appear on the programme (issue 18 part 5): a registered group's member asks,
# staff schedule it on an episode or decline it; the group is told by e-mail once committed.


class AppearanceError(Exception):
    """Why a request to appear cannot be made or decided."""


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


def _mail(recipients: list[str], subject: str, body: str) -> None:
    """Sent once the transaction commits, never silently: a mail server that is down is logged
    (``robust``) instead of undoing the decision or being ignored. The caller writes subject and
    body inside ``translation.override(settings.LANGUAGE_CODE)``: groups and the office read the
    office's language whatever the language of the staff member's page."""
    if not recipients:
        return
    prefix = str(getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", ""))
    message = EmailMessage(
        subject=" ".join(f"{prefix}{subject}".split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"X-Kyodo-Kind": "programme"},
    )
    transaction.on_commit(message.send, robust=True)


def _mail_group(group: Group, subject: str, body: str) -> None:
    _mail(_group_addresses(group), f"[{_('Broadcast programme')}] {subject}", body)


def appearance_request(
    *, actor, group: Group, topic: str, preferred_month, note: str = ""
) -> AppearanceRequest:
    """A member of a registered group asks for the group to appear on the programme."""
    if not group.is_registered:
        raise AppearanceError(_("Only a registered group can ask to appear."))
    if not Membership.objects.filter(group=group, user=actor).exists():
        raise AppearanceError(_("You can ask only for a group you belong to."))
    topic = (topic or "").strip()
    if not topic:
        raise AppearanceError(_("Say what you would like to talk about."))
    preferred_month = preferred_month.replace(day=1)
    if preferred_month < timezone.localdate().replace(day=1):
        raise AppearanceError(_("Choose this month or a later one."))
    with transaction.atomic():
        if AppearanceRequest.objects.filter(
            group=group, status=AppearanceRequest.Status.REQUESTED
        ).exists():
            raise AppearanceError(
                _("Your group already asked to appear; the office will answer that request first.")
            )
        try:
            with transaction.atomic():
                request = AppearanceRequest.objects.create(
                    group=group,
                    topic=topic,
                    preferred_month=preferred_month,
                    note=(note or "").strip(),
                    requested_by=actor,
                )
        except IntegrityError as exc:  # another click of the same member won the race
            raise AppearanceError(
                _("Your group already asked to appear; the office will answer that request first.")
            ) from exc
        log_action(actor=actor, action="news.appearance_request", target=request)
        admin_url = reverse("admin:news_appearancerequest_change", args=[request.pk])
        url = f"{settings.SITE_URL}{admin_url}"
        with translation.override(settings.LANGUAGE_CODE):
            _mail(
                [settings.OFFICE_EMAIL],
                _("[Broadcast programme] %(group)s asks to appear") % {"group": group.name},
                f"{group.name}: {topic}\n\n{url}\n",
            )
    return request


def _locked_request(request: AppearanceRequest) -> AppearanceRequest:
    row = (
        AppearanceRequest.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=request.pk)
    )
    if row.status != AppearanceRequest.Status.REQUESTED:
        raise AppearanceError(
            _("This request was already answered (%(status)s).")
            % {"status": row.get_status_display()}
        )
    return row


@transaction.atomic
def appearance_schedule(*, actor, request: AppearanceRequest, episode) -> AppearanceRequest:
    """Staff schedule the group on an episode (not yet aired); the episode features the group
    and the group is told the air date."""
    if not isinstance(episode, ProgrammeEpisode):
        episode_id = str(episode or "").strip()
        episode = (
            ProgrammeEpisode.objects.filter(pk=int(episode_id)).first()
            if episode_id.isdigit()
            else None
        )
        if episode is None:
            raise AppearanceError(_("Choose the episode."))
    if episode.air_date < timezone.localdate():
        raise AppearanceError(_("This episode has already aired; choose a later one."))
    row = _locked_request(request)
    row.status = AppearanceRequest.Status.SCHEDULED
    row.episode = episode
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "episode", "decided_at"])
    episode.featured_groups.add(row.group)
    log_action(actor=actor, action="news.appearance_schedule", target=row, episode=str(episode))
    with translation.override(settings.LANGUAGE_CODE):
        _mail_group(
            row.group,
            _("You will appear on the programme"),
            _(
                "The office scheduled %(group)s on the broadcast programme.\n\n"
                "Episode: %(title)s\nAir date: %(date)s\n\nThe office will contact you about the "
                "recording.\n%(url)s\n"
            )
            % {
                "group": row.group.name,
                "title": episode.title,
                "date": dates.day(episode.air_date),
                "url": f"{settings.SITE_URL}{episode.get_absolute_url()}",
            },
        )
    return row


@transaction.atomic
def appearance_decline(*, actor, request: AppearanceRequest, reason: str) -> AppearanceRequest:
    """Staff decline the request, with the reason the group reads."""
    reason = (reason or "").strip()
    if not reason:
        raise AppearanceError(_("Give the reason the group will read."))
    row = _locked_request(request)
    row.status = AppearanceRequest.Status.DECLINED
    row.decline_reason = reason
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "decline_reason", "decided_at"])
    log_action(actor=actor, action="news.appearance_decline", target=row)
    with translation.override(settings.LANGUAGE_CODE):
        _mail_group(
            row.group,
            _("About your request to appear on the programme"),
            _(
                "Thank you for asking to appear on the broadcast programme with “%(topic)s”. "
                "This time the office cannot schedule it:\n\n%(reason)s\n"
            )
            % {"topic": row.topic, "reason": reason},
        )
    return row

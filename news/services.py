"""What changes the news app: the opinion box, and staff's edits of news posts, programme
episodes and opinions in the admin (each audited)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import log_action
from core.registry import forget
from news.models import NewsPost, Opinion, ProgrammeEpisode


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
        url = f"{settings.SITE_URL}{reverse('admin:news_opinion_change', args=[opinion.pk])}"
        transaction.on_commit(
            lambda: send_mail(
                _("[Opinion box] A new opinion was received"),
                f"{opinion.get_addressed_to_display()} / {opinion.get_topic_display()}\n\n{url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [settings.OFFICE_EMAIL],
                fail_silently=True,
            )
        )
    return opinion


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

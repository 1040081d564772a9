"""Named reads of the news app."""

from django.db.models import Prefetch
from django.utils import timezone

from collaboration.models import Project
from groups.models import Group
from news.models import AppearanceRequest, NewsPost, Opinion, ProgrammeEpisode


def published_news():
    return NewsPost.objects.published().newest_first()


def _featured():
    return (
        Prefetch(
            "featured_groups",
            queryset=Group.objects.registered().order_by("name_kana", "pk"),
            to_attr="groups_shown",
        ),
        Prefetch(
            "featured_projects",
            queryset=Project.objects.order_by("title", "pk"),
            to_attr="projects_shown",
        ),
    )


def programme():
    """Published episodes, newest first, with the registered groups and the joint projects they
    feature (two more queries for a page of them)."""
    return (
        ProgrammeEpisode.objects.published()
        .prefetch_related(*_featured())
        .order_by("-air_date", "-pk")
    )


def episode_page(pk: int, *, preview: bool = False) -> ProgrammeEpisode | None:
    """One episode with what it features (three queries); unpublished ones for staff only."""
    episodes = ProgrammeEpisode.objects.all() if preview else ProgrammeEpisode.objects.published()
    return episodes.prefetch_related(*_featured()).filter(pk=pk).first()


def appearance_requests_of(groups) -> list[AppearanceRequest]:
    """The requests to appear of these groups, newest first, with their episodes (one query)."""
    return list(
        AppearanceRequest.objects.filter(group__in=groups)
        .select_related("group", "episode")
        .order_by("-created_at", "-pk")[:20]
    )


def upcoming_episodes(today=None):
    """Episodes not yet aired, soonest first: where staff may schedule a group."""
    return ProgrammeEpisode.objects.filter(air_date__gte=today or timezone.localdate()).order_by(
        "air_date", "pk"
    )


def admin_waiting_counts() -> dict[str, int]:
    """Opinions from the opinion box not yet answered or closed, and the groups' requests to
    appear on the programme not yet answered (one query each), for the admin home."""
    return {
        "opinions": Opinion.objects.filter(
            status__in=(Opinion.Status.NEW, Opinion.Status.READ)
        ).count(),
        "appearances": AppearanceRequest.objects.filter(
            status=AppearanceRequest.Status.REQUESTED
        ).count(),
    }

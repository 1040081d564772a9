"""Named reads of the news app."""

from news.models import NewsPost, Opinion, ProgrammeEpisode


def published_news():
    return NewsPost.objects.published().newest_first()


def programme():
    return ProgrammeEpisode.objects.published().order_by("-air_date", "-pk")


def admin_waiting_counts() -> dict[str, int]:
    """Opinions from the opinion box not yet answered or closed (one query), for the admin
    home."""
    return {
        "opinions": Opinion.objects.filter(
            status__in=(Opinion.Status.NEW, Opinion.Status.READ)
        ).count()
    }

"""Named reads of the news app."""

from news.models import NewsPost, ProgrammeEpisode


def published_news():
    return NewsPost.objects.published().newest_first()


def programme():
    return ProgrammeEpisode.objects.published().order_by("-air_date", "-pk")

"""The news app's panels of the home page: important notices above the sections, the latest
news beside the other apps' sections.

The home page (``core.views.home``) gathers its sections from the panel registry
(``core.registry``) and keeps them, per language, in the shared database cache for a minute: a
cached home page costs one query for its content. Publishing or hiding something clears that
cache (``invalidate_home``); a scheduled news post appears when its time comes because the cache
never outlives the next scheduled publication (``_seconds_to_live``, this panel's ``max_age``).
"""

from __future__ import annotations

from django.utils import timezone

from core import registry
from core.markdown import excerpt
from news.models import NewsPost

CACHE_SECONDS = 60
PINNED = 3
LATEST = 5


def invalidate_home() -> None:
    """Forget the cached home page (every language)."""
    registry.forget("home")


def _row(post: NewsPost) -> dict:
    return {
        "title": post.title,
        "url": post.get_absolute_url(),
        "date": timezone.localtime(post.publish_at).date(),
        "excerpt": excerpt(post.body, 80),
    }


def _published(now):
    return (
        NewsPost.objects.published(now)
        .newest_first()
        .only("title", "slug", "publish_at", "body", "important")
    )


def _pinned(now):
    return _published(now).filter(important=True)


def pinned_panel(request) -> dict:
    """Up to three important notices, newest first."""
    return {"pinned_news": [_row(p) for p in _pinned(timezone.now())[:PINNED]]}


def latest_panel(request) -> dict:
    """The latest news that is not already pinned above."""
    now = timezone.now()
    pinned = _pinned(now).values("pk")[:PINNED]
    return {"latest_news": [_row(p) for p in _published(now).exclude(pk__in=pinned)[:LATEST]]}


def _seconds_to_live(now) -> int:
    upcoming = (
        NewsPost.objects.filter(publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if upcoming is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, int((upcoming - now).total_seconds()) + 1))


def max_age() -> int:
    return _seconds_to_live(timezone.now())


def register_panels() -> None:
    registry.register(
        "home_notices",
        registry.Panel(
            key="news.pinned",
            order=10,
            template="news/panels/home_pinned.html",
            context=pinned_panel,
        ),
    )
    registry.register(
        "home",
        registry.Panel(
            key="news.latest",
            order=10,
            template="news/panels/home_latest.html",
            context=latest_panel,
            max_age=max_age,
        ),
    )

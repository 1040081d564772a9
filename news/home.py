"""The home page's content: pinned and latest news, upcoming events, the newest bulletin posts,
newly registered groups and today's rooms, read once and cached for a minute.

Everything here is public and the same for every visitor, so it is cached whole (per language)
in the shared database cache: a cached home page costs one query for its content. Publishing or
hiding something clears the cache; a scheduled news post appears when its time comes because
the cache never outlives the next scheduled publication.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from core.markdown import excerpt
from news.adapters import rooms_today, upcoming_events

CACHE_SECONDS = 60
PINNED = 3
LATEST = 5
EVENTS = 5
BULLETIN = 5
GROUPS = 5
_KEY = "home:v1:{lang}"


def invalidate_home() -> None:
    cache.delete_many([_KEY.format(lang=code) for code, _name in settings.LANGUAGES])


def _news(now):
    from news.models import NewsPost

    published = (
        NewsPost.objects.published(now)
        .newest_first()
        .only("title", "slug", "publish_at", "body", "important")
    )
    pinned = list(published.filter(important=True)[:PINNED])
    latest = list(published.exclude(pk__in=[p.pk for p in pinned])[:LATEST])

    def row(post):
        return {
            "title": post.title,
            "url": post.get_absolute_url(),
            "date": timezone.localtime(post.publish_at).date(),
            "excerpt": excerpt(post.body, 80),
        }

    return [row(p) for p in pinned], [row(p) for p in latest]


def _bulletin():
    from bulletin.selectors import newest

    return [
        {
            "title": p.title,
            "url": p.get_absolute_url(),
            "category": p.get_category_display(),
            "group": p.group.name,
            "expires_on": p.expires_on,
        }
        for p in newest(BULLETIN)
    ]


def _groups():
    from groups.selectors import newly_registered

    return [
        {"name": g.name, "url": g.get_absolute_url(), "summary": g.summary}
        for g in newly_registered(GROUPS)
    ]


def _latest_issue():
    from newsletter.models import NewsletterIssue

    issue = NewsletterIssue.objects.published().order_by("-published_on", "-number").first()
    if issue is None:
        return None
    return {
        "number": issue.number,
        "title": issue.title,
        "url": issue.get_absolute_url(),
        "date": issue.published_on,
    }


def _seconds_to_live(now) -> int:
    from news.models import NewsPost

    upcoming = (
        NewsPost.objects.filter(publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if upcoming is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, int((upcoming - now).total_seconds()) + 1))


def home_sections() -> dict:
    key = _KEY.format(lang=get_language())
    data = cache.get(key)
    if data is not None:
        return data
    now = timezone.now()
    pinned, latest = _news(now)
    data = {
        "pinned_news": pinned,
        "latest_news": latest,
        "events": upcoming_events(EVENTS),
        "bulletin_posts": _bulletin(),
        "new_groups": _groups(),
        "rooms": rooms_today(),
        "latest_issue": _latest_issue(),
        "today": timezone.localdate(),
    }
    cache.set(key, data, _seconds_to_live(now))
    return data

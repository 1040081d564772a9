"""Atom feeds of news posts and of upcoming events (the events app's data, read through its
selector)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.feeds import PortalFeed, absolute
from core.markdown import render_markdown
from news import selectors
from news.adapters import upcoming_events

FEED_ITEMS = 20


class NewsFeed(PortalFeed):
    title = _("Kyodo Office: news")
    subtitle = _("Announcements from the office.")
    page_url_name = "news:list"
    feed_url_name = "news:feed"

    def items(self):
        return selectors.published_news()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_markdown(item.body, absolute_urls=True)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)


class EventsFeed(PortalFeed):
    title = _("Kyodo Office: upcoming events")
    subtitle = _("Exchange meetings, seminars and workshops.")
    page_url_name = "events:list"
    feed_url_name = "news:events_feed"

    def items(self):
        return upcoming_events(FEED_ITEMS)

    def item_title(self, item):
        when = f"{item.start_date:%Y/%m/%d} " if item.start_date else ""
        return f"{when}{item.title}"

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        url = item.url or reverse("events:list")
        return url if url.startswith("http") else absolute(url)

    def item_guid(self, item):
        return absolute(f"{reverse('events:list')}#event-{item.pk or item.title}")

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        start = item.start
        if isinstance(start, dt.datetime):
            return start if timezone.is_aware(start) else timezone.make_aware(start)
        if isinstance(start, dt.date):
            return dt.datetime.combine(start, dt.time(), tzinfo=timezone.get_current_timezone())
        return None

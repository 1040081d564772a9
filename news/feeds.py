"""Atom feeds of news posts and of upcoming events (the events app's ``Event``s, read through
``events.selectors.upcoming``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import dates
from core.feeds import PortalFeed, absolute
from core.markdown import render_markdown
from events import selectors as event_selectors
from news import selectors

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
        return event_selectors.upcoming(FEED_ITEMS)

    def item_title(self, item):
        return f"{dates.day_time(item.start)} {item.title}"

    def item_description(self, item):
        return item.summary

    def item_guid(self, item):
        return absolute(f"{reverse('events:list')}#event-{item.pk}")

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.start

"""The Atom feed base every publishing app's feed shares (news, events, bulletin, newsletter)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.links import absolute_url as absolute  # feeds are read away from the site


class PortalFeed(Feed):
    """Atom, with absolute links made from SITE_URL (not from the sites framework's domain).

    Item bodies go through ``core.markdown.render_markdown(..., absolute_urls=True)``: no remote
    image, and the portal's own images and links with SITE_URL in front."""

    feed_type = Atom1Feed
    feed_url_name = ""
    page_url_name = ""

    def link(self):
        return absolute(reverse(self.page_url_name))

    def feed_url(self):
        return absolute(reverse(self.feed_url_name))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

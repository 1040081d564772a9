from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.feeds import PortalFeed
from core.markdown import render_markdown
from newsletter import selectors

FEED_ITEMS = 20


class IssuesFeed(PortalFeed):
    title = _("Kyodo Office: newsletter")
    subtitle = _("The office's newsletter issues.")
    page_url_name = "newsletter:list"
    feed_url_name = "newsletter:feed"

    def items(self):
        return selectors.public_issues()[:FEED_ITEMS]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return render_markdown(item.body, absolute_urls=True)

    def item_pubdate(self, item):
        return datetime.combine(item.published_on, time(), tzinfo=timezone.get_current_timezone())

    def item_updateddate(self, item):
        return max(item.updated_at, self.item_pubdate(item))

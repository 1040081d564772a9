from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from bulletin import selectors
from core.feeds import PortalFeed
from core.markdown import render_markdown

FEED_ITEMS = 30


class BulletinFeed(PortalFeed):
    title = _("Kyodo Office: bulletin board")
    subtitle = _("Notices from groups: members, volunteers and partners wanted.")
    page_url_name = "bulletin:list"
    feed_url_name = "bulletin:feed"

    def items(self):
        return selectors.board()[:FEED_ITEMS]

    def item_title(self, item):
        return f"[{item.get_category_display()}] {item.title}"

    def item_description(self, item):
        details = format_html_join("", "<p><strong>{}</strong>: {}</p>", item.details())
        return details + render_markdown(item.body, absolute_urls=True)

    def item_author_name(self, item):
        return item.group.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [item.get_category_display()]

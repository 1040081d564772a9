"""The news' part of the site-wide search (core.search): news already published only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, found_in, matching, snippet
from news.models import NewsPost


def search(terms) -> dict:
    posts = NewsPost.objects.published().filter(matching(terms, "title", "body"))
    return found_in(
        posts.newest_first(),
        kind=_("News"),
        hit=lambda p: Hit(
            p.title, p.get_absolute_url(), p.publish_at, snippet(p.body, terms, markdown=True)
        ),
        more_url=reverse("news:list"),
    )

"""The news' part of the site-wide search (core.search): news already published only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import LIMIT, Hit, found, matching, snippet
from news.models import NewsPost


def search(terms) -> dict:
    posts = NewsPost.objects.published().filter(matching(terms, "title", "body"))
    hits = [
        Hit(p.title, p.get_absolute_url(), p.publish_at, snippet(p.body, terms))
        for p in posts.newest_first()[:LIMIT]
    ]
    return found(kind=_("News"), hits=hits, count=posts.count(), more_url=reverse("news:list"))

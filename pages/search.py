"""The information pages' part of the site-wide search (core.search): published versions only."""

from django.utils.translation import gettext_lazy as _

from core.search import LIMIT, Hit, found, matching, snippet
from pages.models import Page


def search(terms) -> dict:
    pages = Page.objects.filter(published_version__isnull=False).filter(
        matching(terms, "published_version__title", "published_version__body")
    )
    hits = [
        Hit(
            p.published_version.title,
            p.get_absolute_url(),
            None,
            snippet(p.published_version.body, terms),
        )
        for p in pages.select_related("published_version").order_by("position", "pk")[:LIMIT]
    ]
    return found(kind=_("Information pages"), hits=hits, count=pages.count())

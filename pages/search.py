"""The information pages' part of the site-wide search (core.search): published versions only."""

from django.utils.translation import gettext_lazy as _

from core.search import Hit, found_in, matching, snippet
from pages.models import Page


def search(terms) -> dict:
    pages = Page.objects.filter(published_version__isnull=False).filter(
        matching(terms, "published_version__title", "published_version__body")
    )
    return found_in(
        pages.select_related("published_version").order_by("position", "pk"),
        kind=_("Information pages"),
        hit=lambda p: Hit(
            p.published_version.title,
            p.get_absolute_url(),
            None,
            snippet(p.published_version.body, terms, markdown=True),
        ),
    )

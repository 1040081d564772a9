"""The events' part of the site-wide search (core.search): published events only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, found_in, matching, snippet
from events.models import Event


def search(terms) -> dict:
    events = Event.objects.published().filter(
        matching(terms, "title", "summary", "description", "venue")
    )
    return found_in(
        events.order_by("-start", "-pk"),
        kind=_("Events"),
        hit=lambda e: Hit(
            e.title, e.get_absolute_url(), e.start, snippet(e.summary or e.description, terms)
        ),
        more_url=reverse("events:list"),
    )

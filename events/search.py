"""The events' part of the site-wide search (core.search): published events only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import LIMIT, Hit, found, matching, snippet
from events.models import Event


def search(terms) -> dict:
    events = Event.objects.published().filter(
        matching(terms, "title", "summary", "description", "venue")
    )
    hits = [
        Hit(e.title, e.get_absolute_url(), e.start, snippet(e.summary or e.description, terms))
        for e in events.order_by("-start", "-pk")[:LIMIT]
    ]
    return found(kind=_("Events"), hits=hits, count=events.count(), more_url=reverse("events:list"))

"""The groups' part of the site-wide search (core.search): registered groups only."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.search import LIMIT, Hit, found, snippet
from groups import selectors
from groups.models import Group


def search(terms) -> dict:
    groups = Group.objects.registered()
    for word in terms:
        groups = groups.filter(selectors.matches_word(word))
    hits = [
        Hit(g.name, g.get_absolute_url(), None, snippet(g.summary, terms))
        for g in groups.order_by("name_kana", "pk")[:LIMIT]
    ]
    more = reverse("groups:directory") + "?" + urlencode({"q": " ".join(terms)})
    return found(kind=_("Citizen groups"), hits=hits, count=groups.count(), more_url=more)

"""The groups' part of the site-wide search (core.search): registered groups only."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.search import Hit, found_in, snippet
from groups import selectors
from groups.models import Group


def search(terms) -> dict:
    groups = Group.objects.registered()
    for word in terms:
        groups = groups.filter(selectors.matches_word(word))
    more = reverse("groups:directory") + "?" + urlencode({"q": " ".join(terms)})
    return found_in(
        groups.only("name", "slug", "summary").order_by("name_kana", "pk"),
        kind=_("Citizen groups"),
        hit=lambda g: Hit(g.name, g.get_absolute_url(), None, snippet(g.summary, terms)),
        more_url=more,
    )

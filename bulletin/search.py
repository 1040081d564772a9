"""The bulletin's part of the site-wide search (core.search): notices on the board now only
(published and not expired; pending, hidden and withdrawn ones never)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bulletin.models import BulletinPost
from core.search import Hit, found_in, matching, snippet


def search(terms) -> dict:
    posts = BulletinPost.objects.visible().filter(
        matching(terms, "title", "body", "what", "when", "place")
    )
    return found_in(
        posts.newest_first(),
        kind=_("Bulletin board"),
        hit=lambda p: Hit(
            p.title, p.get_absolute_url(), p.published_at, snippet(p.body, terms, markdown=True)
        ),
        more_url=reverse("bulletin:list"),
    )

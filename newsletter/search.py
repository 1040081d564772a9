"""The newsletter's part of the site-wide search (core.search): published issues only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, found_in, matching, snippet
from newsletter.models import NewsletterIssue


def search(terms) -> dict:
    issues = NewsletterIssue.objects.published().filter(matching(terms, "title", "summary", "body"))
    return found_in(
        issues.order_by("-published_on", "-number"),
        kind=_("Newsletter"),
        hit=lambda i: Hit(
            str(i),
            i.get_absolute_url(),
            i.published_on,
            snippet(i.summary or i.body, terms, markdown=True),
        ),
        more_url=reverse("newsletter:list"),
    )

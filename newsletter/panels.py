"""The newsletter's panels on other apps' pages (see ``core.registry``), registered in
``NewsletterConfig.ready``."""

from __future__ import annotations

from core import registry
from newsletter.models import NewsletterIssue


def home_latest_issue(request) -> dict:
    """The latest published issue, if any (one query)."""
    issue = NewsletterIssue.objects.published().order_by("-published_on", "-number").first()
    if issue is None:
        return {"latest_issue": None}
    return {
        "latest_issue": {
            "number": issue.number,
            "title": issue.title,
            "url": issue.get_absolute_url(),
            "date": issue.published_on,
        }
    }


def register_panels() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="newsletter.latest_issue",
            order=60,
            template="newsletter/panels/home_latest_issue.html",
            context=home_latest_issue,
        ),
    )

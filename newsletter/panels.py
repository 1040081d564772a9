"""The newsletter's panels on other apps' pages (see ``core.registry``), registered in
``NewsletterConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import registry
from newsletter import selectors
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


# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Addresses suppressed after a bounce (one query)."""
    if not request.user.has_perm("newsletter.view_subscriber"):
        return {"items": []}
    counts = selectors.admin_waiting_counts()
    return {
        "items": [
            {
                "key": "newsletter.bounced",
                "label": _("Bounced addresses"),
                "count": counts["bounced"],
                "url": reverse("admin:newsletter_subscriber_changelist") + "?state=bounced",
            }
        ]
    }


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="newsletter.waiting",
            order=60,
            template="newsletter/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )

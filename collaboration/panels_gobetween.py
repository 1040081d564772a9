"""The go-between's panels on other apps' pages (core.registry): the follow-ups due on the admin
home, and the staff's way from a group's page to recording an introduction. Registered in
``CollaborationConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import registry


def admin_follow_ups(request) -> dict:
    """Introductions and referrals whose follow-up date has come (one query)."""
    from collaboration import selectors_gobetween

    if not request.user.has_perm("collaboration.view_introduction"):
        return {"items": []}
    return {
        "items": [
            {
                "key": "collaboration.follow_ups",
                "label": _("Introductions to follow up"),
                "count": selectors_gobetween.due_count(),
                "url": reverse("admin:collaboration_introduction_changelist") + "?due=yes",
            }
        ]
    }


def group_introductions(group) -> dict:
    """No query: the template shows the link to the office's staff only."""
    return {"group": group}


def register_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="collaboration.waiting",  # ".waiting": one of the home's "waiting" items
            order=60,
            template="collaboration/panels/admin_follow_ups.html",
            context=admin_follow_ups,
        ),
    )
    registry.register(
        "group_page",
        registry.Panel(
            key="collaboration.introductions",
            order=90,
            template="collaboration/panels/group_introductions.html",
            context=group_introductions,
        ),
    )

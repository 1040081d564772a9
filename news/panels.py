"""The news app's panels on other apps' pages (see ``core.registry``), registered in
``NewsConfig.ready`` (the home page's sections are in ``news.home``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import registry
from news import selectors

# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Opinions not yet answered and requests to appear not yet answered (two queries)."""
    if not request.user.has_perm("news.view_opinion"):
        return {"items": []}
    counts = selectors.admin_waiting_counts()
    return {
        "items": [
            {
                "key": "news.opinions",
                "label": _("Unanswered opinions"),
                "count": counts["opinions"],
                "url": reverse("admin:news_opinion_changelist") + "?status__in=new,read",
            },
            {
                "key": "news.appearances",
                "label": _("Requests to appear on the programme"),
                "count": counts["appearances"],
                "url": reverse("admin:news_appearancerequest_changelist")
                + "?status__exact=requested",
            },
        ]
    }


# --- a group's page (groups.views.detail) ------------------------------------------------------


def group_programme(group) -> dict:
    """No query: the template shows the way to ask to appear to the group's members only (the
    page's own ``membership``)."""
    return {"group": group}


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="news.waiting",
            order=50,
            template="news/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )
    registry.register(
        "group_page",
        registry.Panel(
            key="news.programme",
            order=95,
            template="news/panels/group_programme.html",
            context=group_programme,
        ),
    )

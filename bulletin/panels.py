"""The bulletin board's panels on other apps' pages (see ``core.registry``), registered in
``BulletinConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bulletin import selectors
from core import registry

HOME_POSTS = 5
GROUP_POSTS = 5


def home_newest(request) -> dict:
    """The newest notices on the board (one query)."""
    return {
        "bulletin_posts": [
            {
                "title": post.title,
                "url": post.get_absolute_url(),
                "category": post.get_category_display(),
                "group": post.group.name,
                "expires_on": post.expires_on,
            }
            for post in selectors.newest(HOME_POSTS)
        ]
    }


def group_posts(group) -> dict:
    """The group's current notices (one query)."""
    return {"posts": selectors.active_posts_for_group(group, limit=GROUP_POSTS)}


def register_panels() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="bulletin.newest",
            order=30,
            template="bulletin/panels/home_newest.html",
            context=home_newest,
        ),
    )
    registry.register(
        "group_page",
        registry.Panel(
            key="bulletin.posts",
            order=30,
            template="bulletin/panels/group_posts.html",
            context=group_posts,
        ),
    )


# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Posts to moderate and reported posts (one query)."""
    user = request.user
    counts = selectors.admin_waiting_counts()
    items = []
    if user.has_perm("bulletin.view_bulletinpost"):
        items.append(
            {
                "key": "bulletin.pending",
                "label": _("Bulletin posts to review"),
                "count": counts["pending"],
                "url": reverse("admin:bulletin_bulletinpost_changelist") + "?status__exact=pending",
            }
        )
    if user.has_perm("bulletin.view_postreport"):
        items.append(
            {
                "key": "bulletin.reported",
                "label": _("Reported bulletin posts"),
                "count": counts["reported"],
                "url": reverse("admin:bulletin_postreport_changelist") + "?resolved__exact=0",
            }
        )
    return {"items": items}


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="bulletin.waiting",
            order=40,
            template="bulletin/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )

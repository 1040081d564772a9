"""The bulletin board's panels on other apps' pages (see ``core.registry``), registered in
``BulletinConfig.ready``."""

from __future__ import annotations

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

"""Named reads of the bulletin board."""


def active_posts_for_group(group, limit: int = 5) -> list:
    """Published, unexpired posts of ``group``, newest first (group page)."""
    return []


def newest(limit: int = 5) -> list:
    """Published, unexpired posts, newest first (home page)."""
    return []

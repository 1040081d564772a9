"""Named reads of the events app."""


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    return {}


def upcoming(limit: int = 5) -> list:
    """Published upcoming events, soonest first (home page)."""
    return []


def upcoming_for_group(group, limit: int = 5) -> list:
    """Published upcoming events organised by ``group`` (group page)."""
    return []

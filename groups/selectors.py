"""Named reads of the groups app."""


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    return {}


def newly_registered(limit: int = 5):
    """The most recently registered groups, newest first (home page)."""
    from groups.models import Group

    return list(Group.objects.registered().order_by("-registered_on", "-pk")[:limit])

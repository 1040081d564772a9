"""Named reads of the groups app."""


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    return {}

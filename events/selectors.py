"""Named reads of the events app."""


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    return {}

"""Named reads of the facilities app."""


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    return {}


def today_overview() -> list:
    """Home page: each bookable room with today's free/busy state (filled by facilities)."""
    return []

"""Who may do what in the news app."""

from accounts.roles import is_office_staff


def can_preview(user) -> bool:
    """Staff see scheduled news posts before their publish time (with a notice)."""
    return is_office_staff(user)

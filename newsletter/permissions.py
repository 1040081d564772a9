"""Who may do what with the newsletter."""

from accounts.roles import is_office_staff


def can_preview(user) -> bool:
    """Staff read drafts and scheduled issues before they are public."""
    return is_office_staff(user)


def can_send(user) -> bool:
    return is_office_staff(user) and user.has_perm("newsletter.change_newsletterissue")

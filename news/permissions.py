"""Who may do what in the news app."""

from accounts.roles import is_office_staff
from groups.permissions import groups_user_can_act_for


def can_preview(user) -> bool:
    """Staff see scheduled news posts before their publish time (with a notice)."""
    return is_office_staff(user)


def can_ask_to_appear(user) -> bool:
    """Whether the programme's pages offer the request form: to a registered group's member,
    and to anonymous visitors (who sign in on the way); a signed-in person with no registered
    group is told what to do first instead (the form would only refuse them)."""
    return not user.is_authenticated or groups_user_can_act_for(user).exists()

"""What every page's layout needs to know of the signed-in person's roles (the navigation)."""

from accounts.roles import can_view_reports, is_office_staff


def roles(request):
    user = getattr(request, "user", None)
    return {
        "nav_can_view_reports": bool(user) and can_view_reports(user),
        "nav_is_staff": bool(user) and is_office_staff(user),
    }

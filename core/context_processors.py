from django.conf import settings

from accounts.roles import can_view_reports, is_office_staff


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_can_view_reports": bool(user) and can_view_reports(user),
        "nav_is_staff": bool(user) and is_office_staff(user),
    }

from django.conf import settings


def portal(request):
    # The navigation's role flags come from accounts.context_processors.roles (core imports
    # no app).
    return {"portal_name": settings.PORTAL_NAME}

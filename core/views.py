import logging
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from core import registry
from core.pagecache import public_page

logger = logging.getLogger(__name__)

HOME_CACHE_SECONDS = 60


@require_safe
def favicon(request):
    """``/favicon.ico``, asked for by browsers and feed readers that read no <link>: the icon
    lives with the other static files (static/icons/, made by tools/make_icons.py)."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))


@require_GET
@never_cache
def healthz(request):
    """200 with a short JSON body when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health check: database does not answer: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
@public_page("home")
def home(request):
    """The home page: the apps' panels (``core.registry`` slots "home_notices" and "home"),
    the same for every visitor, kept whole for a minute."""
    panels = registry.gather_cached(
        "home", ["home_notices", "home"], request, seconds=HOME_CACHE_SECONDS
    )
    return render(
        request,
        "core/home.html",
        {"notices": panels["home_notices"], "panels": panels["home"]},
    )


def rate_limited(request, exception=None):
    return render(
        request,
        "errors/error.html",
        {
            "title": _("Too many attempts"),
            "message": _("You have tried this too often. Please wait a few minutes and try again."),
        },
        status=429,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "errors/error.html",
        {"title": _("Bad request"), "message": _("The request could not be understood.")},
        status=400,
    )


def _raised_by_the_portal(exception) -> bool:
    """Whether ``exception`` was raised by the portal's own code, not by a library."""
    tb = exception.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = Path(tb.tb_frame.f_code.co_filename).resolve()
    return filename.is_relative_to(Path(settings.BASE_DIR).resolve()) and not any(
        part in ("site-packages", ".venv") for part in filename.parts
    )


def permission_denied(request, exception=None):
    """403 with the reason given with ``PermissionDenied`` when there is one: the portal's
    views raise it with a sentence written for the user and translated at the raise. Libraries'
    reasons (Django's "Forbidden user agent", allauth's "Reauthentication not available") are
    internal English, so those, and a bare raise, show the general sentence."""
    reason = ""
    if exception is not None and exception.args and _raised_by_the_portal(exception):
        reason = str(exception)
    return render(
        request,
        "403.html",
        {
            "title": _("Not allowed"),
            "message": reason or _("You do not have permission to see this page."),
        },
        status=403,
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "errors/error.html",
        {
            "title": _("Page not found"),
            "message": _("The page you asked for does not exist or has moved."),
        },
        status=404,
    )


def server_error(request):
    # No context processors here: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render())


@require_GET
@public_page("search")
def search(request):
    """``/search/?q=``: the whole site's published content, grouped by kind (core.search)."""
    from core import search as site_search

    q = request.GET.get("q", "")[:100]
    terms = site_search.words(q)
    kinds = registry.gather("search", terms) if terms else []
    return render(
        request,
        "core/search.html",
        {
            "q": q,
            "terms": terms,
            "kinds": kinds,
            "total": sum(shown.context["count"] for shown in kinds),
        },
    )

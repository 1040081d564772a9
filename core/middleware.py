import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import BadRequest, ValidationError
from django.core.signals import setting_changed
from django.db import DataError
from django.dispatch import receiver
from django.http import HttpResponseRedirect, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Japanese unless the visitor chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a citizen whose
    phone is set to English would see English without asking; the city's portal speaks Japanese
    first and offers English on request.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _has_nul(items) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in items)


# The admin's prefix per (URLconf, script prefix), reversed once rather than on every request
# (issue #20: the framework floor). None = that URLconf has no admin.
_ADMIN_PREFIXES: dict[tuple[str | None, str], str | None] = {}


@receiver(setting_changed)
def _forget_admin_prefixes(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _ADMIN_PREFIXES.clear()


def admin_prefix() -> str | None:
    """The admin's path prefix ("/admin/"), or None where the URLconf has no admin."""
    where = (get_urlconf(), get_script_prefix())
    try:
        return _ADMIN_PREFIXES[where]
    except KeyError:
        pass
    try:
        prefix = reverse("admin:index")
    except NoReverseMatch:
        prefix = None
    _ADMIN_PREFIXES[where] = prefix
    return prefix


def _in_admin(request) -> bool:
    """Whether the request is for the admin (False where the URLconf has no admin at all)."""
    prefix = admin_prefix()
    return prefix is not None and request.path.startswith(prefix)


class AdminRefusesNulBytesMiddleware:
    """Answer 400 (the portal's "Bad request" page, in the visitor's language) to a request of
    the admin with a NUL byte in its path, its query or its form fields (issue #12, finding 7).

    PostgreSQL stores no NUL byte in text, and the admin hands list filter values straight to the
    database, where a NUL ends in a DataError, a 500. No browser puts one in a real link or form,
    so the admin refuses it at the door instead of in every filter. The public pages are not
    concerned: their forms already turn a NUL byte into a message on the page (Django's text
    fields refuse it; tests/groups/test_directory.py, tests/test_pagination.py), a better answer
    for a citizen than a 400. Uploaded files and non-form bodies are not read here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _in_admin(request) and self.has_nul(request):
            raise BadRequest("NUL byte in a request of the admin")
        return self.get_response(request)

    @staticmethod
    def has_nul(request) -> bool:
        if "\x00" in request.path or _has_nul(request.GET.lists()):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                return _has_nul(request.POST.lists())
            except (MultiPartParserError, UnreadablePostError):
                return False  # the view (or CSRF) meets the same error and answers it
        return False


class AdminBadLookupMiddleware:
    """A changelist filter, or an action's list of selected rows, that the database cannot run
    sends the admin back to the list with Django's ``?e=1``, as Django does itself for lookups it
    recognises as invalid (issue #12, finding 7).

    Django checks the names of the filters, not every value: a word for a PostgreSQL enum
    (procrastinate's job status) fails in the database (DataError), a year of twenty digits in a
    date drill-down overflows Python's dates (OverflowError), a word among the selected ids of an
    action is not a number (ValueError). Only the admin's GETs with a query and its action POSTs
    are concerned, and each is logged with its traceback; any other error stays a 500 to be fixed.
    """

    REFUSED = (DataError, OverflowError, ValidationError, ValueError)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, self.REFUSED):
            return None
        if not _in_admin(request):
            return None
        if request.method == "GET":
            if not request.GET or ERROR_FLAG in request.GET:
                return None
        elif request.method != "POST" or helpers.ACTION_CHECKBOX_NAME not in request.POST:
            return None
        logger.warning("Admin request refused by the database: %s", request.path, exc_info=True)
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


# --- Content-Security-Policy: the settings' policy built once, not on every response ---------
# django-csp 4.0 builds the policy from the settings twice per response (the policy and the
# report-only one: a copy of every directive, a dataclass turned into a dict, joins), although a
# response that asked for nothing of its own (no csp_update/csp_replace/own config, no nonce)
# always gets the same bytes. Those are kept per settings, forgotten when the setting changes.
_SETTINGS_POLICIES: dict[bool, str] = {}


@receiver(setting_changed)
def _forget_csp_policies(*, setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _SETTINGS_POLICIES.clear()


def settings_policy(*, report_only: bool) -> str:
    """The header the settings give a response of its own asking nothing ("" = none)."""
    try:
        return _SETTINGS_POLICIES[report_only]
    except KeyError:
        policy = _SETTINGS_POLICIES[report_only] = build_policy(report_only=report_only)
        return policy


_OWN_POLICY_ATTRS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, the same header bytes, without rebuilding the settings' policy
    on every response (issue #20: the framework floor). A response with a policy of its own
    (csp_update, csp_replace, csp decorators) or a request that used its nonce is left to
    django-csp as before; exemptions, excluded prefixes and DEBUG's error pages too."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _OWN_POLICY_ATTRS
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, exempt, setting in (
            (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = settings_policy(report_only=report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp: the nonce cannot be asked for once the header is written.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

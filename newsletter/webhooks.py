"""The mail provider's tracking webhook (django-anymail), closed until a secret is set.

anymail's views check HTTP basic auth against ``ANYMAIL["WEBHOOK_SECRET"]``; with no secret
they would accept anyone's POST (and anyone could suppress any address), so here every anymail
URL answers 404 until the secret is configured.
"""

from __future__ import annotations

from functools import wraps

from anymail import urls as anymail_urls
from anymail.utils import get_anymail_setting
from django.http import Http404
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt


def _secret_configured() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=""))


def _guarded(view):
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _secret_configured():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# Only the tracking webhooks (bounces, complaints): the office receives no mail through them.
urlpatterns = [
    URLPattern(p.pattern, _guarded(p.callback), p.default_args, p.name)
    for p in anymail_urls.urlpatterns
    if p.name and p.name.endswith("_tracking_webhook")
]
app_name = "anymail"

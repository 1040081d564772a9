"""Rate limits: one rule for every way in (issue #12).

- Log in, sign up, password reset: allauth's limits (``ACCOUNT_RATE_LIMITS``).
- The admin's log-in (``/admin/login/``): ``StaffLoginForm`` counts on allauth's own "login" and
  "login_failed" rules, with the same counters, so failures at either door add up.
- The portal's own forms (contact, subscription, opinion box, reports, guest registration):
  ``limit_hit`` or ``@rate_limit`` (django-ratelimit underneath).

All of them key the visitor by ``core.clientip.client_ip`` (an IPv6 visitor by their /64) and keep
their counters in the "default" cache, the only alias allauth reads. Public pages are kept in
their own cache ("pages"), so no flood of page requests can cull a counter and undo a lock-out.
"""

from __future__ import annotations

import functools

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit as allauth_ratelimit
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from core import views

__all__ = ["StaffLoginForm", "limit_hit", "rate_limit", "rate_limited"]


def rate_limited(request, exception=None):
    """The portal's "too many attempts" page (429), in the visitor's language."""
    return views.rate_limited(request, exception)


def limit_hit(request, *, scope: str, rate: str, key="ip", method: str = "POST") -> bool:
    """Count this request against ``rate`` (e.g. "10/h") in ``scope``; True when it is one
    too many. ``key`` is "ip" (the visitor's address), another django-ratelimit key such as
    "post:email", or a callable ``(group, request) -> str``. Only ``method`` requests count."""
    return is_ratelimited(request, group=scope, key=key, rate=rate, method=method, increment=True)


def rate_limit(*, scope: str, rate: str, key="ip", method: str = "POST"):
    """View decorator: answer 429 (``rate_limited``) once ``limit_hit`` says so."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if limit_hit(request, scope=scope, rate=rate, key=key, method=method):
                return rate_limited(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's log-in form on allauth's rules: every attempt counts against "login" (per
    address), every failure against "login_failed" (per address and per account), with the
    very counters ``/accounts/login/`` uses; a success takes its own attempt back, as there."""

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            if not allauth_ratelimit.consume(self.request, action="login"):
                raise ValidationError(
                    _("You have tried this too often. Please wait a few minutes and try again."),
                    code="too_many_login_attempts",
                )
            # Raises allauth's "too many failed login attempts" when locked.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, email=email, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

"""The visitor's address, one rule for every rate limit.

allauth (log in, sign up, password reset) and django-ratelimit (the portal's own forms) both key
their limits by it. Directly on the internet it is REMOTE_ADDR. Behind reverse proxies every
request comes from a proxy, so ALLAUTH_TRUSTED_PROXY_COUNT proxies are trusted to append the
address they saw to X-Forwarded-For, and the entry that many places from the right is the
visitor's: entries further left are whatever the client sent, and are never believed.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str:
    """For django-ratelimit (``RATELIMIT_IP_META_KEY``): the same address allauth uses."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        # No address at all (a misconfigured proxy): one shared bucket rather than none.
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"

"""Rate limits of the public forms (django-ratelimit in the shared database cache)."""

from __future__ import annotations

from django_ratelimit.core import is_ratelimited

from core.views import rate_limited

__all__ = ["over_limit", "rate_limited"]


def over_limit(request, *, group: str, rate: str, key: str = "ip") -> bool:
    """Count this POST against ``rate`` for ``group``; True when it is one too many."""
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)

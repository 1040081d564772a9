"""The visitor's address, one rule for every rate limit (core/ratelimit.py).

allauth (log in, sign up, password reset, the admin's log-in) and the portal's own forms
(``core.ratelimit.limit_hit``) both key their limits by it; ``client_network`` counts people where
one line has many addresses (bulletin reports).

Directly on the internet the address is REMOTE_ADDR. Behind reverse proxies every request comes
from a proxy, so ALLAUTH_TRUSTED_PROXY_COUNT proxies are trusted to append the
address they saw to X-Forwarded-For, and the entry that many places from the right is the
visitor's: entries further left are whatever the client sent, and are never believed.
"""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str:
    """For django-ratelimit (``RATELIMIT_IP_META_KEY``): the same address allauth uses."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        # No address at all (a misconfigured proxy): one shared bucket rather than none.
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def client_network(address: str) -> str:
    """The network an address belongs to, for counting people rather than addresses: an IPv4
    /24 or an IPv6 /64 (one household or one subscriber's line commonly has a whole /64, i.e.
    millions of addresses). An IPv4 address written as IPv6 counts as IPv4; anything that is not
    an address is returned unchanged."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))

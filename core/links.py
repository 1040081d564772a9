"""The portal's address in front of a path: links in e-mails and feeds, read away from the site."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/bulletin/`` → ``{SITE_URL}/bulletin/``; an address with a scheme stays as it is.

    A mail program has no page to resolve a path against, so every link in a mail (and a feed)
    goes through here. ``SITE_URL`` may end in a path of its own (the portal served under
    ``/kyodo``): it is kept, as ``reverse()`` outside a request gives paths from the root."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return urljoin(f"{settings.SITE_URL}/", path)
    return f"{settings.SITE_URL}/{path.lstrip('/')}"

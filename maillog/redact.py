"""Personal links are not kept: a link to the portal that carries a token (in its path, as a
URL argument such as ``token`` or ``key``, or in its query, such as ``?t=``) is replaced before a
mail's body is stored.

This keeps one-time links out of the database even in mails that are not marked secret (the
newsletter's own unsubscribe link, a guest's "manage your registration" link), and lets one
newsletter issue to many readers be stored once: only their personal links differ.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

# URL arguments and query parameters that hold a secret.
TOKEN_ARGUMENTS = frozenset({"token", "key", "uidb36", "uidb64", "code"})
TOKEN_PARAMETERS = frozenset({"t", "token", "key", "code", "sig", "signature"})

# Characters of a URL (RFC 3986), so a link followed by Japanese text or a quote ends there.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%\[\]]+")
_TRAILING = ".,;:!?*"


def removed_text() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("(personal link not kept)")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def carries_token(url: str) -> bool:
    """Whether ``url`` (absolute) carries a token for the portal: a path of the portal that
    takes a token (on any host: allauth builds its links from the request's host), or a token
    in the query of a link to ``SITE_URL``."""
    parts = urlsplit(html.unescape(url))
    if _origin(url) == _origin(settings.SITE_URL):
        query = parse_qs(parts.query, keep_blank_values=True)
        if TOKEN_PARAMETERS & {name.lower() for name in query}:
            return True
    path = parts.path
    for candidate in (path, path.rstrip(_TRAILING)):
        try:
            match = resolve(candidate or "/")
        except Resolver404:
            continue
        return bool(TOKEN_ARGUMENTS & set(match.kwargs))
    return False


def redact(body: str) -> str:
    """``body`` with every tokened link to the portal replaced."""
    if not body:
        return body
    replacement = removed_text()

    def replace(match: re.Match) -> str:
        url = match.group(0)
        return replacement if carries_token(url) else url

    return _URL.sub(replace, body)

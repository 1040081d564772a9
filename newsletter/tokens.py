"""Signed links in newsletter e-mails (django.core.signing: HMAC with SECRET_KEY).

- confirmation: names the subscriber and the round of subscription (``token_version``), and
  expires after a week; a link from an earlier round or a tampered one is refused;
- unsubscribe / preferences: names the subscriber only and never expires, so the link in
  every issue ever sent keeps working.
"""

from __future__ import annotations

from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"
CONFIRM_MAX_AGE = 7 * 24 * 3600


class TokenError(Exception):
    """The link was tampered with, expired or is from an earlier round."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "bad" or "expired"


def confirm_token(subscriber) -> str:
    return signing.dumps([subscriber.pk, subscriber.token_version], salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[int, int]:
    try:
        pk, version = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenError("expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise TokenError("bad") from exc
    if not (isinstance(pk, int) and isinstance(version, int)):
        raise TokenError("bad")
    return pk, version


def manage_token(subscriber) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber.pk))


def read_manage_token(token: str) -> int:
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
        return int(value)
    except (signing.BadSignature, ValueError) as exc:
        raise TokenError("bad") from exc

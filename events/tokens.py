"""Signed tokens in e-mail links (guests have no account, so the link is their key)."""

from __future__ import annotations

from django.core import signing

GUEST_CONFIRM_SALT = "events.guest.confirm"
GUEST_MANAGE_SALT = "events.guest.manage"
SURVEY_SALT = "events.survey.guest"


def guest_confirm_token(registration) -> str:
    return signing.dumps(registration.pk, salt=GUEST_CONFIRM_SALT, compress=True)


def guest_manage_token(registration) -> str:
    return signing.dumps(registration.pk, salt=GUEST_MANAGE_SALT, compress=True)


def survey_token(survey, registration) -> str:
    return signing.dumps([survey.pk, registration.pk], salt=SURVEY_SALT, compress=True)


def read(token: str, salt: str):
    """The signed value, or None when the token is garbled or forged."""
    try:
        return signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None

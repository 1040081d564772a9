"""Run in a subprocess with production settings (DEBUG=0): print the cookies and headers that a
browser gets, as JSON. Used by tests/security/test_deploy.py; changes nothing (rolled back)."""

import json
import os
import sys

import django

HOST = "portal.example.jp"


def morsel(cookie) -> dict:
    return {
        "secure": bool(cookie["secure"]),
        "httponly": bool(cookie["httponly"]),
        "samesite": cookie["samesite"],
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_office.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User

    out = {"debug": settings.DEBUG}
    # The hashed-static manifest needs collectstatic; cookies and headers do not.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static), transaction.atomic():
        user = User.objects.create_user(email="probe@example.jp", password="probe-passphrase-2026")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        client = Client(SERVER_NAME=HOST)
        plain = client.get("/accounts/login/")
        out["http_redirect"] = [plain.status_code, plain.get("Location", "")]
        out["healthz_over_http"] = client.get("/healthz").status_code
        page = client.get("/accounts/login/", secure=True)
        out["headers"] = {
            k: page.get(k, "")
            for k in [
                "Strict-Transport-Security",
                "Content-Security-Policy",
                "X-Frame-Options",
                "X-Content-Type-Options",
                "Referrer-Policy",
                "Cross-Origin-Opener-Policy",
            ]
        }
        out["csrftoken"] = morsel(page.cookies[settings.CSRF_COOKIE_NAME])
        login = client.post(
            "/accounts/login/",
            {"login": user.email, "password": "probe-passphrase-2026"},
            secure=True,
        )
        out["login_status"] = login.status_code
        out["sessionid"] = morsel(login.cookies[settings.SESSION_COOKIE_NAME])
        lang = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
        out["django_language"] = morsel(lang.cookies[settings.LANGUAGE_COOKIE_NAME])
        transaction.set_rollback(True)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

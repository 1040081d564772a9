"""Production settings: `check --deploy` is clean, cookies are Secure/HttpOnly/SameSite, HTTPS
is enforced, and every page carries the security headers (CSP without unsafe-inline,
clickjacking protection, nosniff)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="kyodo_office.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.jp",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output.upper().replace("FAIL-LEVEL", ""), output


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def probe(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = database_url()
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("deploy_probe.py"))],
        cwd=REPO,
        env=production_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_cookies_are_secure_httponly_and_samesite_in_production(probe):
    assert probe["debug"] is False
    assert probe["login_status"] == 302
    for name in ("sessionid", "csrftoken", "django_language"):
        cookie = probe[name]
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name


def test_http_is_redirected_to_https_except_the_health_check(probe):
    status, location = probe["http_redirect"]
    assert status == 301
    assert location.startswith("https://portal.example.jp/")
    assert probe["healthz_over_http"] == 200


def test_production_pages_send_hsts_and_the_strict_headers(probe):
    headers = probe["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert_strict_csp(headers["Content-Security-Policy"])
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_strict_csp(csp: str) -> None:
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    assert directives["default-src"] == ["'self'"], csp
    assert directives["script-src"] == ["'self'"], csp
    assert directives["style-src"] == ["'self'"], csp
    assert directives["object-src"] == ["'none'"], csp
    assert directives["frame-ancestors"] == ["'none'"], csp
    assert directives["base-uri"] == ["'self'"], csp
    assert directives["form-action"] == ["'self'"], csp


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/accounts/signup/", "/groups/", "/events/", "/no-such-page/"],
)
def test_every_kind_of_response_carries_csp_and_clickjacking_protection(client, path):
    response = client.get(path)
    assert_strict_csp(response["Content-Security-Policy"])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_signed_in_pages_and_the_admin_are_protected_too(client_for):
    client = client_for("staff")
    for path in [reverse("my_account"), "/admin/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_csp(response["Content-Security-Policy"])
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_template_uses_inline_scripts_styles_or_handlers():
    """The CSP would block them in the browser; catch them in the source as well."""
    import re

    offenders = []
    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son(click|load|change|submit|input|error)=",
        re.IGNORECASE,
    )
    for template in REPO.glob("**/templates/**/*.html"):
        if ".venv" in template.parts or "node_modules" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{template.relative_to(REPO)}:{line}: {match.group(0).strip()}")
    assert not offenders, "\n".join(offenders)

"""Settings for the Kyodo Office portal, read from the environment (12-factor).

Development works with no variables set. With DEBUG off the portal refuses to start without a
real SECRET_KEY and turns on the HTTPS-only settings that `manage.py check --deploy` asks for.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kyodo_office.database import DatabaseConfigError, database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from exc


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=0) needs a long random SECRET_KEY, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY is too short for production: use 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin with the office's site: its home is the day's dashboard (core/admin_site.py).
    "core.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "procrastinate.contrib.django",
    "core",
    "accounts",
    "maillog",
    "groups",
    "facilities",
    "events",
    "news",
    "newsletter",
    "bulletin",
    "collaboration",
    "reports",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PortalCSPMiddleware",  # django-csp, its policy built once (issue #20)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Issue #12, finding 7: a NUL byte in a request of the admin is a 400; an admin filter value
    # the database refuses sends the admin back to the list (after the user and messages exist,
    # so the 400 page is the portal's own, in the visitor's language).
    "core.middleware.AdminRefusesNulBytesMiddleware",
    "core.middleware.AdminBadLookupMiddleware",
    "reports.middleware.PageViewMiddleware",
]

ROOT_URLCONF = "kyodo_office.urls"
WSGI_APPLICATION = "kyodo_office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "pages.context_processors.office",
                "accounts.context_processors.roles",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.PortalFormRenderer"

try:
    DATABASES = {"default": database_settings()}
except DatabaseConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Caches shared by every app server, in the database (`createcachetable` makes the tables).
# "default" holds the rate-limit counters (allauth reads only this alias; core/ratelimit.py and
# django-ratelimit use it too) and things whose number the data bounds: the home page's content,
# the reports' figures, partner suggestions. No page is kept there, so a flood of page requests
# can never cull a counter and undo a lock-out (issue #12); when it fills, expired entries go first.
# "pages" holds public pages kept for anonymous visitors (core/pagecache.py): bounded, culled on
# its own when full.
# Both are Django's database cache writing with one upsert and counting the table only when it
# may be full (core/dbcache.py, issue #20): Django's own counts every row on every write.
CACHES = {
    "default": {
        "BACKEND": "core.dbcache.PortalDatabaseCache",
        "LOCATION": "portal_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 200_000)},
    },
    "pages": {
        "BACKEND": "core.dbcache.PortalDatabaseCache",
        "LOCATION": "portal_pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PUBLIC_PAGE_CACHE_MAX_ENTRIES", 20_000)},
    },
}
# Public pages as anonymous visitors see them are kept this long (core/pagecache.py); 0 = off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 0 if DEBUG else 60)
# A signed-in viewer's page is kept whole at most this long, and only while nothing in the
# database has changed since (core/viewercache.py); 0 = off.
VIEWER_PAGE_CACHE_SECONDS = env_int("VIEWER_PAGE_CACHE_SECONDS", 0 if DEBUG else 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Language and time: Japanese first, Asia/Tokyo
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# A day and its time apart in Japanese (kyodo_office/formats/ja): 「2027年1月10日 9:30」.
FORMAT_MODULE_PATH = ["kyodo_office.formats"]

# --- Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Staff-only uploads (group rules, officer lists): never under MEDIA_ROOT, served by a view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- E-mail
# Every mail goes through the mail log (maillog/backends.py: each person can read their mails
# again on My Page), which hands it to the real backend: the environment's EMAIL_BACKEND.
EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
MAILLOG_INNER_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# Booking mails are sent by the background worker (facilities/tasks.py), queued with the booking;
# off (sent on commit in the request) in development, so `make run` needs no worker.
FACILITIES_MAIL_IN_BACKGROUND = env_bool("FACILITIES_MAIL_IN_BACKGROUND", not DEBUG)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "まちづくり協働オフィス <office@kyodo-office.example.jp>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
OFFICE_EMAIL = os.environ.get("OFFICE_EMAIL", "office@kyodo-office.example.jp")
ADMINS = [("Office", addr) for addr in env_list("ADMINS")]
# django-anymail: the mail provider's bounce webhook (under /newsletter/anymail/) requires this
# basic-auth "user:password"; without it the webhook answers 404.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "")}

# --- Accounts (django-allauth): e-mail login, mandatory verification
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_account"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# The portal's name in the reader's language at the head of every subject (set below PORTAL_NAME).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Behind N reverse proxies, allauth reads the client's address from X-Forwarded-For (rate limits).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)

# The portal's own limits (core/ratelimit.py, on django-ratelimit): counters in the "default"
# cache beside allauth's, keyed by the visitor's address as allauth sees it (REMOTE_ADDR, or
# X-Forwarded-For behind ALLAUTH_TRUSTED_PROXY_COUNT proxies): one rule for every limit.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "core.views.rate_limited"
RATELIMIT_IP_META_KEY = "core.clientip.client_ip"

# Sessions in PostgreSQL as Django keeps them, read with one plain statement (together with a
# signed-in viewer's kept page: core/sessions.py).
SESSION_ENGINE = "core.sessions"

# --- Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the city's domain owner, not a default.
    "security.W021",
]

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Background worker (procrastinate): heartbeats, and when a job's worker counts as dead
# Each worker beats every 10 s; a worker silent for 60 s is dead, and its ``doing`` jobs are put
# back to ``todo`` by core.tasks (each minute in every worker, or
# ``manage.py core_stalled_jobs_retry``).
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": 10.0,
    "stalled_worker_timeout": 60.0,
}
JOBS_STALLED_AFTER_SECONDS = env_int("JOBS_STALLED_AFTER_SECONDS", 60)
JOBS_RETRY_STALLED_CRON = "* * * * *"

# --- Logging: one line per problem on the console
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
        # procrastinate announces its task registry at every start of every command.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        # A line per job queued (every booking queues its mail): the worker logs what it runs.
        "procrastinate.jobs": {"level": "WARNING"},
    },
}

# Portal-wide knobs.
PORTAL_NAME = _("Kyodo Office")
# "[まちづくり協働オフィス] " or "[Kyodo Office] ": lazy, so each mail takes the language it is
# written in (allauth's mails, and the apps' own senders that add it to their subjects).
ACCOUNT_EMAIL_SUBJECT_PREFIX = format_lazy("[{}] ", PORTAL_NAME)
DEMO_PASSWORD = "kyodo-demo-2026"

"""Test settings: the real settings, with a fast password hasher and files in a temp folder."""

import tempfile

from kyodo_office.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="kyodo-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="kyodo-test-private-")
# Mails go through the mail log into locmem's outbox. (Django's test set-up replaces
# EMAIL_BACKEND with locmem itself; tests/maillog puts the mail log back in front.)
EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
MAILLOG_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Booking mails sent on commit in the request (tests/facilities/test_booking_mail_background.py
# turns the background job on).
FACILITIES_MAIL_IN_BACKGROUND = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests exercise rate limits explicitly; the cache is cleared between tests by a fixture.
# Pages are built afresh for every test request; tests/test_page_cache.py turns the cache on.
PUBLIC_PAGE_CACHE_SECONDS = 0
# Signed-in pages kept per viewer (core/viewercache.py) and the rooms' kept grids
# (facilities/gridcache.py) renew their versions after the writer's commit, which a test's
# transaction never reaches: off here, and their own tests turn them on (with on-commit
# callbacks run, or a transactional database).
VIEWER_PAGE_CACHE_SECONDS = 0
GRID_CACHE_SECONDS = 0
# The footer's office details and hours are read once and kept (pages/footer.py). In tests they
# are kept until a change through pages.services forgets them, and read before the first test
# (tests/conftest.py), so no page's query count depends on which test ran before it.
OFFICE_FOOTER_SECONDS = None
# log_action refuses an audit key no app registered (core/audit.py): a new key needs its sentence.
AUDIT_STRICT_KEYS = True

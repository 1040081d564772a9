"""Settings of the background worker that tests/newsletter/test_worker_killed.py starts as a
real process: the test settings, a real SMTP server on the port given in the environment, and
short heartbeats so a killed worker is noticed within seconds."""

import os

from kyodo_office.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["KYODO_TEST_SMTP_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 10

PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": 0.5,
    "stalled_worker_timeout": 3.0,
    "fetch_job_polling_interval": 0.5,
}
JOBS_STALLED_AFTER_SECONDS = 2
JOBS_RETRY_STALLED_CRON = "* * * * * */1"  # every second (croniter's sixth field)

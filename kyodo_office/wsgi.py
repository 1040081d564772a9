import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_office.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    # One clear line in the server log instead of a traceback per worker.
    sys.exit(f"Kyodo Office portal cannot start: {exc}")

"""The bare floor (issue #20): a Django view making one query with no project middleware at all.

`make bench` serves this beside the portal (a second gunicorn with these settings) and reports
every page against it and against the framework floor (bench/settings.py: the portal's whole
middleware stack and the same view). Production never uses it.
"""

from bench.settings import *  # noqa: F403

# No project middleware and none of the project's apps (allauth's checks would ask for its
# middleware): the floor view needs only a database connection.
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []
ROOT_URLCONF = "bench.bare_urls"

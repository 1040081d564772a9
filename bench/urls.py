"""The portal's URLs plus the framework floor (only when settings.BENCHMARK_FLOOR is on).

The error handlers are imported so that Django finds them in this URLconf too.
"""

from django.conf import settings
from django.urls import path

from bench.views import floor
from kyodo_office.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kyodo_office.urls import urlpatterns as portal_urlpatterns

urlpatterns = list(portal_urlpatterns)
if getattr(settings, "BENCHMARK_FLOOR", False):
    urlpatterns.insert(0, path("__bench__/floor/", floor, name="bench_floor"))

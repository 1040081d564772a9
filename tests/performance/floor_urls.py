"""The portal's URLs plus the framework floor's view (bench/views.py), for the in-process
measurements of tests/performance/test_framework_floor.py (bench/urls.py decides at import)."""

from django.urls import path

from bench.views import floor
from kyodo_office.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kyodo_office.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("__bench__/floor/", floor, name="bench_floor"), *portal_urlpatterns]

"""The bare floor's only URL (bench/bare_settings.py)."""

from django.urls import path

from bench.views import floor

urlpatterns = [path("__bench__/floor/", floor, name="bench_floor")]

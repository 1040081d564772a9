"""Fixed, stable addresses of the pages staff edit; any other page lives under /pages/."""

from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("guide/", views.page, {"kind": "guide"}, name="guide"),
    path("access/", views.page, {"kind": "access"}, name="access"),
    path("faq/", views.page, {"kind": "faq"}, name="faq"),
    path("downloads/", views.page, {"kind": "downloads"}, name="downloads"),
    path("privacy/", views.page, {"kind": "privacy"}, name="privacy"),
    path("terms/", views.page, {"kind": "terms"}, name="terms"),
    path("pages/<slug:slug>/", views.page, name="page"),
]

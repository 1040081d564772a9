"""/programme/: the office's broadcast programme (広報番組)."""

from django.urls import path

from news import views

app_name = "programme"

urlpatterns = [
    path("", views.programme, name="list"),
]

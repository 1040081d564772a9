"""/opinion/: the opinion box (ご意見箱)."""

from django.urls import path

from news import views

app_name = "opinion"

urlpatterns = [
    path("", views.opinion, name="form"),
    path("thanks/", views.opinion_thanks, name="thanks"),
]

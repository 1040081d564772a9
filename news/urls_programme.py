"""/programme/: the office's broadcast programme (広報番組), its episodes, and a group's request
to appear."""

from django.urls import path

from news import views

app_name = "programme"

urlpatterns = [
    path("", views.programme, name="list"),
    path("appear/", views.appear, name="appear"),
    path("<int:pk>/", views.episode, name="episode"),
]

from django.urls import path
from django.views.decorators.http import require_safe

from bulletin import feeds, views

app_name = "bulletin"

urlpatterns = [
    path("", views.list, name="list"),
    path("feed/", require_safe(feeds.BulletinFeed()), name="feed"),
    path("new/", views.create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/report/", views.report, name="report"),
]

from django.urls import path

from bulletin import feeds, views

app_name = "bulletin"

urlpatterns = [
    path("", views.list, name="list"),
    path("feed/", feeds.BulletinFeed(), name="feed"),
    path("new/", views.create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/report/", views.report, name="report"),
]

from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.my_account, name="my_account"),
    path("delete/", views.account_close_view, name="account_close"),
]

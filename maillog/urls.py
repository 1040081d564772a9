from django.urls import path

from maillog import views

app_name = "maillog"

urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
]

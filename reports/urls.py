from django.urls import path
from django.views.generic import RedirectView

from reports import views

app_name = "reports"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:annual"), name="index"),
    path("annual/", views.annual, name="annual"),
    path("annual.csv", views.annual_trend_csv, name="annual_trend_csv"),
    path("annual/charts/<slug:chart>.svg", views.trend_chart, name="trend_chart"),
    path("annual/<int:year>/", views.annual_year, name="annual_year"),
    path("annual/<int:year>.csv", views.annual_csv, name="annual_csv"),
    path("annual/<int:year>.xlsx", views.annual_xlsx, name="annual_xlsx"),
    path("annual/<int:year>/charts/<slug:chart>.svg", views.year_chart, name="year_chart"),
]

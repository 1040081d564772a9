from django.urls import path
from django.views.generic import RedirectView

from reports import views, views_business

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
    # Survey results, the committee's opinions, the business report (reports/views_business.py).
    path("surveys/", views_business.surveys, name="surveys"),
    path("opinions/", views_business.committee_opinions, name="committee_opinions"),
    path("business/", views_business.business_index, name="business_index"),
    path("business/<int:year>/", views_business.business, name="business"),
    path("business/<int:year>.pdf", views_business.business_pdf, name="business_pdf"),
]

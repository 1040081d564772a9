from django.shortcuts import render

from reports.permissions import reports_viewer_required


@reports_viewer_required
def annual(request):
    return render(request, "reports/annual.html")

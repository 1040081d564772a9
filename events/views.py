from django.shortcuts import render


def list(request):
    return render(request, "events/list.html")

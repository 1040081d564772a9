from django.shortcuts import render


def directory(request):
    return render(request, "groups/directory.html")


def detail(request, slug):
    from django.http import Http404

    raise Http404

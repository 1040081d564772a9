"""The person's side of the mail log: their own mails, read-only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.pagination import paginate
from maillog import selectors

PER_PAGE = 20


@login_required
@require_safe
def mail_list(request):
    page_obj = paginate(request, selectors.mails_for(request.user), PER_PAGE)
    return render(request, "maillog/list.html", {"page_obj": page_obj})


@login_required
@require_safe
def mail_detail(request, pk: int):
    mail = selectors.mail_for(request.user, pk)
    return render(request, "maillog/detail.html", {"mail": mail})

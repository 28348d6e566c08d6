from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest

from .models import Notice
from .services import notice_mark_read, notices_mark_all_read


@login_required
@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Only the notice's own user can mark it; anything else silently changes nothing."""
    notice_mark_read(user_id=request.user.pk, notice_id=pk)
    nxt = request.POST.get("next", "/")
    # Only a path on this site; redirect() would take any other word for a view name.
    if not nxt.startswith("/") or not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return HttpResponseRedirect(nxt)


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    """The user's own notices, newest first; nobody reads anyone else's."""
    notices = Paginator(Notice.objects.filter(user=request.user).order_by("-created_at", "-id"), 30)
    return render(request, "notices/list.html", {"notices": notices.get_page(request.GET.get("page"))})


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    notices_mark_all_read(user_id=request.user.pk)
    return redirect("notices:list")

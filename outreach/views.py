from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from accounts.capabilities import require

from .forms import VisitForm
from .selectors import coverage_for_user, visited_this_month_count, visits_for_user
from .services import outreach_visit_record

PAGE_SIZE = 25


@login_required
def visit_list(request: AuthedRequest) -> HttpResponse:
    """Outreach visits in scope, newest first; association staff record a visit above the list."""
    user = request.user
    require(user, "sees_outreach")
    form = VisitForm(request.POST or None, user=user) if user.records_outreach else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit = outreach_visit_record(
                    by=user, day=d["day"], venues=list(d["venues"]), volunteers=d["volunteers"],
                    volunteer_names=d["volunteer_names"], summary=d["summary"],
                    photos=request.FILES.getlist("photos"), request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The visit of %(day)s is recorded (%(n)d venues). The venues' pages "
                                            "show it, and the coverage page counts them as visited this month.")
                                 % {"day": visit.day.isoformat(), "n": len(d["venues"])})
                return redirect("outreach:list")
    return render(request, "outreach/list.html", {
        "visits": Paginator(visits_for_user(user), PAGE_SIZE).get_page(request.GET.get("page")),
        "form": form,
    })


@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """Operating venues in scope that no outreach visit reached this month: the gaps."""
    require(request.user, "sees_coverage")
    venues = Paginator(coverage_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/coverage.html", {
        "venues": venues, "visited": visited_this_month_count(request.user),
        "month_start": timezone.localdate().replace(day=1),
    })

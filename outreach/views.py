from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, xlsx_sheets_response
from daodao.params import parse_month

from .forms import VisitForm
from .selectors import coverage_for_user, visited_this_month_count, visits_for_user, visits_in_month
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
    month = _month_filter(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "outreach/list.html", {
        "visits": Paginator(visits_in_month(visits_for_user(user), month), PAGE_SIZE).get_page(request.GET.get("page")),
        "form": form, "month": month, "query": query.urlencode(),
    })


def _month_filter(request: AuthedRequest) -> date | None:
    """The list's ``month`` filter (YYYY-MM): absent or empty, or a real month, else 404."""
    value = request.GET.get("month", "")
    if not value:
        return None
    month = parse_month(value)
    if month is None:
        raise Http404
    return month


@login_required
def visit_export(request: AuthedRequest) -> HttpResponse:
    """The visits as listed (scope, month) as an Excel file, audited: for the association's
    monthly figures. Each visit names only the venues the reader may see."""
    user = request.user
    require(user, "sees_outreach")
    month = _month_filter(request)
    visits = visits_in_month(visits_for_user(user), month)
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "outreach_visits", "filters": {"month": request.GET.get("month", "")},
                         "rows": visits.count()})
    title = export_title(what=_("Outreach visits"), user=user,
                         filters=[(_("Month"), month.strftime("%Y-%m") if month else "")])
    return xlsx_sheets_response("outreach-visits", [Sheet(
        name=_("Outreach visits"), title=title, widths=(12, 14, 40, 10, 24, 50, 14, 8),
        headers=[_("Day"), _("Area"), _("Venues visited"), _("Volunteers"), _("Volunteers' names"),
                 _("What the volunteers did"), _("Recorded by"), _("Photos")],
        rows=((v.day, v.jurisdiction.name, "、".join(venue.name for venue in v.venues.all()), v.volunteers,
               v.volunteer_names, v.summary, v.recorded_by.get_full_name(), len(v.photos.all()))
              for v in visits))])


@login_required
def coverage_export(request: AuthedRequest) -> HttpResponse:
    """The operating venues not visited this month, as on the coverage page, audited."""
    require(request.user, "sees_coverage")
    venues = coverage_for_user(request.user)
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "outreach_coverage", "rows": venues.count()})
    title = export_title(what=_("Operating venues not visited this month"), user=request.user)
    return xlsx_sheets_response("outreach-coverage", [Sheet(
        name=_("Outreach coverage"), title=title, widths=(30, 16, 40, 14),
        headers=[_("Venue"), _("Police station"), _("Address"), _("Last outreach visit")],
        rows=((v.name, v.station.name, v.address, getattr(v, "last_visit"))  # noqa: B009 -- an annotation
              for v in venues.iterator(chunk_size=500)))])


@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """Operating venues in scope that no outreach visit reached this month: the gaps."""
    require(request.user, "sees_coverage")
    venues = Paginator(coverage_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/coverage.html", {
        "venues": venues, "visited": visited_this_month_count(request.user),
        "month_start": timezone.localdate().replace(day=1),
    })

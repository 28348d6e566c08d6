from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from audit.services import audit_record
from daodao.excel import xlsx_response
from daodao.identifiers import mask_id_number
from daodao.paginator import LargeCountPaginator
from daodao.params import parse_id
from staff.employee_session import employee_identify_page
from staff.models import SignInRefusal
from venues.selectors import venue_by_signin_token, venue_get_for_user

from .forms import PublishForm, SignForm
from .models import Kind, PledgeTemplate
from .selectors import (
    coverage_for_user,
    employees_without_pledge_for_user,
    pledge_get_for_user,
    venue_status,
)
from .services import pledge_sign, pledge_template_publish, template_current

PAGE_SIZE = 25



@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    require(request.user, "sees_coverage")
    venues = coverage_for_user(request.user)
    missing = employees_without_pledge_for_user(request.user)
    # Two lists on one page, each with its own page number.
    return render(request, "pledges/coverage.html", {
        "venues": LargeCountPaginator(venues, PAGE_SIZE).get_page(request.GET.get("page")),
        "without_venue_pledge": venues.filter(venue_pledge_ok=False).count(),
        "missing": LargeCountPaginator(missing, PAGE_SIZE).get_page(request.GET.get("epage")),
        "epage_query": f"page={parse_id(request.GET.get('page')) or 1}",
        "page_query": f"epage={parse_id(request.GET.get('epage')) or 1}",
    })


@login_required
def coverage_export(request: AuthedRequest, what: str) -> HttpResponse:
    require(request.user, "sees_coverage")
    if what == "venues":
        covered: list[Any] = list(coverage_for_user(request.user))  # annotated rows
        rows = [(v.name, v.station.name, _("yes") if v.venue_pledge_ok else _("no"), v.staff_count, v.covered_count)
                for v in covered]
        headers = [_("Venue"), _("Police station"), _("Venue pledge valid"), _("Current staff"),
                   _("Staff with a valid pledge")]
    elif what == "employees":
        rows = [(e.venue.name, e.person.name, mask_id_number(e.person.id_number), e.get_status_display(), e.hired_on)
                for e in employees_without_pledge_for_user(request.user).iterator(chunk_size=500)]
        headers = [_("Venue"), _("Name"), _("ID number"), _("Status"), _("Hired on")]
    else:
        raise Http404
    audit_record(action="export", request=request, detail={"what": f"pledge_coverage_{what}", "rows": len(rows)})
    return xlsx_response(f"pledges-{what}", headers, rows)


@login_required
def venue(request: AuthedRequest, pk: int) -> HttpResponse:
    """A venue's pledges: the manager signs the venue pledge here."""
    v = venue_get_for_user(request.user, pk)
    form = SignForm(request.POST or None)
    template = template_current(Kind.VENUE)
    if request.method == "POST":
        if not request.user.manages(v):
            raise PermissionDenied
        if form.is_valid():
            try:
                pledge = pledge_sign(kind=Kind.VENUE, venue=v, user=request.user, request=request,
                                     typed_name=form.cleaned_data["typed_name"],
                                     consent=form.cleaned_data["consent"], signature=form.cleaned_data["signature"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The venue pledge of %(venue)s is signed and valid until %(day)s. "
                                            "Employees sign their own pledges from the poster's QR code.")
                                 % {"venue": v.name, "day": date_format(pledge.valid_until)})
                return redirect("pledges:detail", pk=pledge.pk)
    return render(request, "pledges/venue.html", {
        "venue": v, "status": venue_status(v), "template": template, "form": form,
        "signatures": v.pledges.select_related("template").order_by("-signed_at")[:50],
        "can_sign": request.user.manages(v) and template is not None,
    })


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable signed pledge, for the paper file."""
    pledge = pledge_get_for_user(request.user, pk)
    return render(request, "pledges/detail.html", {"pledge": pledge})


@login_required
def templates(request: AuthedRequest) -> HttpResponse:
    require(request.user, "sees_coverage")
    user = request.user
    can_publish = user.may_publish_shared_texts
    form = PublishForm(request.POST or None)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        if form.is_valid():
            try:
                pledge_template_publish(by=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Published. Earlier signatures stay valid until their term ends."))
                return redirect("pledges:templates")
    return render(request, "pledges/templates.html", {
        "versions": PledgeTemplate.objects.all(), "form": form, "can_publish": can_publish,
    })


@never_cache
def employee_sign(request: AuthedRequest, token: str) -> HttpResponse:
    """The employee's pledge, reached from the venue's QR code."""
    venue_obj = venue_by_signin_token(token)
    employment, page = employee_identify_page(request, venue_obj, source=SignInRefusal.Source.PLEDGE,
                                         purpose=_("Employee responsibility pledge"))
    if page is not None:
        return page
    template = template_current(Kind.EMPLOYEE)
    status = _employee_status(employment)
    form = SignForm(request.POST if "typed_name" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            pledge_sign(kind=Kind.EMPLOYEE, venue=venue_obj, employment=employment, request=request,
                        typed_name=form.cleaned_data["typed_name"], consent=form.cleaned_data["consent"],
                        signature=form.cleaned_data["signature"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "pledges/employee_done.html", {"venue": venue_obj, "employment": employment,
                                                                   "token": token})
    return render(request, "pledges/employee_sign.html", {
        "venue": venue_obj, "employment": employment, "template": template, "form": form, "status": status,
        "token": token,
    })


def _employee_status(employment: Any) -> Any:
    return employment.person.pledges.filter(kind=Kind.EMPLOYEE, venue=employment.venue,
                                            valid_until__gte=timezone.localdate()).first()

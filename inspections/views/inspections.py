"""The officer's pages: plan, calendar, record an inspection, disclose, issue an order from a finding."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from accounts.roles import Department
from daodao.paginator import LargeCountPaginator
from daodao.params import YEAR_MAX, YEAR_MIN, parse_id, parse_int
from venues.selectors import area_from_request, venue_get_for_user

from .. import selectors, services
from ..forms import (
    SEVERITY_CHOICES,
    AddressForm,
    OrderForm,
    PlanForm,
    RecordForm,
)
from ..models import Inspection, ItemResult
from .common import _answers, _check_photos, _errors, day_filter

# --- Officer: plan, calendar, record ----------------------------------------------

@login_required
def plan(request: AuthedRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    day = day_filter(request)
    planned, done_qs = selectors.plan_lists(request.user, area_from_request(request),
                                            mine=bool(request.GET.get("mine")),
                                            due_today=request.GET.get("due") == "today", day=day)
    done = LargeCountPaginator(done_qs, 20).get_page(request.GET.get("page"))
    # Two lists, each with its own page number; each list's links keep the other's page and the filters.
    keep_planned, keep_done = request.GET.copy(), request.GET.copy()
    keep_planned.pop("ppage", None)
    keep_done.pop("page", None)
    return render(request, "inspections/plan.html", {
        "planned": Paginator(planned, 50).get_page(request.GET.get("ppage")), "page": done, "day": day,
        "today": timezone.localdate(), "query": keep_done.urlencode(), "planned_query": keep_planned.urlencode(),
    })


@login_required
def month(request: AuthedRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    today = timezone.localdate()
    y = parse_int(request.GET.get("y", str(today.year)), lo=YEAR_MIN, hi=YEAR_MAX)
    m = parse_int(request.GET.get("m", str(today.month)), lo=1, hi=12)
    if y is None or m is None:
        raise Http404
    first = date(y, m, 1)
    prev = date(y - 1, 12, 1) if m == 1 else date(y, m - 1, 1)
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    weeks = selectors.month_calendar(request.user, y, m)
    return render(request, "inspections/calendar.html", {
        "weeks": weeks, "first": first, "prev": prev, "next": nxt, "today": today,
        "has_any": any(d["total"] for week in weeks for d in week if d["in_month"]),
    })


@login_required
def plan_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    venue_name = request.GET.get("venue_name", "").strip()[:100]
    form = PlanForm(request.POST or None, user=request.user, initial={"venue": request.GET.get("venue")},
                    venue_name=venue_name)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.inspection_plan(venue=d["venue"], by=request.user, type=d["type"], planned_for=d["planned_for"],
                                     assignee=d["assignee"], departments=d["departments"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc) or _("Not allowed."))
        else:
            messages.success(request, _("Inspection of %(venue)s planned for %(day)s; it shows on the plan and "
                                        "the assignee's work list. The venue does not see it.") % {
                "venue": d["venue"].name, "day": date_format(d["planned_for"])})
            return redirect("inspections:plan")
    return render(request, "inspections/plan_form.html", {"form": form, "venue_name": venue_name})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(request.user, pk)
    return render(request, "inspections/detail.html", {
        "inspection": inspection,
        "results": inspection.results.select_related("item"),
        "findings": inspection.findings.select_related("order"),
        "order_form": OrderForm(),
        "can_act": request.user.may_inspect,
    })


@login_required
def record(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """The phone form: record a planned inspection, or one on the spot (?venue=<id>)."""
    require(request.user, "may_inspect")
    inspection = None
    if pk is not None:
        inspection = selectors.inspection_get_for_user(request.user, pk)
        if inspection.status != Inspection.Status.PLANNED:
            messages.info(request, _("This inspection has already been recorded."))
            return redirect("inspections:detail", pk=pk)
        venue = inspection.venue
    else:
        venue = venue_get_for_user(request.user, parse_id(request.GET.get("venue") or request.POST.get("venue")) or 0)
    departments_initial = [d.department for d in inspection.departments.all()] if inspection else (
        [request.user.department] if request.user.department else [])
    form = RecordForm(request.POST or None, user=request.user, initial={
        "type": inspection.type if inspection else Inspection.Type.SURPRISE, "departments": departments_initial,
    })
    dept = (request.POST.getlist("departments") or departments_initial or [Department.NARCOTICS])[0]
    checklist = selectors.current_checklists().get(dept)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        findings = [
            services.FindingInput(request.POST.get(f"finding_{i}", ""), request.POST.get(f"severity_{i}", "medium"),
                                  request.FILES.get(f"finding_photo_{i}"))
            for i in range(1, 4)
        ]
        try:
            _check_photos(request)
            saved = services.inspection_record(
                venue=venue, by=request.user, type=d["type"], outcome=d["outcome"], departments=d["departments"],
                inspection=inspection, answers=_answers(request, checklist), findings=findings, summary=d["summary"],
                people_tested=d["people_tested"], positives=d["positives"], latitude=d["latitude"],
                longitude=d["longitude"], request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc) or _("Not allowed."))
        else:
            n = saved.findings.count()
            messages.success(request, ngettext(
                "Inspection of %(venue)s recorded with %(n)d finding: order its rectification from the list below.",
                "Inspection of %(venue)s recorded with %(n)d findings: order their rectification from the list below.",
                n) % {"venue": venue.name, "n": n} if n else
                _("Inspection of %(venue)s recorded with no findings.") % {"venue": venue.name})
            return redirect("inspections:detail", pk=saved.pk)
    return render(request, "inspections/record.html", {
        "form": form, "venue": venue, "inspection": inspection, "checklist": checklist,
        "results": ItemResult.Result.choices, "severities": SEVERITY_CHOICES, "finding_rows": [1, 2, 3],
    })


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "may_inspect")
    inspection = selectors.inspection_get_for_user(request.user, pk)
    try:
        services.inspection_cancel(inspection=inspection, by=request.user, reason=request.POST.get("reason", ""),
                                   request=request)
        messages.success(request, _("The planned inspection of %(venue)s on %(day)s is cancelled.") % {
            "venue": inspection.venue.name, "day": date_format(inspection.planned_for or timezone.localdate())})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def disclose(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    inspection = selectors.inspection_get_for_user(request.user, pk)
    try:
        services.inspection_disclose(inspection=inspection, by=request.user, request=request)
        messages.success(request, _("The findings are now visible to %(venue)s's managers, with the rectification "
                                    "orders and their deadlines.") % {"venue": inspection.venue.name})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def order_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(request.user, pk)
    form = OrderForm(request.POST)
    if form.is_valid():
        try:
            order = services.rectification_issue(finding=finding, by=request.user,
                                                 requirement=form.cleaned_data["requirement"],
                                                 deadline=form.cleaned_data["deadline"], request=request)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Rectification ordered: %(venue)s must submit evidence by %(day)s; its "
                                        "managers have been notified.") % {
                "venue": order.venue.name, "day": date_format(order.deadline)})
            return redirect("inspections:order", pk=order.pk)
    if finding.inspection_id:
        return redirect("inspections:detail", pk=finding.inspection_id)
    return redirect("venues:detail", pk=finding.venue_id)


@login_required
@require_POST
def finding_address(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(request.user, pk)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            services.finding_address(finding=finding, by=request.user, note=form.cleaned_data["note"],
                                     request=request)
            messages.success(request, _("The problem is marked as addressed; it no longer counts against the "
                                        "venue's rating at the end of the quarter."))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("venues:detail", pk=finding.venue_id)

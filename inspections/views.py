from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.capabilities import require
from accounts.roles import Department
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, xlsx_sheets_response
from daodao.files import validate_image
from daodao.params import YEAR_MAX, YEAR_MIN, parse_id, parse_int
from venues.scoping import area_scope
from venues.selectors import area_from_request, venue_get_for_user

from . import selectors, services
from .forms import (
    SEVERITY_CHOICES,
    AcceptForm,
    AddressForm,
    ExtendForm,
    InterviewForm,
    OrderForm,
    PlanForm,
    RecordForm,
    RejectForm,
    SanctionForm,
    SubmitForm,
)
from .models import Checklist, Inspection, InterviewTask, ItemResult


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _check_photos(request: HttpRequest) -> None:
    """Every file these phone forms send is a photo; anything else is refused before a service stores it."""
    errors = []
    for upload in (f for files in request.FILES.lists() for f in files[1]):
        try:
            validate_image(upload)
        except ValidationError as exc:
            errors.extend(f"{upload.name}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


def _answers(request: HttpRequest, checklist: Checklist | None) -> list[services.ItemAnswer]:
    """Checklist answers from the phone form: item_<id> = pass|fail|na, note_<id>, photo_<id>."""
    if checklist is None:
        return []
    answers = []
    for item in checklist.items.all():
        result = request.POST.get(f"item_{item.pk}")
        if result:
            answers.append(services.ItemAnswer(item.pk, result, request.POST.get(f"note_{item.pk}", "").strip(),
                                               request.FILES.get(f"photo_{item.pk}")))
    return answers


# --- Officer: plan, calendar, record ----------------------------------------------

@login_required
def plan(request: HttpRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    area = area_from_request(request)
    qs = selectors.inspections_for_user(request.user).filter(area_scope(request.user, area, "venue__"))
    planned = qs.planned().order_by("planned_for", "id")
    if request.GET.get("mine"):
        planned = planned.filter(assignee=request.user)
    if request.GET.get("due") == "today":  # today's and overdue plans: the dashboard's work line
        planned = planned.filter(planned_for__lte=timezone.localdate())
    done = Paginator(qs.filter(status=Inspection.Status.DONE).order_by("-carried_out_at"), 20).get_page(
        request.GET.get("page"))
    return render(request, "inspections/plan.html", {
        "planned": planned, "page": done, "today": timezone.localdate(), "query": "",
    })


@login_required
def month(request: HttpRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    today = timezone.localdate()
    y = parse_int(request.GET.get("y", str(today.year)), lo=YEAR_MIN, hi=YEAR_MAX)
    m = parse_int(request.GET.get("m", str(today.month)), lo=1, hi=12)
    if y is None or m is None:
        raise Http404
    first = date(y, m, 1)
    prev = date(y - 1, 12, 1) if m == 1 else date(y, m - 1, 1)
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return render(request, "inspections/calendar.html", {
        "weeks": selectors.month_calendar(request.user, y, m), "first": first, "prev": prev, "next": nxt,
        "today": today,
    })


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    form = PlanForm(request.POST or None, user=request.user, initial={"venue": request.GET.get("venue")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.inspection_plan(venue=d["venue"], by=request.user, type=d["type"], planned_for=d["planned_for"],
                                     assignee=d["assignee"], departments=d["departments"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc) or _("Not allowed."))
        else:
            messages.success(request, _("Inspection planned."))
            return redirect("inspections:plan")
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(request.user, pk)
    return render(request, "inspections/detail.html", {
        "inspection": inspection,
        "results": inspection.results.select_related("item"),
        "findings": inspection.findings.select_related("order"),
        "order_form": OrderForm(),
        "can_act": request.user.may_inspect,
    })


@login_required
def record(request: HttpRequest, pk: int | None = None) -> HttpResponse:
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
            messages.success(request, _("Inspection recorded."))
            return redirect("inspections:detail", pk=saved.pk)
    return render(request, "inspections/record.html", {
        "form": form, "venue": venue, "inspection": inspection, "checklist": checklist,
        "results": ItemResult.Result.choices, "severities": SEVERITY_CHOICES, "finding_rows": [1, 2, 3],
    })


@login_required
@require_POST
def disclose(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    inspection = selectors.inspection_get_for_user(request.user, pk)
    try:
        services.inspection_disclose(inspection=inspection, by=request.user, request=request)
        messages.success(request, _("The findings are now visible to the venue."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def order_issue(request: HttpRequest, pk: int) -> HttpResponse:
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
            messages.success(request, _("Rectification ordered."))
            return redirect("inspections:order", pk=order.pk)
    if finding.inspection_id:
        return redirect("inspections:detail", pk=finding.inspection_id)
    return redirect("venues:detail", pk=finding.venue_id)


@login_required
@require_POST
def finding_address(request: HttpRequest, pk: int) -> HttpResponse:
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


# --- Venue: daily self-inspection ----------------------------------------------------

@login_required
def self_inspection(request: HttpRequest, venue_pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, venue_pk)
    if not (request.user.manages(venue) or request.user.is_system_admin):
        raise PermissionDenied
    checklist = selectors.current_checklists().get(Checklist.Kind.SELF)
    today = timezone.localdate()
    existing = venue.self_inspections.filter(day=today).first()
    if request.method == "POST" and existing is None:
        try:
            _check_photos(request)
            services.selfinspection_submit(venue=venue, by=request.user, answers=_answers(request, checklist),
                                           request=request)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Today's self-inspection is submitted. Thank you."))
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "inspections/self_inspection.html", {
        "venue": venue, "checklist": checklist, "existing": existing, "today": today,
        "results": ItemResult.Result.choices, "posted": request.POST,
    })


# --- Rectification orders ----------------------------------------------------------

@login_required
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, "sees_orders")
    columns = selectors.board_for_user(request.user, area=area_from_request(request),
                                       mine=bool(request.GET.get("mine")), show=request.GET.get("show", ""))
    return render(request, "inspections/board.html", {"columns": columns, "today": timezone.localdate(),
                                                      "filtered": bool(request.GET)})


@login_required
def order_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 整改通知书 handed to the venue: whoever may see the order may print it."""
    o = selectors.order_get_for_user(request.user, pk)
    issuer = o.issued_by
    return render(request, "inspections/order_notice.html", {
        "order": o, "number": selectors.order_notice_number(o), "issuer": issuer,
        "unit": " · ".join(str(x) for x in (issuer.jurisdiction.name if issuer.jurisdiction_id else "",
                                            issuer.get_department_display()) if x),
    })


@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    o = selectors.order_get_for_user(request.user, pk)
    user = request.user
    is_officer = user.works_police_side or (user.is_partner and o.finding.inspection_id)
    return render(request, "inspections/order.html", {
        "order": o, "events": o.events.select_related("actor").prefetch_related("photos"),
        "is_officer": is_officer, "is_venue": user.is_manager,
        "submit_form": SubmitForm(), "reject_form": RejectForm(), "accept_form": AcceptForm(),
        "extend_form": ExtendForm(),
        "last_rejection": o.events.filter(action="rejected").order_by("-at").first(),
    })


ORDER_ACTIONS: dict[str, Any] = {
    "submit": (SubmitForm, lambda o, r, d: services.rectification_submit(
        order=o, by=r.user, note=d["note"], photos=r.FILES.getlist("photos"))),
    "accept": (AcceptForm, lambda o, r, d: services.rectification_accept(order=o, by=r.user, note=d["note"])),
    "reject": (RejectForm, lambda o, r, d: services.rectification_reject(order=o, by=r.user, reason=d["reason"])),
    "extend": (ExtendForm, lambda o, r, d: services.rectification_extend(
        order=o, by=r.user, new_deadline=d["new_deadline"], reason=d["reason"])),
}


# What each step did and what comes next, for the person who took it.
ORDER_DONE = {
    "submit": gettext_lazy("Your evidence is submitted. The police station will check it and accept the order "
                           "or send it back with a reason; you will see the answer on this page."),
    "accept": gettext_lazy("The rectification is accepted and the order is closed. The venue sees it as done."),
    "reject": gettext_lazy("The evidence was sent back to the venue with your reason. They must fix it and "
                           "submit again by %(deadline)s."),
    "extend": gettext_lazy("The deadline is now %(deadline)s. The venue sees the new date on its order."),
}


@login_required
@require_POST
def order_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    o = selectors.order_get_for_user(request.user, pk)
    if action not in ORDER_ACTIONS:
        raise Http404
    form_class, run = ORDER_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("inspections:order", pk=pk)
    try:
        _check_photos(request)
        run(o, request, form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        o.refresh_from_db()
        messages.success(request, ORDER_DONE[action] % {"deadline": date_format(o.deadline, "DATE_FORMAT")})
    return redirect("inspections:order", pk=pk)


# --- Interviews, tasks, sanctions ---------------------------------------------------

@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    return render(request, "inspections/tasks.html", {
        "tasks": selectors.tasks_for_user(request.user).filter(
            area_scope(request.user, area_from_request(request), "venue__"), status=InterviewTask.Status.OPEN),
        "interviews": selectors.interviews_for_user(request.user)[:30],
        "today": timezone.localdate(),
    })


@login_required
def interview_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    task = None
    if request.GET.get("task") or request.POST.get("task"):
        task = get_object_or_404(selectors.tasks_for_user(request.user),
                                 pk=parse_id(request.GET.get("task") or request.POST.get("task")) or 0)
        venue = task.venue
    else:
        venue = venue_get_for_user(request.user, parse_id(request.GET.get("venue") or request.POST.get("venue")) or 0)
    form = InterviewForm(request.POST or None, request.FILES or None, initial={
        "reason": task.reason if task else None, "held_on": timezone.localdate(),
    })
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            interview = services.interview_record(
                venue=venue, by=request.user, attendee=d["attendee"], reason=d["reason"], held_on=d["held_on"],
                summary=d["summary"], commitments=d["commitments"], signed_note=d["signed_note"], task=task,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Interview recorded."))
            return redirect("inspections:interview", pk=interview.pk)
    return render(request, "inspections/interview_form.html", {"form": form, "venue": venue, "task": task})


@login_required
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    iv = get_object_or_404(selectors.interviews_for_user(request.user), pk=pk)
    return render(request, "inspections/interview.html", {"interview": iv})


@login_required
@require_POST
def sanction(request: HttpRequest, venue_pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    venue = venue_get_for_user(request.user, venue_pk)
    form = SanctionForm(request.POST)
    if form.is_valid():
        try:
            services.sanction_issue(venue=venue, by=request.user, kind=form.cleaned_data["kind"],
                                    reason=form.cleaned_data["reason"], request=request)
            messages.success(request, _("The measure is recorded on the venue's timeline."))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("venues:detail", pk=venue.pk)




# --- Exports: the lists as filtered on their pages, same scope, audited ------------

def _list_filters(request: HttpRequest) -> list[tuple[Any, Any]]:
    area = area_from_request(request)
    shown: list[tuple[Any, Any]] = [(_("District or station"), area.name if area else "")]
    if request.GET.get("mine"):
        shown.append((_("Only mine"), _("yes")))
    if request.GET.get("due") == "today":
        shown.append((_("Planned"), _("today or overdue")))
    show = request.GET.get("show", "")
    labels = {"overdue": _("Overdue"), "due_soon": _("Due soon"), "open": _("Open"),
              "submitted": _("Awaiting verification")}
    if show in labels:
        shown.append((_("Column"), labels[show]))
    return shown


def _audit_export(request: HttpRequest, what: str, rows: int) -> None:
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": what, "filters": {k: v for k, v in request.GET.items() if k != "page"}, "rows": rows})


@login_required
def plan_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    area = area_from_request(request)
    qs = selectors.inspections_for_user(request.user).filter(area_scope(request.user, area, "venue__"))
    planned = qs.planned().order_by("planned_for", "id")
    if request.GET.get("mine"):
        planned = planned.filter(assignee=request.user)
    if request.GET.get("due") == "today":
        planned = planned.filter(planned_for__lte=timezone.localdate())
    done = qs.filter(status=Inspection.Status.DONE).select_related("recorded_by").order_by("-carried_out_at")
    _audit_export(request, "inspections", planned.count() + done.count())
    title = export_title(what=_("Inspections"), user=request.user, filters=_list_filters(request))

    def departments(i: Inspection) -> str:
        return "、".join(str(d.get_department_display()) for d in i.departments.all())

    return xlsx_sheets_response("inspections", [
        Sheet(name=_("Carried out"), title=title, widths=(18, 26, 14, 12, 16, 14, 16, 10, 10, 40),
              headers=[_("Carried out at"), _("Venue"), _("Police station"), _("Type"), _("Departments"),
                       _("Recorded by"), _("Outcome"), _("People tested"), _("Positive tests"), _("Summary")],
              rows=((i.carried_out_at, i.venue.name, i.venue.station.name, i.get_type_display(), departments(i),
                     str(i.recorded_by or ""), i.get_outcome_display(), i.people_tested, i.positives, i.summary)
                    for i in done.iterator(chunk_size=500))),
        Sheet(name=_("Planned"), title=title, widths=(12, 26, 14, 12, 16, 14, 10),
              headers=[_("Planned for"), _("Venue"), _("Police station"), _("Type"), _("Departments"),
                       _("Assignee"), _("Overdue")],
              rows=((i.planned_for, i.venue.name, i.venue.station.name, i.get_type_display(), departments(i),
                     str(i.assignee or ""), _("yes") if i.is_overdue_plan else "")
                    for i in planned.iterator(chunk_size=500))),
    ])


@login_required
def board_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "may_inspect")  # an officer's list, not the venue's
    columns = selectors.board_for_user(request.user, area=area_from_request(request),
                                       mine=bool(request.GET.get("mine")), show=request.GET.get("show", ""))
    orders = sorted((o for col in columns.values() for o in col), key=lambda o: (o.deadline, o.pk))
    _audit_export(request, "rectifications", len(orders))
    return xlsx_sheets_response("rectifications", [Sheet(
        name=_("Rectification orders"),
        title=export_title(what=_("Open rectification orders"), user=request.user, filters=_list_filters(request)),
        widths=(26, 14, 40, 22, 12, 12, 10, 14, 8),
        headers=[_("Venue"), _("Police station"), _("What must be done"), _("Status"), _("Issued on"),
                 _("Deadline"), _("Days overdue"), _("Issued by"), _("Extended")],
        rows=[(o.venue.name, o.venue.station.name, o.requirement, o.get_status_display(), o.issued_on, o.deadline,
               o.days_overdue if o.status in o.WITH_VENUE else 0, str(o.issued_by), _("yes") if o.extended else "")
              for o in orders])])


@login_required
def tasks_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    scope = area_scope(request.user, area_from_request(request), "venue__")
    tasks = selectors.tasks_for_user(request.user).filter(scope, status=InterviewTask.Status.OPEN)
    interviews = selectors.interviews_for_user(request.user).filter(scope).select_related("venue__station")
    _audit_export(request, "interviews", tasks.count() + interviews.count())
    title = export_title(what=_("Interviews"), user=request.user, filters=_list_filters(request))
    return xlsx_sheets_response("interviews", [
        Sheet(name=_("Interviews to hold"), title=title, widths=(26, 14, 22, 12, 12),
              headers=[_("Venue"), _("Police station"), _("Reason"), _("Due"), _("Raised")],
              rows=((t.venue.name, t.venue.station.name, t.get_reason_display(), t.due_on,
                     timezone.localdate(t.created_at)) for t in tasks.iterator(chunk_size=500))),
        Sheet(name=_("Interviews held"), title=title, widths=(12, 26, 14, 22, 14, 24, 50, 40),
              headers=[_("Held on"), _("Venue"), _("Police station"), _("Reason"), _("Attendee"), _("Officers"),
                       _("Summary"), _("Commitments")],
              rows=((iv.held_on, iv.venue.name, iv.venue.station.name, iv.get_reason_display(), iv.attendee,
                     "、".join(str(o) for o in iv.officers.all()), iv.summary, iv.commitments)
                    for iv in interviews)),
    ])

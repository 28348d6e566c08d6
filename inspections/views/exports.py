"""Exports of the plan, the order board and the task list: as filtered on their pages, same scope, audited."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, xlsx_sheets_response
from daodao.params import parse_day
from venues.scoping import area_scope
from venues.selectors import area_from_request

from .. import selectors
from ..models import Inspection, InterviewTask
from .common import day_filter

# --- Exports: the lists as filtered on their pages, same scope, audited ------------

def _list_filters(request: AuthedRequest) -> list[tuple[Any, Any]]:
    area = area_from_request(request)
    shown: list[tuple[Any, Any]] = [(_("District or station"), area.name if area else "")]
    if request.GET.get("mine"):
        shown.append((_("Only mine"), _("yes")))
    if request.GET.get("due") == "today":
        shown.append((_("Planned"), _("today or overdue")))
    day = parse_day(request.GET.get("day"))
    if day is not None:
        shown.append((_("Day"), date_format(day)))
    show = request.GET.get("show", "")
    labels = {"overdue": _("Overdue"), "due_soon": _("Due soon"), "open": _("Open"),
              "submitted": _("Awaiting verification")}
    if show in labels:
        shown.append((_("Column"), labels[show]))
    return shown


def _audit_export(request: AuthedRequest, what: str, rows: int) -> None:
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": what, "filters": {k: v for k, v in request.GET.items() if k != "page"}, "rows": rows})


@login_required
def plan_export(request: AuthedRequest) -> HttpResponse:
    require(request.user, "may_inspect")
    planned, done = selectors.plan_lists(request.user, area_from_request(request), mine=bool(request.GET.get("mine")),
                                         due_today=request.GET.get("due") == "today", day=day_filter(request))
    done = done.select_related("recorded_by")
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
def board_export(request: AuthedRequest) -> HttpResponse:
    require(request.user, "may_inspect")  # an officer's list, not the venue's
    columns = selectors.board_for_user(request.user, area=area_from_request(request),
                                       mine=bool(request.GET.get("mine")), show=request.GET.get("show", ""))
    orders = sorted((o for col, _n in columns.values() for o in col), key=lambda o: (o.deadline, o.pk))
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
def tasks_export(request: AuthedRequest) -> HttpResponse:
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

"""Scoped reads for the inspection pages, panels and API."""

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from daodao.ui import WorkItem, WorkLine
from venues.scoping import area_scope

from .models import (
    Checklist,
    Finding,
    Inspection,
    InspectionQuerySet,
    Interview,
    InterviewTask,
    RectificationOrder,
    RectificationOrderQuerySet,
    SelfInspection,
)

DUE_SOON_DAYS = 3


def inspections_for_user(user: Any) -> InspectionQuerySet:
    return (Inspection.objects.visible_to(user)
            .select_related("venue__station", "assignee").prefetch_related("departments"))


def plan_lists(user: Any, area: Any, *, mine: bool = False, due_today: bool = False,
               day: date | None = None) -> tuple[InspectionQuerySet, InspectionQuerySet]:
    """(planned, carried out) as the plan page and its export filter them: the area, only
    the user's own plans, today's and overdue plans, or one day (the calendar's "more" link:
    plans for that day and inspections carried out on it, in local time)."""
    qs = inspections_for_user(user).filter(area_scope(user, area, "venue__"))
    planned = qs.planned().order_by("planned_for", "id")
    done = qs.filter(status=Inspection.Status.DONE).order_by("-carried_out_at")
    if mine:
        planned = planned.filter(assignee=user)
    if due_today:
        planned = planned.filter(planned_for__lte=timezone.localdate())
    if day is not None:
        start = timezone.make_aware(datetime(day.year, day.month, day.day))  # noqa: DTZ001 -- made aware here
        planned = planned.filter(planned_for=day)
        done = done.filter(carried_out_at__gte=start, carried_out_at__lt=start + timedelta(days=1))
    return planned, done


def inspection_get_for_user(user: Any, pk: int) -> Inspection:
    return get_object_or_404(inspections_for_user(user), pk=pk)


def orders_for_user(user: Any) -> RectificationOrderQuerySet:
    return RectificationOrder.objects.visible_to(user).select_related("venue__station", "finding", "issued_by")


def order_get_for_user(user: Any, pk: int) -> RectificationOrder:
    return get_object_or_404(orders_for_user(user), pk=pk)


def finding_get_for_user(user: Any, pk: int) -> Finding:
    return get_object_or_404(Finding.objects.visible_to(user).select_related("venue", "inspection"), pk=pk)


def tasks_for_user(user: Any) -> QuerySet[InterviewTask]:
    return InterviewTask.objects.visible_to(user).select_related("venue__station", "assignee", "interview")


def interviews_for_user(user: Any) -> QuerySet[Interview]:
    return Interview.objects.visible_to(user).select_related("venue").prefetch_related("officers")


BOARD_COLUMNS = ("overdue", "due_soon", "open", "submitted")


BOARD_COLUMNS = ("overdue", "due_soon", "open", "submitted")


def board_for_user(user: Any, *, area: Any = None, mine: bool = False, show: str = "",
                   per_column: int | None = None) -> dict[str, tuple[list[RectificationOrder], int]]:
    """The rectification board: per column (overdue, due soon, open, awaiting verification)
    its orders by deadline and how many there are, in one query.

    ``area`` narrows to a district or station, ``mine`` to orders the user issued (the ones
    waiting for their acceptance), ``show`` to one column. ``per_column`` keeps only the
    most urgent orders of each column (the page: a province has thousands open) -- the rows
    are numbered and counted per column in SQL, so only those leave the database; None
    keeps all (the export)."""
    today = timezone.localdate()
    qs = orders_for_user(user).open().filter(area_scope(user, area, "venue__"))
    if mine:
        qs = qs.filter(issued_by=user)
    column = Case(
        When(status=RectificationOrder.Status.SUBMITTED, then=Value("submitted")),
        When(deadline__lt=today, then=Value("overdue")),
        When(deadline__lte=today + timedelta(days=DUE_SOON_DAYS), then=Value("due_soon")),
        default=Value("open"))
    if show in BOARD_COLUMNS:
        qs = qs.alias(board_column=column).filter(board_column=show)
    order = [F("deadline").asc(), F("id").asc()]
    numbered = qs.annotate(board_column=column,
                           board_n=Window(RowNumber(), partition_by=[column], order_by=order),
                           board_total=Window(Count("id"), partition_by=[column]))
    if per_column is not None:
        numbered = numbered.filter(board_n__lte=per_column)
    columns: dict[str, tuple[list[RectificationOrder], int]] = {k: ([], 0) for k in BOARD_COLUMNS}
    for o in numbered.order_by("deadline", "id"):
        key = getattr(o, "board_column")  # noqa: B009 -- annotations mypy cannot see
        columns[key][0].append(o)
        columns[key] = (columns[key][0], getattr(o, "board_total"))  # noqa: B009
    return columns


CALENDAR_PER_DAY = 4  # inspections named in one day's cell; the rest are counted and linked


def month_calendar(user: Any, year: int, month: int) -> list[list[dict[str, Any]]]:
    """Weeks of days with the inspections planned or carried out on each: at most
    ``CALENDAR_PER_DAY`` of each named per day, with the day's total (a city plans thousands
    a month). Two queries, whatever the number of inspections: the rows are numbered and
    counted per day in SQL (window functions) and only the first few leave the database."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    qs = inspections_for_user(user).prefetch_related(None)
    start = timezone.make_aware(datetime(year, month, 1))  # noqa: DTZ001 -- made aware here
    end = start + timedelta(days=last.day)
    cells: dict[date, dict[str, Any]] = {}
    on_day = TruncDate("carried_out_at", tzinfo=timezone.get_current_timezone())
    for status, day_of, rows in (
        ("planned", F("planned_for"),
         qs.filter(status=Inspection.Status.PLANNED, planned_for__range=(first, last))),
        ("done", on_day, qs.filter(status=Inspection.Status.DONE, carried_out_at__gte=start, carried_out_at__lt=end)),
    ):
        numbered = rows.annotate(
            cal_day=day_of,
            cal_n=Window(RowNumber(), partition_by=[day_of], order_by=[F("id").asc()]),
            cal_total=Window(Count("id"), partition_by=[day_of]),
        ).filter(cal_n__lte=CALENDAR_PER_DAY).order_by("cal_day", "cal_n")
        for i in numbered:
            cell = cells.setdefault(getattr(i, "cal_day"), {"items": [], "planned": 0, "done": 0})  # noqa: B009
            cell["items"].append(i)
            cell[status] = getattr(i, "cal_total")  # noqa: B009 -- annotations mypy cannot see
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for d in week:
            cell = cells.get(d, {"items": [], "planned": 0, "done": 0})
            total = cell["planned"] + cell["done"]
            row.append({"day": d, "in_month": d.month == month, "items": cell["items"], "total": total,
                        "more": total - len(cell["items"])})
        weeks.append(row)
    return weeks


def venue_timeline(user: Any, venue: Any, limit: int = 30) -> list[dict[str, Any]]:
    """Inspections, findings, orders and interviews of one venue, newest first (four queries)."""
    rows: list[dict[str, Any]] = []
    for i in Inspection.objects.visible_to(user).filter(venue=venue, status=Inspection.Status.DONE)[:limit]:
        rows.append({"at": timezone.localdate(i.carried_out_at), "kind": "inspection", "obj": i})
    for f in Finding.objects.visible_to(user).filter(venue=venue).select_related("order")[:limit]:
        rows.append({"at": f.found_on, "kind": "finding", "obj": f})
    for o in RectificationOrder.objects.visible_to(user).filter(venue=venue)[:limit]:
        rows.append({"at": o.issued_on, "kind": "order", "obj": o})
    for iv in Interview.objects.visible_to(user).filter(venue=venue)[:limit]:
        rows.append({"at": iv.held_on, "kind": "interview", "obj": iv})
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]


def venue_panel_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    user = request.user
    if user.is_association:
        selfchecks = SelfInspection.objects.filter(venue=venue).order_by("-day")[:14]
        return {"venue": venue, "selfchecks": list(selfchecks), "timeline": [], "orders": [], "today": None}
    today = timezone.localdate()
    return {
        "venue": venue,
        "today": SelfInspection.objects.filter(venue=venue, day=today).first(),
        "is_manager": user.is_manager,
        "selfchecks": list(SelfInspection.objects.filter(venue=venue).order_by("-day")[:14]),
        "orders": list(RectificationOrder.objects.visible_to(user).open().filter(venue=venue).order_by("deadline")),
        "timeline": venue_timeline(user, venue, limit=15),
    }


def dashboard_panel_context(request: AuthedRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.may_inspect:
        return None
    today = timezone.localdate()
    orders = orders_for_user(user).open().aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(status__in=RectificationOrder.WITH_VENUE, deadline__lt=today)),
        submitted=Count("id", filter=Q(status=RectificationOrder.Status.SUBMITTED)),
    )
    plans = Inspection.objects.visible_to(user).planned().aggregate(
        planned=Count("id"), overdue=Count("id", filter=Q(planned_for__lt=today)),
    )
    tasks = InterviewTask.objects.visible_to(user).filter(status=InterviewTask.Status.OPEN).count() \
        if user.works_police_side else None
    return {"orders": orders, "plans": plans, "tasks": tasks}


def current_checklists() -> dict[str, Checklist]:
    latest: dict[str, Checklist] = {}
    for c in Checklist.objects.order_by("kind", "-version").prefetch_related("items"):
        latest.setdefault(c.kind, c)
    return latest


WORK_ITEMS = 3


def _url(name: str, area: Any, **params: Any) -> str:
    if area is not None:
        params["area"] = area.pk
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def work_lines(request: AuthedRequest, area: Any) -> list[WorkLine]:
    """Inspections planned for me today or overdue, orders awaiting my acceptance, overdue
    orders, interviews to hold: three queries, each reading the first three items of its
    lines with the line's total counted over the same rows (window functions, before the limit)."""
    user = request.user
    if not user.works_police_side:
        return []
    today = timezone.localdate()
    scope = area_scope(user, area, "venue__")
    lines = []

    plans = (Inspection.objects.visible_to(user).planned().filter(scope, assignee=user, planned_for__lte=today)
             .select_related("venue").annotate(total=Window(Count("id"))).order_by("planned_for", "id"))
    first: list[Any] = list(plans[:WORK_ITEMS])  # with their window annotation (total)
    if first:
        n = first[0].total
        lines.append(WorkLine(
            count=n, urgent=first[0].planned_for is not None and first[0].planned_for < today,
            text=_("inspections are planned for you today or are overdue"),
            url=_url("inspections:plan", area, mine=1, due="today"),
            items=tuple(WorkItem(
                text=_("%(venue)s: %(type)s inspection planned for %(date)s") % {
                    "venue": i.venue.name, "type": i.get_type_display(), "date": f"{i.planned_for:%m-%d}"},
                url=reverse("inspections:record", args=[i.pk]),
                late=i.planned_for is not None and i.planned_for < today,
            ) for i in first),
        ))

    # Only open orders: most orders are closed, and the status index skips them.
    orders = RectificationOrder.objects.visible_to(user).open().filter(scope).select_related("venue")
    awaiting = Q(status=RectificationOrder.Status.SUBMITTED, issued_by=user)
    overdue = Q(status__in=RectificationOrder.WITH_VENUE, deadline__lt=today)
    # One query for both lines: the orders of the two lines only (each checks its visibility),
    # numbered within their line in the line's order, the first three of each with its total.
    line = Case(When(awaiting, then=Value(0)), default=Value(1))
    first_orders: list[Any] = list(orders.filter(awaiting | overdue).annotate(
        line=line, total=Window(Count("id"), partition_by=[line]),
        nth=Window(RowNumber(), partition_by=[line], order_by=[
            Case(When(awaiting, then=F("last_submitted_on")), default=F("deadline")), F("id")]),
    ).filter(nth__lte=WORK_ITEMS).order_by("line", "nth"))
    waiting = [o for o in first_orders if o.line == 0]
    if waiting:
        lines.append(WorkLine(
            count=waiting[0].total,
            text=_("rectifications you ordered have evidence submitted and await your acceptance"),
            url=_url("inspections:board", area, show="submitted", mine=1),
            items=tuple(WorkItem(
                text=_("%(venue)s: %(requirement)s (submitted %(date)s)") % {
                    "venue": o.venue.name, "requirement": o.requirement,
                    "date": f"{o.last_submitted_on:%m-%d}" if o.last_submitted_on else "—"},
                url=reverse("inspections:order", args=[o.pk]),
            ) for o in waiting),
        ))
    late = [o for o in first_orders if o.line == 1]
    if late:
        lines.append(WorkLine(
            count=late[0].total, urgent=True,
            text=_("rectification orders are past their deadline"),
            url=_url("inspections:board", area, show="overdue"),
            items=tuple(WorkItem(
                text=_("%(venue)s: %(requirement)s (deadline %(date)s)") % {
                    "venue": o.venue.name, "requirement": o.requirement, "date": f"{o.deadline:%m-%d}"},
                url=reverse("inspections:order", args=[o.pk]), late=True,
            ) for o in late),
        ))

    tasks = (InterviewTask.objects.visible_to(user).filter(scope, status=InterviewTask.Status.OPEN)
             .select_related("venue").annotate(total=Window(Count("id"))).order_by("due_on", "id"))
    first_tasks: list[Any] = list(tasks[:WORK_ITEMS])
    if first_tasks:
        lines.append(WorkLine(
            count=first_tasks[0].total, text=_("interviews with venue heads are to be held"),
            url=_url("inspections:tasks", area),
            items=tuple(WorkItem(
                text=_("%(venue)s: %(reason)s") % {"venue": t.venue.name, "reason": t.get_reason_display()},
                url=f"{reverse('inspections:interview_new')}?task={t.pk}",
                late=bool(t.due_on and t.due_on < today),
            ) for t in first_tasks),
        ))
    return lines


def order_notice_number(order: RectificationOrder) -> dict[str, Any]:
    """整改通知书 number: the order's place among the orders issued in its district that year.

    Orders are never deleted (PROTECT) and each is issued "today" with a growing id, so
    counting the district's orders of the year with an id up to this one gives every order a
    number that never changes, with no counter table to keep (one query)."""
    district = order.venue.station.parent
    assert district is not None  # a station always has its district  # noqa: S101
    n = RectificationOrder.objects.filter(
        venue__station__path__startswith=district.path, issued_on__year=order.issued_on.year, pk__lte=order.pk,
    ).count()
    return {"district": district, "year": order.issued_on.year, "n": n}


def todo_selfcheck_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    """Today's self-inspection: done or still to do (only while the venue operates)."""
    if venue.status != "operating":
        return None
    return {"venue": venue, "done": SelfInspection.objects.filter(venue=venue, day=timezone.localdate(),
                                                                  status=SelfInspection.Status.SUBMITTED).first()}


def todo_orders_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    """Open orders with their deadlines, the most urgent first; nothing when there is none."""
    orders = list(RectificationOrder.objects.visible_to(request.user).open().filter(venue=venue)
                  .order_by("deadline"))
    return {"orders": orders, "today": timezone.localdate()} if orders else None
